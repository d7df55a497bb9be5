from django.urls import path

from loopdesk.channels import ticket_views as channel_views

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bulk/", views.inbox_bulk, name="bulk"),
    path("new/", views.ticket_new, name="new"),
    path("<int:number>/", views.ticket_detail, name="detail"),
    path("<int:number>/history/", views.ticket_history, name="history"),
    path("<int:number>/related/", views.ticket_related, name="related"),
    path("<int:number>/messages/", views.ticket_message, name="message"),
    path("<int:number>/fields/", views.ticket_fields, name="fields"),
    path("<int:number>/take/", views.ticket_take, name="take"),
    path("attachments/<uuid:public_id>/", views.attachment_download, name="attachment"),
    path(
        "<int:number>/messages/<int:message_id>/resend/",
        channel_views.resend_message,
        name="resend",
    ),
]
