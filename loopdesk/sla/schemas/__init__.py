"""django-ninja schemas of the SLA API, one module per area."""
