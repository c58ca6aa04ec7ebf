"""Two factors means two factors: a session counts as signed in for a person with an authenticator app only
after *this session* passed the second factor (allauth records each step of a login in the session).

- Every login path goes through allauth's login stages, which ask for the TOTP code: the login form, login
  by e-mailed code, and the admin (``/admin/login/`` is allauth's ``secure_admin_login``, see urls.py).
- ``RequireMFAMiddleware`` (below) ends any other session of such a person — one made before the
  authenticator was set up, or by a path that did not ask — and sends the national lead, regional
  coordinators and superusers without an authenticator to set one up.
- Setting up the authenticator in this session proves the second factor (the person typed a code from it;
  ``views.totp_activate`` records it).
- Recovery codes are shown once, right after they are made; after that they can only be made anew.
"""

from __future__ import annotations

import time

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator

RECOVERY_CODES_WINDOW_KEY = "absolutt_recovery_codes_until"
RECOVERY_CODES_SHOWN_KEY = "absolutt_recovery_codes_shown"
RECOVERY_CODES_WINDOW_SECONDS = 10 * 60


def has_authenticator(user) -> bool:
    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]).exists()


def session_passed_second_factor(request, user) -> bool:
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def record_second_factor(request, user, authenticator) -> None:
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True)


def open_recovery_codes_window(request) -> None:
    request.session[RECOVERY_CODES_WINDOW_KEY] = time.time() + RECOVERY_CODES_WINDOW_SECONDS
    request.session.pop(RECOVERY_CODES_SHOWN_KEY, None)


def recovery_codes_window_open(request) -> bool:
    return time.time() < float(request.session.get(RECOVERY_CODES_WINDOW_KEY) or 0)
