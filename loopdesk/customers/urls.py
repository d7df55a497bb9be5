from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.contact_list, name="home"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/picker/", views.contact_picker, name="contact_picker"),
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact_detail"),
    path(
        "organizations/<int:organization_id>/",
        views.organization_detail,
        name="organization_detail",
    ),
]
