from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [
    path("tickets/<int:number>/sla/", views.ticket_sla, name="ticket_sla"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
