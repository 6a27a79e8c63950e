from __future__ import annotations

from django.urls import path

from . import (
    views,
    views_access_log,
    views_config,
    views_coverage,
    views_dashboard,
    views_history,
    views_notifications,
    views_payments,
    views_pregnancy_end,
    views_questionnaires,
    views_schedule,
    views_timeline,
    views_visits,
    views_webhooks,
    views_worklist,
)

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("day/", views.day, name="day"),
    path("follow-up/", views_worklist.follow_up, name="follow_up"),
    path(
        "follow-up/<int:pregnancy_id>/",
        views_worklist.follow_up_pregnancy,
        name="follow_up_pregnancy",
    ),
    path("bookings/<str:reference>/", views.booking_detail, name="booking"),
    path("bookings/<str:reference>/attendance/", views.booking_attendance, name="attendance"),
    path("bookings/<str:reference>/details/", views.booking_details, name="details"),
    path("bookings/<str:reference>/cancel/", views.booking_cancel_view, name="cancel"),
    path("bookings/<str:reference>/reschedule/", views.booking_reschedule_view, name="reschedule"),
    path("pregnancies/<int:pregnancy_id>/", views_timeline.timeline, name="timeline"),
    path(
        "pregnancies/<int:pregnancy_id>/contacts/",
        views_timeline.contact_record,
        name="contact_record",
    ),
    path(
        "pregnancies/<int:pregnancy_id>/contacts/<int:contact_id>/visit/",
        views_timeline.visit_arrange,
        name="visit_arrange",
    ),
    path(
        "pregnancies/<int:pregnancy_id>/end/",
        views_pregnancy_end.pregnancy_end,
        name="pregnancy_end",
    ),
    path("visits/", views_visits.visits, name="visits"),
    path("visits/<int:visit_id>/confirm/", views_visits.visit_confirm, name="visit_confirm"),
    path("visits/blocks/new/", views_visits.visit_block_add, name="visit_block_add"),
    path("book/", views.book, name="book"),
    path("book/details/", views.book_details, name="book_details"),
    path("availability/", views_schedule.availability, name="availability"),
    path("availability/rules/new/", views_schedule.rule_create, name="rule_create"),
    path("availability/rules/<int:rule_id>/", views_schedule.rule_edit, name="rule_edit"),
    path(
        "availability/rules/<int:rule_id>/delete/", views_schedule.rule_delete, name="rule_delete"
    ),
    path("availability/time-off/new/", views_schedule.time_off_create_view, name="time_off_create"),
    path("availability/time-off/<int:off_id>/", views_schedule.time_off_edit, name="time_off_edit"),
    path(
        "availability/time-off/<int:off_id>/delete/",
        views_schedule.time_off_delete_view,
        name="time_off_delete",
    ),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/csv/", views_dashboard.dashboard_csv, name="dashboard_csv"),
    path("dashboard/coverage/", views_coverage.coverage, name="coverage"),
    path("payments/contacts-done.csv", views_payments.payments_csv, name="payments_csv"),
    path("messages/failed/", views_dashboard.failed_messages, name="failed_messages"),
    path("messages/<int:message_id>/resend/", views.message_resend_view, name="message_resend"),
    path("config/", views_config.config, name="config"),
    path("access-log/", views_access_log.access_log, name="access_log"),
    path("webhooks/", views_webhooks.webhooks, name="webhooks"),
    path(
        "webhooks/deliveries/<int:delivery_id>/resend/",
        views_webhooks.webhook_resend,
        name="webhook_resend",
    ),
    path(
        "notifications/import/",
        views_notifications.notification_import,
        name="notification_import",
    ),
    path("config/sites/<int:site_id>/", views_config.site_edit, name="site_edit"),
    path("config/types/<int:type_id>/", views_config.interview_type_edit, name="type_edit"),
    path("config/messages/", views_config.message_texts, name="message_texts"),
    path("config/questionnaires/", views_questionnaires.questionnaires, name="questionnaires"),
    path(
        "config/questionnaires/<int:contact_id>/",
        views_questionnaires.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path(
        "config/questions/<int:question_id>/",
        views_questionnaires.question_edit,
        name="question_edit",
    ),
    path("config/history/", views_history.config_history, name="config_history"),
    path(
        "config/messages/<int:municipality_id>/<str:channel>/<str:purpose>/<str:language>/",
        views_config.message_text_edit,
        name="message_text_edit",
    ),
    path("config/closures/new/", views_config.closure_new, name="closure_create"),
    path(
        "config/closures/<int:closure_id>/delete/",
        views_config.closure_remove,
        name="closure_delete",
    ),
]
