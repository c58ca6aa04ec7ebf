"""Invitation-only access: a regional coordinator (or a municipal coordinator, for their core group)
invites by e-mail through the outbox; the invitee sets up the account through allauth; nobody else can
sign up."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from absolutt.accounts import services
from absolutt.accounts.models import Invitation, User
from absolutt.notifications.models import OutgoingEmail

from ..factories import CoreGroupMemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def invite(client, cast, role, email="ny.koordinator@kommune.example", name="Nora Ny"):
    client.force_login(cast.a.regional_coordinator)
    url = reverse("accounts:invitation_create", args=[cast.a.participant.pk])
    return client.post(url, {"full_name": name, "email": email, "role": role})


def test_regional_coordinator_invites_municipal_coordinator(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, cast, Invitation.Role.MUNICIPAL_COORDINATOR)
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="ny.koordinator@kommune.example")
    row = OutgoingEmail.objects.get(to=invitation.email)
    assert invitation.token in row.body_text and invitation.token in row.body_html
    assert row.status == OutgoingEmail.Status.SENT  # the task ran after commit (eager in tests)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [invitation.email]


def test_new_person_signs_up_through_invitation_and_becomes_coordinator(client, cast):
    invitation = services.invitation_create(
        participant=cast.a.participant, email="Ny@Kommune.example", full_name="Nora Ny",
        role=Invitation.Role.MUNICIPAL_COORDINATOR, invited_by=cast.a.regional_coordinator,
    )
    response = client.get(reverse("accounts:invitation_accept", args=[invitation.token]))
    assert response.status_code == 302 and response["Location"] == reverse("account_signup")
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert 'value="ny@kommune.example"' in response.content.decode()
    response = client.post(reverse("account_signup"), {
        "email": "ny@kommune.example", "full_name": "Nora Ny",
        "password1": "et-godt-passord-2026", "password2": "et-godt-passord-2026",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="ny@kommune.example")
    assert user.full_name == "Nora Ny"
    cast.a.participant.refresh_from_db()
    assert cast.a.participant.coordinator == user
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert EmailAddress.objects.get(user=user).verified  # the link reached the mailbox
    # and now they manage their core group
    assert client.get(reverse("municipalities:member_create", args=[cast.a.participant.pk])).status_code == 200


def test_signup_is_closed_without_invitation(client, db):
    response = client.post(reverse("account_signup"), {
        "email": "fremmed@x.example", "full_name": "Fremmed",
        "password1": "et-godt-passord-2026", "password2": "et-godt-passord-2026",
    })
    assert not User.objects.filter(email="fremmed@x.example").exists()
    assert response.status_code in (200, 403)


def test_signup_with_other_email_than_invited_is_refused(client, cast):
    invitation = services.invitation_create(
        participant=cast.a.participant, email="riktig@kommune.example", full_name="R",
        role=Invitation.Role.MUNICIPAL_COORDINATOR, invited_by=cast.a.regional_coordinator,
    )
    client.get(reverse("accounts:invitation_accept", args=[invitation.token]))
    response = client.post(reverse("account_signup"), {
        "email": "feil@kommune.example", "full_name": "F",
        "password1": "et-godt-passord-2026", "password2": "et-godt-passord-2026",
    })
    assert response.status_code == 200
    assert not User.objects.filter(email="feil@kommune.example").exists()


def test_existing_user_accepts_core_group_invitation(client, cast):
    member = CoreGroupMemberFactory(participant=cast.a.participant, email="eksisterende@test.example")
    user = User.objects.create_user("eksisterende@test.example", "et-godt-passord-2026")
    invitation = services.invitation_create(
        participant=cast.a.participant, email=member.email, full_name=member.name,
        role=Invitation.Role.CORE_GROUP_MEMBER, invited_by=cast.a.municipal_coordinator, core_group_member=member,
    )
    url = reverse("accounts:invitation_accept", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(user)
    assert client.post(url).status_code == 302
    member.refresh_from_db()
    assert member.user == user
    assert client.get(reverse("municipalities:participant_detail", args=[cast.a.participant.pk])).status_code == 200


def test_expired_used_and_revoked_invitations_are_refused(client, cast):
    make = lambda email: services.invitation_create(  # noqa: E731
        participant=cast.a.participant, email=email, full_name="X",
        role=Invitation.Role.MUNICIPAL_COORDINATOR, invited_by=cast.a.regional_coordinator,
    )
    expired = make("a@x.example")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    used = make("b@x.example")
    Invitation.objects.filter(pk=used.pk).update(accepted_at=timezone.now())
    revoked = make("c@x.example")
    services.invitation_revoke(invitation=revoked)
    for inv in (expired, used, revoked):
        response = client.get(reverse("accounts:invitation_accept", args=[inv.token]))
        assert response.status_code == 410


def test_new_invitation_revokes_the_previous_link(cast):
    kwargs = dict(participant=cast.a.participant, email="d@x.example", full_name="D",
                  role=Invitation.Role.MUNICIPAL_COORDINATOR, invited_by=cast.a.regional_coordinator)
    first = services.invitation_create(**kwargs)
    second = services.invitation_create(**kwargs)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.is_usable


def test_municipal_coordinator_may_only_invite_core_group_members(client, cast):
    client.force_login(cast.a.municipal_coordinator)
    url = reverse("accounts:invitation_create", args=[cast.a.participant.pk])
    response = client.post(url, {"full_name": "X", "email": "x@x.example", "role": Invitation.Role.MUNICIPAL_COORDINATOR})
    assert response.status_code == 200  # form error: that choice is not offered
    assert not Invitation.objects.filter(email="x@x.example").exists()


def test_core_group_invitation_requires_member_in_group(client, cast):
    """Accepting a core-group invitation for someone not in the core group is refused with a message."""
    invitation = services.invitation_create(
        participant=cast.a.participant, email="utenfor@x.example", full_name="U",
        role=Invitation.Role.CORE_GROUP_MEMBER, invited_by=cast.a.regional_coordinator,
    )
    user = User.objects.create_user("utenfor@x.example", "et-godt-passord-2026")
    client.force_login(user)
    client.post(reverse("accounts:invitation_accept", args=[invitation.token]))
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
