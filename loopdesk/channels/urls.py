from django.urls import path

from . import views

app_name = "channels"
urlpatterns = [
    path("mailboxes/", views.mailbox_list, name="mailbox_list"),
    path("mailboxes/new/", views.mailbox_new, name="mailbox_new"),
    path("mailboxes/check/", views.mailbox_check, name="mailbox_check_new"),
    path("mailboxes/<int:pk>/", views.mailbox_edit, name="mailbox_edit"),
    path("mailboxes/<int:pk>/check/", views.mailbox_check, name="mailbox_check"),
    path("mail/", views.inbound_list, name="inbound_list"),
    path("mail/<int:pk>/", views.inbound_detail, name="inbound_detail"),
    path("mail/<int:pk>/raw/", views.inbound_raw, name="inbound_raw"),
    path("mail/<int:pk>/reprocess/", views.inbound_reprocess, name="inbound_reprocess"),
    path("mail/<int:pk>/discard/", views.inbound_discard, name="inbound_discard"),
]
