"""Login with e-mail, login by e-mailed code, password reset (all mail through the outbox), and the
two-factor requirement for the national lead and regional coordinators."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from absolutt.accounts.models import User
from absolutt.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_case_insensitive_unique():
    User.objects.create_user("Kari@Kommune.example", "pw-123456789")
    assert User.objects.get(email="kari@kommune.example")
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(email="KARI@kommune.example")


def test_login_with_email_and_password(client, cast, mfa_relaxed):
    response = client.post(reverse("account_login"), {"login": cast.a.municipal_coordinator.email, "password": "test-password-123"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_login_by_code_sends_code_through_outbox(client, cast):
    response = client.post(reverse("account_request_login_code"), {"email": cast.a.municipal_coordinator.email})
    assert response.status_code == 302
    row = OutgoingEmail.objects.get(to=cast.a.municipal_coordinator.email)
    assert row.subject.startswith("[Absolutt]")


def test_password_reset_mail_goes_through_outbox(client, cast):
    client.post(reverse("account_reset_password"), {"email": cast.a.core_group_member.email})
    assert OutgoingEmail.objects.filter(to=cast.a.core_group_member.email).exists()


@pytest.mark.parametrize("who", ["national_lead", "regional_coordinator"])
def test_staff_roles_must_set_up_totp(client, cast, who):
    user = cast.national_lead if who == "national_lead" else cast.a.regional_coordinator
    client.force_login(user)
    response = client.get(reverse("programmes:round_list"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_totp_passes(client, cast):
    """With the authenticator app, after the password *and* the code in this session (a session that skipped
    the code is ended: tests/absolutt/test_security.py)."""
    from ..absolutt.test_security import code_for, enrol_totp

    secret = enrol_totp(cast.a.regional_coordinator)
    client.post(reverse("account_login"), {"login": cast.a.regional_coordinator.email, "password": "test-password-123"})
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert client.get(reverse("programmes:round_list")).status_code == 200
    assert Authenticator.objects.filter(user=cast.a.regional_coordinator).exists()


@pytest.mark.parametrize("who", ["competence_partner", "municipal_coordinator", "core_group_member"])
def test_other_roles_are_not_forced_to_totp(client, cast, who):
    client.force_login(getattr(cast.a, who))
    assert client.get(reverse("home")).status_code == 200


def test_setting_relaxes_mfa_requirement(client, cast, mfa_relaxed):
    client.force_login(cast.national_lead)
    assert client.get(reverse("home")).status_code == 200


def test_interface_is_norwegian_by_default_and_english_on_request(client, cast, mfa_relaxed):
    client.force_login(cast.a.municipal_coordinator)
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="nb">' in body and "Min side" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in body and "My page" in body


def test_health_endpoint(client, db):
    assert client.get("/helse/").json() == {"status": "ok"}


def test_english_browser_still_gets_norwegian_until_english_is_chosen(client, db):
    body = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="nb">' in body
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    body = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="en">' in body
