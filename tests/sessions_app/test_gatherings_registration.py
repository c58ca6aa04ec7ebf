"""Registration to a samling: by the municipal coordinator and by the member themself, the deadline and the
organiser's override, seats per participant, who may register whom, duplicates, dietary needs, and forms
that explain their problems at the fields.
Messages are checked in Norwegian, the language the people using the platform see."""

import html
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from municipalities.models import RoleCategory
from sessions_app import services
from sessions_app.models import Gathering, Registration

from ..sessions_app.factories import (
    GatheringFactory,
    RegistrationFactory,
    cancel_url,
    detail_url,
    get_text,
    in_days,
    post_text,
    reg_form,
    register,
    register_url,
    text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


# --- Registration --------------------------------------------------------------------------------

def test_municipal_coordinator_registers_member_and_non_member(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=5)
    client.force_login(a.municipal_coordinator)
    page = post_text(client, register_url(gathering), reg_form(a.participant, a.member_row))
    assert f"{a.member_row.name} er påmeldt." in page
    page = post_text(client, register_url(gathering), reg_form(
        a.participant, name="Kari Utenfor", email="Kari.Utenfor@Kommune.example", title="Rektor",
        role_category=RoleCategory.SERVICE_LEADER))
    assert "Kari Utenfor er påmeldt." in page

    member_reg = Registration.objects.get(core_group_member=a.member_row)
    assert (member_reg.email, member_reg.user, member_reg.registered_by, member_reg.status) == (
        a.member_row.email, a.core_group_member, a.municipal_coordinator, Registration.Status.REGISTERED)
    assert member_reg.role_category == RoleCategory.ELECTED
    other = Registration.objects.get(name="Kari Utenfor")
    # A registration belongs to its municipality: someone new is added to its core group as they are registered.
    assert other.core_group_member == a.participant.core_group.get(email="kari.utenfor@kommune.example")
    assert other.core_group_member.role_category == RoleCategory.SERVICE_LEADER
    assert other.email == "kari.utenfor@kommune.example"
    assert other.participant == a.participant and other.role_category == RoleCategory.SERVICE_LEADER
    assert "Kari Utenfor" in page and "2 av 5 plasser brukt" in page


def test_core_group_member_registers_themself_and_cancels(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round)
    client.force_login(a.core_group_member)
    assert "Meld meg på" in get_text(client, detail_url(gathering))
    page = post_text(client, reverse("sessions_app:registration_self", args=[gathering.pk]),
                     {"dietary_needs": "Vegetar", "accessibility_needs": ""})
    registration = Registration.objects.get()
    assert (registration.user, registration.core_group_member, registration.participant) == (
        a.core_group_member, a.member_row, a.participant)
    assert registration.dietary_needs == "Vegetar"
    assert "Du er påmeldt." in page

    page = post_text(client, cancel_url(registration), {})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED and registration.cancelled_at is not None
    assert f"{registration.name} er meldt av." in page


def test_municipal_coordinator_cancels_before_deadline(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round)
    registration = register(gathering, a.participant, a.municipal_coordinator, "ola@kommune.example")
    client.force_login(a.municipal_coordinator)
    post_text(client, cancel_url(registration), {})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_registration_after_deadline_refused_but_organiser_may_override(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, starts_at=in_days(3), registration_deadline=timezone.now() - timedelta(hours=1))
    client.force_login(a.municipal_coordinator)
    page = post_text(client, register_url(gathering), reg_form(a.participant, a.member_row))
    assert "Påmeldingsfristen har gått ut." in page
    assert not Registration.objects.exists()

    client.force_login(a.core_group_member)
    page = post_text(client, reverse("sessions_app:registration_self", args=[gathering.pk]), {})
    assert "Påmeldingsfristen har gått ut." in page
    assert not Registration.objects.exists()

    client.force_login(a.regional_coordinator)
    page = post_text(client, register_url(gathering), reg_form(a.participant, a.member_row))
    assert f"{a.member_row.name} er påmeldt." in page
    assert Registration.objects.get().status == Registration.Status.REGISTERED


def test_cancel_after_deadline_refused_but_organiser_may_override(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, starts_at=in_days(3), registration_deadline=timezone.now() - timedelta(hours=1))
    own = RegistrationFactory(gathering=gathering, participant=a.participant, core_group_member=a.member_row,
                              user=a.core_group_member, email=a.core_group_member.email)
    guest = RegistrationFactory(gathering=gathering, participant=a.participant)
    for user, registration in [(a.core_group_member, own), (a.municipal_coordinator, guest)]:
        client.force_login(user)
        page = post_text(client, cancel_url(registration), {})
        assert "Påmeldingsfristen har gått ut. Kontakt arrangørene for å melde av." in page
        registration.refresh_from_db()
        assert registration.status == Registration.Status.REGISTERED

    client.force_login(a.regional_coordinator)
    post_text(client, cancel_url(guest), {})
    guest.refresh_from_db()
    assert guest.status == Registration.Status.CANCELLED


def test_seat_limit_per_participant(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=2)
    client.force_login(a.municipal_coordinator)
    for n in range(2):
        post_text(client, register_url(gathering), reg_form(a.participant, name=f"Person {n}", email=f"p{n}@kommune.example"))
    page = post_text(client, register_url(gathering), reg_form(a.participant, a.member_row))
    assert f"{a.participant.name} har brukt alle plassene sine (2). Meld av noen for å melde på en ny." in page
    assert Registration.objects.count() == 2
    assert not Registration.objects.filter(core_group_member=a.member_row).exists()

    # Cancelling frees a seat (waiting people count as seats used, cancelled ones do not).
    post_text(client, cancel_url(Registration.objects.get(email="p0@kommune.example")), {})
    post_text(client, register_url(gathering), reg_form(a.participant, a.member_row))
    assert Registration.objects.filter(core_group_member=a.member_row, status="registered").exists()

    # The organiser may go beyond the limit.
    client.force_login(a.regional_coordinator)
    page = post_text(client, register_url(gathering), reg_form(a.participant, name="Ekstra", email="ekstra@kommune.example"))
    assert "Ekstra er påmeldt." in page
    assert Registration.objects.filter(participant=a.participant).exclude(status="cancelled").count() == 3


def test_municipal_coordinator_cannot_register_for_another_municipality(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round)
    neighbour_member = a.other_participant.core_group.get()
    client.force_login(a.municipal_coordinator)
    # The neighbour as participant, the neighbour's member under the own participant, another region's participant.
    for data in [reg_form(a.other_participant, name="Nabo", email="nabo@kommune.example"),
                 reg_form(a.participant, neighbour_member),
                 reg_form(cast.b.participant, name="Fremmed", email="fremmed@kommune.example")]:
        response = client.post(register_url(gathering), data, follow=True)
        assert response.status_code == 200
        assert not list(response.context["messages"])  # nobody was registered: no success message
        errors = [str(e) for errors in response.context["registration_form"].errors.values() for e in errors]
        assert any(e.startswith("Velg et gyldig valg.") for e in errors), errors
        assert "data-error-summary" in response.content.decode()
    assert not Registration.objects.exists()


def test_service_refuses_person_from_another_municipality_or_round(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round)
    neighbour_member = a.other_participant.core_group.get()
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        services.registration_create(gathering=gathering, participant=a.participant, by_user=a.municipal_coordinator,
                                     core_group_member=neighbour_member)
    assert exc.value.messages == ["Den personen hører til en annen kommune."]
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        register(gathering, cast.b.participant, a.regional_coordinator, "x@kommune.example")
    assert exc.value.messages == ["Denne kommunen er ikke med i programrunden som samlingen hører til."]
    assert not Registration.objects.exists()


def test_duplicate_email_refused(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round)
    client.force_login(a.regional_coordinator)
    post_text(client, register_url(gathering), reg_form(a.participant, name="Ola", email="Ola.Nordmann@Kommune.example"))
    page = post_text(client, register_url(gathering), reg_form(a.other_participant, name="Ola N.",
                                                               email="ola.nordmann@kommune.EXAMPLE"))
    assert "ola.nordmann@kommune.example er allerede påmeldt denne samlingen." in page
    assert Registration.objects.count() == 1

    # A cancelled registration does not block registering again.
    services.registration_cancel(registration=Registration.objects.get(), by_user=a.regional_coordinator)
    post_text(client, register_url(gathering), reg_form(a.participant, name="Ola", email="ola.nordmann@kommune.example"))
    assert Registration.objects.filter(status="registered").count() == 1


def test_dietary_and_accessibility_needs_visible_only_to_organisers(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round)
    services.registration_create(gathering=gathering, participant=a.participant, by_user=a.municipal_coordinator,
                                 core_group_member=a.member_row, dietary_needs="Glutenfri kost",
                                 accessibility_needs="Rullestolplass")
    client.force_login(a.regional_coordinator)
    page = get_text(client, detail_url(gathering))
    assert "Glutenfri kost" in page and "Rullestolplass" in page
    for user in [a.municipal_coordinator, a.core_group_member, a.competence_partner, cast.national_lead]:
        client.force_login(user)
        page = get_text(client, detail_url(gathering))
        assert "Glutenfri kost" not in page and "Rullestolplass" not in page, user.email
    client.force_login(a.municipal_coordinator)
    assert a.member_row.name in get_text(client, detail_url(gathering))  # the delegation itself is visible


def test_core_group_member_cannot_self_register_for_koordinatorsamling(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, kind=Gathering.Kind.COORDINATORS, format=Gathering.Format.DIGITAL,
                                 venue="", video_link="https://video.example/m")
    client.force_login(a.core_group_member)
    response = client.post(reverse("sessions_app:registration_self", args=[gathering.pk]), {})
    assert response.status_code == 403
    assert not Registration.objects.filter(gathering=gathering).exists()


# --- Forms that explain themselves ---------------------------------------------------------------

def test_refused_registration_shows_each_problem_at_its_field_and_in_a_summary(client, cast):
    """Nothing typed for someone outside the core group: the page comes back with the form as filled in
    (no redirect to an anchor), each problem next to its field (aria-invalid, aria-describedby) and once in
    the summary on top of the form, naming the field."""
    a = cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=5)
    client.force_login(a.municipal_coordinator)
    response = client.post(register_url(gathering), reg_form(a.participant, title="Rektor"))
    assert response.status_code == 200
    raw = response.content.decode()
    page = text(response)
    summary = re.search(r'<div class="alert alert-danger error-summary" role="alert" tabindex="-1" data-error-summary.*?</div>',
                        raw, re.S).group(0)
    assert 'href="#id_name"' in summary and 'href="#id_email"' in summary
    assert "Navn: Velg et medlem av kjernegruppen, eller skriv inn navnet på personen." in html.unescape(summary)
    assert "E-postadresse: E-postadresse må fylles ut for en som ikke er i kjernegruppen." in html.unescape(summary)
    for field in ("name", "email"):
        tag = re.search(rf'<input[^>]*id="id_{field}"[^>]*>', raw).group(0)
        assert 'aria-invalid="true"' in tag and f'aria-describedby="id_{field}_error"' in tag
    assert 'value="Rektor"' in raw  # what was typed is kept
    assert page.count("Velg et medlem av kjernegruppen, eller skriv inn navnet på personen.") == 2  # summary + field
    assert not Registration.objects.exists()


def test_refused_extension_request_shows_its_problems_at_the_fields(client, cast):
    from tests.interwork.factories import AssignmentFactory, sub_url

    a = cast.a
    assignment = AssignmentFactory(round=a.round)
    client.force_login(a.municipal_coordinator)
    response = client.post(sub_url("extension", assignment, a.participant), {"new_due_at": "", "reason": ""})
    assert response.status_code == 200
    raw = response.content.decode()
    summary = html.unescape(re.search(r'data-error-summary.*?</div>', raw, re.S).group(0))
    assert "Ny frist: Feltet er påkrevet." in summary and "Begrunnelse: Feltet er påkrevet." in summary
    assert 'aria-invalid="true" aria-describedby="id_reason_error"' in raw


def test_seat_count_on_the_delegation_card_leaves_out_the_waiting_list(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=3, capacity=2)
    for i in range(3):
        register(gathering, a.participant, a.municipal_coordinator, f"person{i}@kommune.example")
    assert gathering.registrations.filter(status=Registration.Status.WAITING).count() == 1
    client.force_login(a.municipal_coordinator)
    page = get_text(client, detail_url(gathering))
    assert "2 av 3 plasser brukt" in page and "3 av 3 plasser brukt" not in page
    assert "1 på venteliste" in page


def test_invitation_form_button_says_what_it_does(client, cast):
    client.force_login(cast.a.regional_coordinator)
    page = get_text(client, reverse("accounts:invitation_create", args=[cast.a.participant.pk]))
    assert ">Send invitasjon</button>" in page
