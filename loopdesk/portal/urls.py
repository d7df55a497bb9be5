from django.urls import path

from .views import auth, csat, staff, tickets, webform

app_name = "portal"
urlpatterns = [
    path("", tickets.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/<str:token>/", auth.link_view, name="link"),
    path("logout/", auth.logout_view, name="logout"),
    path("account/", auth.account_view, name="account"),
    path("tickets/<int:number>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:number>/reply/", tickets.ticket_reply, name="reply"),
    path("tickets/<int:number>/close/", tickets.ticket_close, name="close"),
    path("tickets/<int:number>/reopen/", tickets.ticket_reopen, name="reopen"),
    path("tickets/<int:number>/rate/", tickets.ticket_rate, name="rate"),
    path("attachments/<uuid:public_id>/", tickets.attachment_download, name="attachment"),
    path("new/", webform.request_new, name="form"),
    path("new/done/<str:token>/", webform.request_done, name="form_done"),
    path("new/fields/", webform.custom_fields_partial, name="form_fields"),
    path("new/suggest/", webform.suggest, name="suggest"),
    path("new/article/<str:token>/", webform.deflect, name="deflect"),
    path("embed/", webform.request_embed, name="embed"),
    path("embed/done/<str:token>/", webform.embed_done, name="embed_done"),
    path("survey/<str:token>/", csat.survey, name="survey"),
    path("staff/tickets/<int:number>/csat/", csat.staff_ticket_csat, name="staff_csat"),
    path("staff/overview/", staff.overview, name="staff_overview"),
]
