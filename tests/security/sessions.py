"""Staff sessions as an attacker would hold them, for the security tests.

Each helper signs a user in with the test client and writes allauth's own record of how this
session authenticated ("authentication records"), exactly as allauth's login flows leave it:
- password only (TOTP never set up, or the TOTP step skipped);
- a one-time code (the residents' /login/), with no password;
- password and TOTP (tests.staff.helpers.sign_in_with_mfa), the only one that reaches staff data.
"""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.userkit import user_id_to_str
from django.test import Client

from scheduling.models import User
from tests.staff.helpers import MFA_USER_SESSION_KEY, sign_in_with_mfa, totp_activate

__all__ = ["sign_in_by_code", "sign_in_password_only", "sign_in_with_mfa", "totp_activate"]


def _records(client: Client, user: User, records: list[dict[str, object]]) -> None:
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[MFA_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def sign_in_password_only(client: Client, user: User) -> None:
    _records(client, user, [{"method": "password", "at": time.time(), "email": user.email}])


def sign_in_by_code(client: Client, user: User) -> None:
    _records(client, user, [{"method": "code", "at": time.time(), "email": user.email}])
