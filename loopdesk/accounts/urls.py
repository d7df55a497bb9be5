from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("settings/", views.my_settings, name="settings"),
    path("settings/keys/", views.api_key_new, name="api_key_new"),
    path("settings/keys/<int:key_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
]
