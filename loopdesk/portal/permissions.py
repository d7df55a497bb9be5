def can_view_self_service_figures(user) -> bool:
    """Supervisors and admins see CSAT and deflection figures (ratings scoped to the
    tickets they can see)."""
    return bool(user.is_authenticated and (user.is_admin or user.is_supervisor))
