from django.urls import path

from . import views

app_name = "routing"
urlpatterns = [
    path("", views.index, name="index"),
    path("status/", views.status, name="status"),
    path("agents/<int:agent_id>/", views.agent, name="agent"),
    path("agents/<int:agent_id>/status/", views.agent_status, name="agent_status"),
    path("agents/<int:agent_id>/settings/", views.agent_settings, name="agent_settings"),
    path("agents/<int:agent_id>/skills/", views.agent_skill, name="agent_skill"),
    path("teams/<int:team_id>/", views.team, name="team"),
]
