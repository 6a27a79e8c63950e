"""Everything under /calendar/: the secret feeds (scheduling.calendars.views) and the settings
page that manages them (a staff page)."""

from django.urls import path

from scheduling.calendars import views as feeds

from . import views_calendars as views

app_name = "calendars"
urlpatterns = [
    path("nurse/<slug:token>.ics", feeds.nurse_feed, name="nurse_feed"),
    path("site/<slug:token>.ics", feeds.site_feed, name="site_feed"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/feed/rotate/", views.feed_rotate, name="feed_rotate"),
    path("settings/feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path(
        "settings/sites/<int:site_id>/feed/rotate/", views.site_feed_rotate, name="site_feed_rotate"
    ),
    path(
        "settings/sites/<int:site_id>/feed/revoke/", views.site_feed_revoke, name="site_feed_revoke"
    ),
    path("settings/calendars/add/", views.calendar_add, name="calendar_add"),
    path("settings/calendars/upload/", views.calendar_upload, name="calendar_upload"),
    path(
        "settings/calendars/<int:calendar_id>/sync/", views.calendar_sync_now, name="calendar_sync"
    ),
    path(
        "settings/calendars/<int:calendar_id>/remove/",
        views.calendar_remove,
        name="calendar_remove",
    ),
]
