from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api
from loopdesk.channels.webhooks import mailgun_inbound
from loopdesk.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("inbound/email/mailgun/", mailgun_inbound, name="inbound-mailgun"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("loopdesk.accounts.urls")),
    path("customers/", include("loopdesk.customers.urls")),
    path("tickets/", include("loopdesk.tickets.urls")),
    path("settings/channels/", include("loopdesk.channels.urls")),
    path("routing/", include("loopdesk.routing.urls")),
    path("portal/", include("loopdesk.portal.urls")),
    path("", include("loopdesk.sla.urls")),
    path("", include("loopdesk.automation.urls")),
    path("", include("loopdesk.knowledge.urls")),
    path("", RedirectView.as_view(pattern_name="tickets:inbox", permanent=False), name="home"),
]
