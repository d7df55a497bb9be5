from django.urls import path

from . import views

app_name = "automation"
urlpatterns = [
    path("automation/", views.index, name="index"),
    path("automation/rules/", views.rules, name="rules"),
    path("automation/rules/new/", views.rule_edit, name="rule_new"),
    path("automation/rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("automation/rules/<int:rule_id>/toggle/", views.rule_toggle, name="rule_toggle"),
    path("automation/rules/<int:rule_id>/move/", views.rule_move, name="rule_move"),
    path("automation/rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("automation/rules/<int:rule_id>/log/", views.rule_log, name="rule_log"),
    path("automation/macros/", views.macros, name="macros"),
    path("automation/canned-replies/", views.canned, name="canned"),
    path("tickets/<int:number>/automation/", views.ticket_panel, name="ticket_panel"),
    path(
        "tickets/<int:number>/automation/macros/<int:macro_id>/apply/",
        views.ticket_apply_macro,
        name="ticket_apply_macro",
    ),
    path(
        "tickets/<int:number>/automation/canned/<int:reply_id>/insert/",
        views.ticket_insert_canned,
        name="ticket_insert_canned",
    ),
]
