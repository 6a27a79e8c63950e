"""Who may see or change what. The only place that decides it; pages and API both call here.

Not found and not allowed look the same to the caller (Http404), so nothing leaks.
- a resident: her own bookings and pregnancies;
- a nurse: bookings at her sites;
- a site manager: bookings at the sites she manages;
- a municipality administrator: everything in her municipality;
- nobody: another municipality's data.

Staff scope needs a staff session: a sign-in that passed a password and a TOTP (or recovery)
code in this session, or an integration token. A staff account signed in any other way (password
only, before TOTP is set up; a one-time code) holds no staff scope at all, on pages, the API,
resident pages of bookings at her sites and the admin alike (`staff_session_mark`).

Every caller imports from here; the rules live in three sibling modules, by kind:
- access_scope.py: `Scope`, `scope_for` and the staff-session policy (the core);
- access_bookings.py: bookings, holds, messages, a resident's own questionnaire and offers;
- access_staff.py: sites, nurses and their hours, configuration, calendars, timelines, home
  visits, imports, the follow-up list, questionnaires and the waitlist as staff see them.
A new access function may be added here (use `scope_for`) or in the sibling of its kind and
re-exported below.
"""

from __future__ import annotations

from .access_bookings import (
    access_api_hold,
    access_booking,
    access_booking_as_staff,
    access_her_questionnaire,
    access_hold,
    access_message_as_staff,
    access_pregnancy_for_booking,
    access_site_for_booking,
    access_waitlist_offer,
    bookings_visible_to,
    default_type_and_contact,
    is_staff_for_booking,
)
from .access_invitations import access_invitation_link
from .access_scope import (
    STAFF_SIGN_IN_METHODS,
    Scope,
    follow_up_scope,
    hold_owner_key,
    is_staff_account,
    is_staff_or_superuser_account,
    manager_site_ids,
    may_use_admin,
    scope_for,
    scope_for_integration,
    signed_in,
    staff_session_mark,
    staff_session_passed,
    staff_sign_in_passed,
)
from .access_staff import (
    access_calendar,
    access_closure_as_admin,
    access_contact_as_admin,
    access_follow_up_pregnancy,
    access_home_visit,
    access_interview_type_as_admin,
    access_municipality_admin,
    access_notification_import,
    access_nurse,
    access_nurse_schedule,
    access_pregnancy_as_staff,
    access_question_as_admin,
    access_questionnaire_contact_as_admin,
    access_rule,
    access_rule_site,
    access_site_as_admin,
    access_site_as_staff,
    access_site_feed,
    access_time_off,
    access_webhook_delivery,
    nurses_visible_to,
    visit_blocks_visible_to,
    waitlist_entries_visible_to,
)

__all__ = [
    "STAFF_SIGN_IN_METHODS",
    "Scope",
    "access_api_hold",
    "access_booking",
    "access_booking_as_staff",
    "access_calendar",
    "access_closure_as_admin",
    "access_contact_as_admin",
    "access_follow_up_pregnancy",
    "access_her_questionnaire",
    "access_hold",
    "access_home_visit",
    "access_interview_type_as_admin",
    "access_invitation_link",
    "access_message_as_staff",
    "access_municipality_admin",
    "access_notification_import",
    "access_nurse",
    "access_nurse_schedule",
    "access_pregnancy_as_staff",
    "access_pregnancy_for_booking",
    "access_question_as_admin",
    "access_questionnaire_contact_as_admin",
    "access_rule",
    "access_rule_site",
    "access_site_as_admin",
    "access_site_as_staff",
    "access_site_feed",
    "access_site_for_booking",
    "access_time_off",
    "access_waitlist_offer",
    "access_webhook_delivery",
    "bookings_visible_to",
    "default_type_and_contact",
    "follow_up_scope",
    "hold_owner_key",
    "is_staff_account",
    "is_staff_for_booking",
    "is_staff_or_superuser_account",
    "manager_site_ids",
    "may_use_admin",
    "nurses_visible_to",
    "scope_for",
    "scope_for_integration",
    "signed_in",
    "staff_session_mark",
    "staff_session_passed",
    "staff_sign_in_passed",
    "visit_blocks_visible_to",
    "waitlist_entries_visible_to",
]
