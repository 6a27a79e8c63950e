from django.contrib import admin
from django.urls import include, path

from frontend.line_link import line_link
from frontend.waitlist import offer_short
from notifications.line_webhook import line_webhook
from yurikago.admin_access import secure_the_admin
from yurikago.favicon import favicon
from yurikago.health import healthz, healthz_messages

secure_the_admin(admin.site)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", include("api.urls")),
    path("healthz", healthz, name="healthz"),
    path("healthz/messages", healthz_messages, name="healthz_messages"),
    path("favicon.ico", favicon, name="favicon"),
    path("notifications/", include("notifications.urls")),
    path("line/webhook/", line_webhook, name="line_webhook"),
    path("line/link/", line_link, name="line_link"),
    path("calendar/", include("frontend.staff.calendar_urls")),
    path("staff/waitlist/", include("frontend.staff.waitlist_urls")),
    path("staff/", include("frontend.staff.urls")),
    path("waitlist/", include("frontend.waitlist_urls")),
    # The short form of an offer's link, so her SMS fits two segments in every language.
    path("w/<str:token>/", offer_short, name="waitlist_offer_short"),
    path("", include("frontend.urls")),
]
