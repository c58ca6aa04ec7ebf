"""The doors found open by a hostile tester, each through the real HTTP path: the admin login and
two-factor, rate limits behind the proxy, registrations that belong to their municipality, production
guards, security headers and the error pages."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse

from municipalities.models import CoreGroupMember, RoleCategory
from sessions_app.models import Registration

from ..absolutt.test_deploy import production_env, run_manage
from ..factories import CoreGroupMemberFactory
from ..sessions_app.factories import GatheringFactory

pytestmark = pytest.mark.django_db
PASSWORD = "test-password-123"


def enrol_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def code_for(secret: str) -> str:
    """The authenticator app's current code. Near the end of its 30-second window, wait for the next one, so
    that a slow test run does not type a code that has just expired."""
    from allauth.mfa import app_settings

    if time.time() % app_settings.TOTP_PERIOD > app_settings.TOTP_PERIOD - 8:
        time.sleep(app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD + 0.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


# --- Two-factor on every login path ------------------------------------------------------------------

@pytest.mark.parametrize("who", ["national_lead", "regional_coordinator"])
def test_admin_login_cannot_skip_the_second_factor(client, cast, who):
    user = cast.national_lead if who == "national_lead" else cast.a.regional_coordinator
    secret = enrol_totp(user)
    # The admin's own login form: a password alone gets nobody in.
    response = client.post(reverse("admin:login"), {"username": user.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("admin:index")).status_code == 302
    assert "_auth_user_id" not in client.session
    # allauth's login: the password leads to the code, not into the site.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_login_by_code_asks_for_the_second_factor_too(client, cast):
    from absolutt.notifications.models import OutgoingEmail

    user = cast.a.regional_coordinator
    secret = enrol_totp(user)
    client.post(reverse("account_request_login_code"), {"email": user.email})
    body = OutgoingEmail.objects.filter(to=user.email).latest("pk").body_text
    import re

    login_code = re.search(r"^\s*([A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])\s*$", body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": login_code})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("programmes:round_list")).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert client.get(reverse("programmes:round_list")).status_code == 200


def test_a_session_that_never_passed_the_second_factor_is_ended(client, cast):
    """A session made before the authenticator was set up (or by any path that did not ask) counts for
    nothing once the person has one — whether or not their role requires it."""
    for user in (cast.a.regional_coordinator, cast.a.municipal_coordinator):
        enrol_totp(user)
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session


def test_mfa_relaxation_for_the_demo_does_not_relax_an_enrolled_person(client, cast, mfa_relaxed):
    enrol_totp(cast.national_lead)
    client.force_login(cast.national_lead)
    assert client.get(reverse("home")).status_code == 302


def test_setting_up_the_authenticator_counts_as_the_second_factor_and_shows_recovery_codes_once(client, cast):
    user = cast.a.regional_coordinator
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    shown = client.get(reverse("mfa_view_recovery_codes"))
    assert shown.status_code == 200
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    assert codes and codes[0] in shown.content.decode()
    # The same session goes on without a new login (it passed the second factor when setting it up).
    assert client.get(reverse("programmes:round_list")).status_code == 200
    # Shown once: a second visit is sent to make new codes and shows none of them.
    again = client.get(reverse("mfa_view_recovery_codes"))
    assert again.status_code == 302 and again["Location"] == reverse("mfa_generate_recovery_codes")


# --- Rate limits: behind the proxy, shared, never a permanent lock-out ----------------------------------

@pytest.fixture
def rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {
        "login": "30/m/ip",
        "login_failed": "10/m/ip,5/5m/key",
        "request_login_code": "20/m/ip,3/m/key",
    }
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield settings
    cache.clear()


def wrong_login(client, email, client_ip, proxy="10.0.0.2"):
    return client.post(reverse("account_login"), {"login": email, "password": "wrong-password"},
                       REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_ip)


def right_login(client, email, client_ip, proxy="10.0.0.2"):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD},
                       REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_ip)


def test_admin_login_is_rate_limited(client, cast, rate_limits):
    """The admin's login is allauth's, with its limits: after 10 failures from one client in a minute, even
    the right password is refused there."""
    user = cast.a.municipal_coordinator
    response = client.post(reverse("admin:login"), {"username": user.email, "password": "nope"})
    assert response["Location"].startswith(reverse("account_login"))
    for i in range(10):
        assert wrong_login(client, f"x{i}@test.example", "198.51.100.7").status_code == 200
    assert right_login(client, user.email, "198.51.100.7").status_code == 200  # refused: stays on the form
    assert "_auth_user_id" not in client.session


def test_too_many_requests_answer_with_a_page_in_norwegian(client, cast, rate_limits):
    rate_limits.ACCOUNT_RATE_LIMITS = {**rate_limits.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [wrong_login(client, "x@test.example", "198.51.100.8").status_code for _ in range(4)]
    assert statuses[-1] == 429
    response = wrong_login(client, "x@test.example", "198.51.100.8")
    body = response.content.decode()
    assert '<html lang="nb">' in body and "For mange forsøk" in body and "kode sendt på e-post" in body


def test_rate_limits_count_the_client_behind_the_proxy_not_the_proxy(client, cast, rate_limits):
    for i in range(11):
        wrong_login(client, f"someone{i}@test.example", "198.51.100.7")
    user = cast.a.municipal_coordinator
    assert right_login(client, user.email, "198.51.100.7").status_code == 200  # that client is paused
    # Another person, through the same proxy, is not locked out by the first one's mistakes.
    assert right_login(client, user.email, "203.0.113.9").status_code == 302


def test_nobody_can_lock_a_person_out_for_long(client, cast, rate_limits):
    victim = cast.a.municipal_coordinator.email
    for i in range(6):
        wrong_login(client, victim, f"198.51.100.{i + 1}")
    # The account's own limit holds from any address ...
    assert right_login(client, victim, "203.0.113.10").status_code == 200
    # ... for a short window (5 minutes) ...
    assert rate_limits.ACCOUNT_RATE_LIMITS["login_failed"].endswith("/5m/key")
    # ... and login by e-mailed code still works meanwhile.
    response = client.post(reverse("account_request_login_code"), {"email": victim},
                           REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert response.status_code == 302 and response["Location"] == reverse("account_confirm_login_code")


def test_settings_share_the_rate_limit_counts_between_workers():
    """In production the cache (and so the counts) is Redis or the database — never a worker's memory."""
    env = production_env(REDIS_URL=None)
    result = run_manage("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])", env=env)
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", result.stderr
    result = run_manage("shell", "--no-imports", "-c",
                        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
                        env=production_env())
    assert "locmem" not in result.stdout and "redis" in result.stdout.lower(), result.stderr


# --- Registrations belong to their municipality ------------------------------------------------------------

def register(client, gathering, participant, **data):
    return client.post(reverse("sessions_app:registration_create", args=[gathering.pk]),
                       {"participant": participant.pk, **data}, follow=True)


def test_a_coordinator_cannot_take_another_municipalitys_person(client, cast, mfa_relaxed):
    side = cast.a
    gathering = GatheringFactory(round=side.round)
    neighbour_member = CoreGroupMemberFactory(participant=side.other_participant, email="ordforer@nabo.example",
                                              role_category=RoleCategory.ELECTED)
    client.force_login(side.municipal_coordinator)
    response = register(client, gathering, side.participant, name="Ordfører Nabo", email="Ordforer@Nabo.example")
    assert "er med i kjernegruppen til" in response.content.decode()
    assert not Registration.objects.filter(gathering=gathering).exists()
    # The neighbour's coordinator registers their own person as usual.
    side.other_participant.coordinator = cast.outsider
    side.other_participant.save()
    client.force_login(cast.outsider)
    register(client, gathering, side.other_participant, member=neighbour_member.pk)
    assert Registration.objects.get(gathering=gathering).participant == side.other_participant


def test_registering_someone_new_adds_them_to_the_own_core_group(client, cast, mfa_relaxed):
    side = cast.a
    gathering = GatheringFactory(round=side.round)
    client.force_login(side.municipal_coordinator)
    register(client, gathering, side.participant, name="Ny Person", email="ny@kommune.example",
             title="Rektor", role_category=RoleCategory.ADMINISTRATIVE)
    registration = Registration.objects.get(gathering=gathering)
    member = CoreGroupMember.objects.get(email="ny@kommune.example")
    assert registration.core_group_member == member and member.participant == side.participant
    # And now that person is theirs: the regional coordinator cannot file them under the neighbour either.
    gathering2 = GatheringFactory(round=side.round)
    client.force_login(side.regional_coordinator)
    response = register(client, gathering2, side.other_participant, name="Ny Person", email="ny@kommune.example")
    assert "er med i kjernegruppen til" in response.content.decode() and not gathering2.registrations.exists()


# --- Production is honest ----------------------------------------------------------------------------------

def test_demo_and_generator_refuse_under_production_settings(settings):
    settings.ABSOLUTT_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
    with pytest.raises(CommandError, match="production"):
        call_command("generate_national_data", "--force")
    from progress.demo import demo_load

    with pytest.raises(ImproperlyConfigured):
        demo_load()


def test_production_settings_mark_production_and_secure_the_language_cookie():
    code = ("from django.conf import settings as s; "
            "print(s.ABSOLUTT_PRODUCTION, s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.SITE_URL)")
    result = run_manage("shell", "--no-imports", "-c", code, env=production_env())
    assert result.stdout.split() == ["True", "True", "Lax", "https://absolutt.example.no"], result.stderr
    result = run_manage("load_demo", env=production_env())
    assert result.returncode != 0 and "production" in result.stderr


def test_security_headers(client, db):
    response = client.get(reverse("account_login"))
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
    csp = response["Content-Security-Policy"]
    assert "base-uri 'self'" in csp and "form-action 'self'" in csp and "frame-ancestors 'none'" in csp


def test_language_cookie_from_the_settings_page_follows_the_cookie_settings(client, cast, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    client.force_login(cast.a.municipal_coordinator)
    response = client.post(reverse("accounts:profile"), {"full_name": "Kari", "language": "en", "digest": "daily"})
    cookie = response.cookies[django_settings.LANGUAGE_COOKIE_NAME]
    assert cookie["secure"] and cookie["samesite"] == "Lax"


# --- Error pages in the person's language -------------------------------------------------------------------

@pytest.mark.urls("tests.absolutt.error_urls")
@pytest.mark.parametrize("path,status,norwegian,english", [
    ("/finnes-ikke/", 404, "Vi fant ikke siden", "We could not find the page"),
    ("/feil/403/", 403, "Du har ikke tilgang til dette", "You do not have access to this"),
    ("/feil/400/", 400, "Forespørselen kunne ikke forstås", "The request could not be understood"),
    ("/feil/500/", 500, "Noe gikk galt hos oss", "Something went wrong on our side"),
])
def test_error_pages_in_norwegian_and_english(client, db, path, status, norwegian, english):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == status
    body = response.content.decode()
    assert norwegian in body and "Absolutt" in body and "css/app.css" in body
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert english in client.get(path).content.decode()
