"""Samlinger: scheduling, moving, registration (seats, deadline, waiting list, concurrency), attendance,
summaries, materials, the video link, and constant query counts. Messages are checked in Norwegian, the
language the people using the platform see."""

import html
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from absolutt.notifications.models import OutgoingEmail
from municipalities.models import CoreGroupMember, RoleCategory
from sessions_app import selectors, services
from sessions_app.models import Gathering, Material, Registration

from ..factories import CoreGroupMemberFactory, ParticipantFactory, RegionFactory, RoundFactory, UserFactory
from ..sessions_app.factories import (
    AgendaItemFactory,
    GatheringFactory,
    MaterialFactory,
    RegistrationFactory,
    in_days,
    oslo,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


# --- Helpers -------------------------------------------------------------------------------------

def text(response) -> str:
    return html.unescape(response.content.decode())


def get_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return text(response)


def post_text(client, url, data) -> str:
    """POST, follow the redirect, and return the page the user lands on (with its messages)."""
    response = client.post(url, data, follow=True)
    assert response.status_code == 200, url
    return text(response)


def detail_url(g) -> str:
    return reverse("sessions_app:gathering_detail", args=[g.pk])


def register_url(g) -> str:
    return reverse("sessions_app:registration_create", args=[g.pk])


def cancel_url(r) -> str:
    return reverse("sessions_app:registration_cancel", args=[r.gathering_id, r.pk])


def reg_form(participant, member=None, **fields) -> dict:
    data = {"participant": str(participant.pk), "member": str(member.pk) if member else "", "name": "", "email": "",
            "title": "", "role_category": "", "dietary_needs": "", "accessibility_needs": ""}
    data.update(fields)
    return data


def form_data(**overrides) -> dict:
    """What the samling form posts: a physical fellessamling over two days in March 2027."""
    data = {
        "kind": "fellessamling", "number": "2", "title": "Fellessamling 2", "theme_question": "Er vi på rett vei?",
        "description": "", "starts_at": "2027-03-25T10:00", "ends_at": "2027-03-26T15:00", "format": "physical",
        "venue": "Clarion Hotel Ernst, Kristiansand", "video_link": "", "organisers": "KS Agder",
        "registration_opens_at": "", "registration_deadline": "2027-03-15T12:00", "seats_per_participant": "5",
        "capacity": "", "require_mix": "on",
    }
    data.update(overrides)
    return data


def form_data_of(g: Gathering, **overrides) -> dict:
    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""

    data = {
        "kind": g.kind, "number": g.number or "", "title": g.title, "theme_question": g.theme_question,
        "description": g.description, "starts_at": local(g.starts_at), "ends_at": local(g.ends_at), "format": g.format,
        "venue": g.venue, "video_link": g.video_link, "organisers": g.organisers,
        "registration_opens_at": local(g.registration_opens_at), "registration_deadline": local(g.registration_deadline),
        "seats_per_participant": g.seats_per_participant or "", "capacity": g.capacity or "",
    }
    if g.require_mix:
        data["require_mix"] = "on"
    data.update(overrides)
    return data


def register(gathering, participant, by_user, email, name=None, **kwargs) -> Registration:
    return services.registration_create(gathering=gathering, participant=participant, by_user=by_user,
                                        name=name or email.split("@")[0].title(), email=email, **kwargs)


# --- Scheduling ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,label", [("fellessamling", "Fellessamling"), ("koordinatorsamling", "Koordinatorsamling"),
                                        ("erfaringssamling", "Erfaringssamling")])
def test_regional_coordinator_schedules_each_kind(client, cast, kind, label):
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("sessions_app:gathering_create", args=[cast.a.round.pk]),
                           form_data(kind=kind, title=f"Samling av typen {kind}"))
    gathering = Gathering.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(gathering)
    assert gathering.kind == kind and gathering.round == cast.a.round
    page = get_text(client, detail_url(gathering))
    assert f"Samling av typen {kind}" in page and label in page


def test_samling_may_span_two_days(client, cast):
    client.force_login(cast.a.regional_coordinator)
    client.post(reverse("sessions_app:gathering_create", args=[cast.a.round.pk]),
                form_data(starts_at="2027-03-25T10:00", ends_at="2027-03-26T15:00"))
    gathering = Gathering.objects.get()
    assert gathering.starts_at == oslo(2027, 3, 25, 10) and gathering.ends_at == oslo(2027, 3, 26, 15)
    page = get_text(client, detail_url(gathering))
    assert "torsdag 25. mars 2027, 10:00" in page and "fredag 26. mars 2027, 15:00" in page


BAD_INPUT = {
    "end_before_start": ({"ends_at": "2027-03-24T15:00"}, "ends_at", "Samlingen må slutte etter at den starter."),
    "end_equals_start": ({"ends_at": "2027-03-25T10:00"}, "ends_at", "Samlingen må slutte etter at den starter."),
    "deadline_after_start": ({"registration_deadline": "2027-03-25T12:00"}, "registration_deadline",
                             "Påmeldingsfristen må være før samlingen starter."),
    "zero_seats": ({"seats_per_participant": "0"}, "seats_per_participant", "Plasser per deltaker må være minst 1."),
    "negative_seats": ({"seats_per_participant": "-2"}, "seats_per_participant",
                       "Plasser per deltaker må være minst 1."),
    "zero_capacity": ({"capacity": "0"}, "capacity", "Antall plasser må være minst 1."),
    "negative_capacity": ({"capacity": "-5"}, "capacity", "Antall plasser må være minst 1."),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_schedule_refused_with_norwegian_message_and_nothing_saved(client, cast, case):
    overrides, field, message = BAD_INPUT[case]
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("sessions_app:gathering_create", args=[cast.a.round.pk]), form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in text(response)
    assert not Gathering.objects.exists()


@pytest.mark.parametrize("case", ["end_before_start", "deadline_after_start", "zero_capacity"])
def test_bad_edit_refused_and_nothing_changed(client, cast, case):
    overrides, field, message = BAD_INPUT[case]
    gathering = GatheringFactory(round=cast.a.round, starts_at=oslo(2027, 3, 25, 10), ends_at=oslo(2027, 3, 26, 15),
                                 registration_deadline=oslo(2027, 3, 15, 12))
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("sessions_app:gathering_edit", args=[gathering.pk]),
                           form_data_of(gathering, **overrides))
    assert response.status_code == 200 and message in text(response)
    fresh = Gathering.objects.get(pk=gathering.pk)
    assert (fresh.starts_at, fresh.ends_at, fresh.registration_deadline, fresh.capacity, fresh.sequence) == (
        gathering.starts_at, gathering.ends_at, gathering.registration_deadline, gathering.capacity, 0)
    assert not OutgoingEmail.objects.exists()


def test_service_refuses_bad_schedule(cast):
    with pytest.raises(ValidationError) as exc:
        services.gathering_create(round_=cast.a.round, data={
            "title": "X", "starts_at": oslo(2027, 3, 25, 10), "ends_at": oslo(2027, 3, 25, 9), "venue": "Kilden",
            "seats_per_participant": 0, "capacity": 0, "registration_deadline": oslo(2027, 3, 26)})
    assert set(exc.value.message_dict) == {"ends_at", "seats_per_participant", "capacity", "registration_deadline"}
    assert not Gathering.objects.exists()


# --- Moving a samling ----------------------------------------------------------------------------

def test_moving_keeps_registrations_bumps_sequence_and_tells_registered_and_invited(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, starts_at=oslo(2027, 3, 25, 10), ends_at=oslo(2027, 3, 26, 15),
                                 registration_deadline=oslo(2027, 3, 15, 12), capacity=2)
    neighbour_member = a.other_participant.core_group.get()
    guest = register(gathering, a.participant, a.municipal_coordinator, "gjest@kommune.example")
    member = services.registration_create(gathering=gathering, participant=a.participant, by_user=a.core_group_member,
                                          core_group_member=a.member_row)
    waiting = register(gathering, a.other_participant, a.regional_coordinator, "venter@kommune.example")
    gone = register(gathering, a.other_participant, a.regional_coordinator, "avmeldt@kommune.example")
    Registration.objects.filter(pk=gone.pk).update(status=Registration.Status.CANCELLED)
    # Registering added them to the core group (a registration belongs to its municipality); they left it since.
    CoreGroupMember.objects.filter(email=gone.email).update(is_active=False)
    assert waiting.status == Registration.Status.WAITING
    before = dict(Registration.objects.values_list("pk", "status"))

    client.force_login(a.regional_coordinator)
    response = client.post(reverse("sessions_app:gathering_edit", args=[gathering.pk]), form_data_of(
        gathering, starts_at="2027-04-08T10:00", ends_at="2027-04-09T15:00", registration_deadline="2027-03-30T12:00"))
    assert response.status_code == 302

    gathering.refresh_from_db()
    assert gathering.sequence == 1
    assert (gathering.starts_at, gathering.ends_at) == (oslo(2027, 4, 8, 10), oslo(2027, 4, 9, 15))
    assert dict(Registration.objects.values_list("pk", "status")) == before
    moved = OutgoingEmail.objects.filter(kind="gathering_moved")
    assert set(moved.values_list("to", flat=True)) == {
        guest.email, member.email, waiting.email,  # registered and waiting
        a.municipal_coordinator.email, neighbour_member.email,  # invited: coordinators and core groups
    }
    assert moved.count() == 5  # one each, even for the member who is both invited and registered
    assert all(m.about == gathering for m in moved)
    body = moved.get(to=guest.email).body_text
    assert "er flyttet" in body and "8. april 2027 10:00" in body and "25. mars 2027 10:00" in body
    assert not OutgoingEmail.objects.filter(to__in=[gone.email, cast.b.municipal_coordinator.email]).exists()

    # Saving again without a new time is not a move.
    client.post(reverse("sessions_app:gathering_edit", args=[gathering.pk]),
                form_data_of(gathering, title="Fellessamling 2 (nytt navn)"))
    gathering.refresh_from_db()
    assert gathering.title == "Fellessamling 2 (nytt navn)" and gathering.sequence == 1
    assert OutgoingEmail.objects.filter(kind="gathering_moved").count() == 5


def test_moving_a_koordinatorsamling_tells_coordinators_not_core_groups(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, kind=Gathering.Kind.COORDINATORS)
    services.gathering_update(gathering=gathering, data={"starts_at": gathering.starts_at + timedelta(days=1),
                                                         "ends_at": gathering.ends_at + timedelta(days=1)})
    assert set(OutgoingEmail.objects.filter(kind="gathering_moved").values_list("to", flat=True)) == {
        a.municipal_coordinator.email}
    gathering.refresh_from_db()
    assert gathering.sequence == 1


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


# --- Waiting list --------------------------------------------------------------------------------

def test_full_samling_puts_people_on_waiting_list_and_cancellation_promotes_first(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=2)
    client.force_login(a.municipal_coordinator)
    for n in range(4):
        page = post_text(client, register_url(gathering), reg_form(a.participant, name=f"Person {n}", email=f"p{n}@kommune.example"))
    assert "Samlingen er full. Person 3 står som nummer 2 på ventelisten" in page
    regs = list(Registration.objects.order_by("pk"))
    assert [r.status for r in regs] == ["registered", "registered", "waiting", "waiting"]
    assert [selectors.waiting_position(r) for r in regs] == [None, None, 1, 2]

    page = post_text(client, cancel_url(regs[1]), {})
    assert "Person 2 fikk den ledige plassen fra ventelisten." in page
    regs = list(Registration.objects.order_by("pk"))
    assert [r.status for r in regs] == ["registered", "cancelled", "registered", "waiting"]
    assert regs[2].promoted_at is not None
    assert selectors.waiting_position(regs[3]) == 1
    promoted = OutgoingEmail.objects.get(kind="gathering_promoted")
    assert promoted.to == "p2@kommune.example" and promoted.about == gathering
    assert gathering.title in promoted.subject


def test_person_on_waiting_list_sees_their_place_and_no_seat(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    register(gathering, a.other_participant, a.regional_coordinator, "forst@kommune.example")
    client.force_login(a.core_group_member)
    page = post_text(client, reverse("sessions_app:registration_self", args=[gathering.pk]), {})
    assert f"Samlingen er full. {a.member_row.name} står som nummer 1 på ventelisten" in page
    assert "Du er nummer 1 på ventelisten." in page
    assert "1 av 1 plasser er tatt. 1 på venteliste." in " ".join(page.split())


def test_waiting_list_is_first_in_first_out_by_registration_time(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    first = register(gathering, a.participant, a.regional_coordinator, "first@kommune.example")
    later = register(gathering, a.participant, a.regional_coordinator, "later@kommune.example")
    earlier = register(gathering, a.participant, a.regional_coordinator, "earlier@kommune.example")
    # The row made last registered first (e.g. the clock of a slower request): time decides, not the id.
    Registration.objects.filter(pk=earlier.pk).update(created_at=later.created_at - timedelta(seconds=1))
    promoted = services.registration_cancel(registration=first, by_user=a.regional_coordinator)
    assert promoted.pk == earlier.pk
    assert list(OutgoingEmail.objects.filter(kind="gathering_promoted").values_list("to", flat=True)) == [earlier.email]


def test_cancelling_a_waiting_registration_promotes_nobody(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    register(gathering, a.participant, a.regional_coordinator, "one@kommune.example")
    waiting_1 = register(gathering, a.participant, a.regional_coordinator, "two@kommune.example")
    waiting_2 = register(gathering, a.participant, a.regional_coordinator, "three@kommune.example")
    assert services.registration_cancel(registration=waiting_1, by_user=a.regional_coordinator) is None
    waiting_2.refresh_from_db()
    assert waiting_2.status == Registration.Status.WAITING
    assert not OutgoingEmail.objects.filter(kind="gathering_promoted").exists()


def test_organiser_override_beyond_capacity_and_no_promotion_while_still_full(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    one = register(gathering, a.participant, a.regional_coordinator, "one@kommune.example")
    waiting = register(gathering, a.participant, a.regional_coordinator, "two@kommune.example")
    extra = register(gathering, a.participant, a.regional_coordinator, "vip@kommune.example", override=True)
    assert (waiting.status, extra.status) == ("waiting", "registered")
    assert services.registration_cancel(registration=one, by_user=a.regional_coordinator) is None  # still 1 of 1
    waiting.refresh_from_db()
    assert waiting.status == "waiting"


def _run_concurrently(n, work):
    """Start ``n`` threads that each call ``work(i)`` at the same moment; return their results/exceptions."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            with translation.override("nb"):
                results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 – the test looks at every outcome
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_for_the_last_seat(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    n = 8
    results = _run_concurrently(n, lambda i: register(gathering, a.participant if i % 2 else a.other_participant,
                                                      a.regional_coordinator, f"samtidig{i}@kommune.example"))
    assert all(isinstance(r, Registration) for r in results), results
    statuses = sorted(Registration.objects.filter(gathering=gathering).values_list("status", flat=True))
    assert statuses == ["registered"] + ["waiting"] * (n - 1)
    assert Registration.objects.filter(gathering=gathering).count() == n  # none lost


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_respect_seat_limit_per_participant(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=2, capacity=None)
    results = _run_concurrently(6, lambda i: register(gathering, a.participant, a.municipal_coordinator,
                                                      f"samme{i}@kommune.example"))
    ok = [r for r in results if isinstance(r, Registration)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(ok) == 2 and len(refused) == 4, results
    expected = f"{a.participant.name} har brukt alle plassene sine (2). Meld av noen for å melde på en ny."
    assert all(r.messages == [expected] for r in refused)
    assert Registration.objects.filter(gathering=gathering, status="registered").count() == 2


# --- Attendance ----------------------------------------------------------------------------------

def test_check_in_marks_present_and_undo(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    present = RegistrationFactory(gathering=gathering, participant=a.participant, name="Møter Opp")
    RegistrationFactory(gathering=gathering, participant=a.participant, name="Står På Vent", status="waiting")
    RegistrationFactory(gathering=gathering, participant=a.participant, name="Meldt Av", status="cancelled")
    client.force_login(a.regional_coordinator)
    url = reverse("sessions_app:checkin", args=[gathering.pk])
    page = get_text(client, url)
    assert "Møter Opp" in page and "Står På Vent" not in page and "Meldt Av" not in page
    assert "Marker som til stede" in page

    mark = reverse("sessions_app:checkin_mark", args=[gathering.pk, present.pk])
    response = client.post(mark, {"attended": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"innsjekk/#r{present.pk}")
    present.refresh_from_db()
    assert present.attended is True and present.checked_in_by == a.regional_coordinator
    assert present.checked_in_at is not None
    page = get_text(client, url)
    assert "Til stede" in page and "Angre" in page

    client.post(mark, {"attended": "0"})
    present.refresh_from_db()
    assert present.attended is False and present.checked_in_at is None
    assert "Marker som til stede" in get_text(client, url)


def test_attendance_matrix_counts_per_participant_and_samling(client, cast):
    a = cast.a
    first = GatheringFactory(round=a.round, starts_at=oslo(2026, 10, 1, 10), ends_at=oslo(2026, 10, 1, 15),
                             registration_deadline=None, title="Samling én")
    second = GatheringFactory(round=a.round, starts_at=oslo(2026, 11, 1, 10), ends_at=oslo(2026, 11, 1, 15),
                              registration_deadline=None, title="Samling to")
    GatheringFactory(round=cast.b.round, title="Annen region")
    for attended in [True, True, False, None]:
        RegistrationFactory(gathering=first, participant=a.participant, attended=attended)
    RegistrationFactory(gathering=first, participant=a.other_participant, attended=True)
    RegistrationFactory(gathering=second, participant=a.participant, attended=True)
    RegistrationFactory(gathering=second, participant=a.other_participant, attended=False)

    client.force_login(a.regional_coordinator)
    response = client.get(reverse("sessions_app:attendance", args=[a.round.pk]))
    assert response.status_code == 200
    assert [g.title for g in response.context["gatherings"]] == ["Samling én", "Samling to"]
    rows = {p.pk: cells for p, cells in response.context["rows"]}
    assert rows == {a.participant.pk: [2, 1], a.other_participant.pk: [1, 0]}
    assert "Annen region" not in text(response)


# --- Agenda --------------------------------------------------------------------------------------

def test_organiser_edits_agenda_and_times_outside_the_samling_are_refused(client, cast):
    gathering = GatheringFactory(round=cast.a.round, starts_at=oslo(2027, 3, 25, 10), ends_at=oslo(2027, 3, 26, 15),
                                 registration_deadline=None)
    client.force_login(cast.a.regional_coordinator)
    url = reverse("sessions_app:agenda_item_create", args=[gathering.pk])
    response = client.post(url, {"starts_at": "2027-03-28T10:00", "title": "For sent", "speaker": ""})
    assert response.status_code == 200
    assert "Programposten må ligge innenfor tiden samlingen varer." in text(response)
    assert not gathering.agenda.exists()

    client.post(url, {"starts_at": "2027-03-26T09:00", "title": "Dag to: gruppearbeid", "speaker": "Kjernegruppene"})
    client.post(url, {"starts_at": "2027-03-25T10:00", "title": "Velkommen", "speaker": "KS Agder"})
    assert [i.title for i in gathering.agenda.all()] == ["Velkommen", "Dag to: gruppearbeid"]
    client.force_login(cast.a.core_group_member)
    page = get_text(client, detail_url(gathering))
    assert page.index("Velkommen") < page.index("Dag to: gruppearbeid") and "KS Agder" in page

    item = gathering.agenda.get(title="Velkommen")
    client.force_login(cast.a.regional_coordinator)
    edit = reverse("sessions_app:agenda_item_edit", args=[gathering.pk, item.pk])
    client.post(edit, {"starts_at": "2027-03-25T10:15", "title": "Velkommen og mål", "speaker": ""})
    item.refresh_from_db()
    assert (item.title, item.starts_at) == ("Velkommen og mål", oslo(2027, 3, 25, 10, 15))
    client.post(edit, {"delete": "1"})
    assert list(gathering.agenda.values_list("title", flat=True)) == ["Dag to: gruppearbeid"]


# --- Summary -------------------------------------------------------------------------------------

def test_organiser_writes_summary_everyone_in_round_sees_it(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round)
    client.force_login(a.regional_coordinator)
    page = post_text(client, reverse("sessions_app:summary_edit", args=[gathering.pk]),
                     {"summary": "  Kommunene delte status.\n\nNeste gang: ståstedsanalyse.  "})
    assert "Referatet er lagret og vises for alle i programrunden." in page
    gathering.refresh_from_db()
    assert gathering.summary == "Kommunene delte status.\n\nNeste gang: ståstedsanalyse."
    for user in [a.municipal_coordinator, a.core_group_member, a.competence_partner, cast.national_lead]:
        client.force_login(user)
        page = get_text(client, detail_url(gathering))
        assert "Kommunene delte status." in page and "Neste gang: ståstedsanalyse." in page, user.email
        assert reverse("sessions_app:summary_edit", args=[gathering.pk]) not in page
    client.force_login(cast.b.municipal_coordinator)
    assert client.get(detail_url(gathering)).status_code == 404


# --- Materials -----------------------------------------------------------------------------------

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def upload_url(g):
    return reverse("sessions_app:material_upload", args=[g.pk])


def test_upload_and_download_only_for_people_in_the_round(client, cast, media):
    a = cast.a
    gathering = GatheringFactory(round=a.round)
    client.force_login(a.regional_coordinator)
    content = b"%PDF-1.4 innhold"
    page = post_text(client, upload_url(gathering), {
        "title": "Presentasjon", "agenda_item": "", "file": SimpleUploadedFile("Innledning ÆØÅ.pdf", content)})
    assert "Filen er lastet opp." in page
    material = Material.objects.get()
    assert material.original_name == "Innledning ÆØÅ.pdf" and material.content_type == "application/pdf"
    assert material.size == len(content)
    assert material.file.name.startswith(f"materials/{gathering.pk}/")
    assert (media / material.file.name).read_bytes() == content
    assert "Presentasjon" in page and material.get_absolute_url() in page

    url = material.get_absolute_url()
    for user in [a.regional_coordinator, a.municipal_coordinator, a.core_group_member, a.competence_partner,
                 cast.national_lead]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user.email
        assert b"".join(response.streaming_content) == content
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "private, no-store"
    for user in [cast.b.regional_coordinator, cast.b.municipal_coordinator, cast.outsider]:
        client.force_login(user)
        assert client.get(url).status_code == 404, user.email
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", ["virus.exe", "skript.EXE", "uten-endelse", "side.html"])
def test_disallowed_type_refused_and_nothing_saved(client, cast, media, name):
    gathering = GatheringFactory(round=cast.a.round)
    client.force_login(cast.a.regional_coordinator)
    response = client.post(upload_url(gathering), {"title": "", "agenda_item": "",
                                                   "file": SimpleUploadedFile(name, b"MZ\x90\x00")})
    assert response.status_code == 200
    suffix = name.rsplit(".", 1)[1].lower() if "." in name else "?"
    assert f"Filer av typen .{suffix} er ikke tillatt." in text(response)
    assert "file" in response.context["form"].errors
    assert not Material.objects.exists()
    assert stored_files(media) == []


def test_oversize_file_refused_and_nothing_saved(client, cast, media, settings):
    settings.ABSOLUTT_MATERIAL_MAX_BYTES = 1024 * 1024
    gathering = GatheringFactory(round=cast.a.round)
    client.force_login(cast.a.regional_coordinator)
    response = client.post(upload_url(gathering), {
        "title": "Stor", "agenda_item": "", "file": SimpleUploadedFile("stor.pdf", b"x" * (1024 * 1024 + 1))})
    assert response.status_code == 200
    assert "Filen er for stor (1.0 MB). Grensen er 1 MB." in text(response)
    assert not Material.objects.exists()
    assert stored_files(media) == []

    response = client.post(upload_url(gathering), {
        "title": "Akkurat nok", "agenda_item": "", "file": SimpleUploadedFile("ok.pdf", b"x" * (1024 * 1024))})
    assert response.status_code == 302 and Material.objects.count() == 1


def test_file_name_with_path_parts_is_stored_safely(client, cast, media):
    gathering = GatheringFactory(round=cast.a.round)
    # Through the web, with the path in the multipart header as a hostile client would send it.
    boundary = "grense"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"agenda_item\"\r\n\r\n\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd.pdf\"\r\n"
        f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--{boundary}--\r\n"
    ).encode()
    client.force_login(cast.a.regional_coordinator)
    response = client.post(upload_url(gathering), body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    # And straight to the service, which must not rely on the upload handler having cleaned the name.
    for hostile in ["../../etc/passwd.pdf", "..\\..\\Windows\\system.ini.txt", "/abs/olutt/rapport.docx"]:
        services.material_upload(gathering=gathering, agenda_item=None, title="", upload=ContentFile(b"data", name=hostile),
                                  by_user=cast.a.regional_coordinator)
    materials = list(Material.objects.order_by("pk"))
    assert [m.original_name for m in materials] == ["passwd.pdf", "passwd.pdf", "system.ini.txt", "rapport.docx"]
    for m in materials:
        assert "/" not in m.original_name and "\\" not in m.original_name and ".." not in m.original_name
        assert m.file.name.startswith(f"materials/{gathering.pk}/") and ".." not in m.file.name
        assert (media / m.file.name).resolve().is_relative_to(media.resolve())
    assert all(p.resolve().is_relative_to((media / "materials").resolve()) for p in stored_files(media))
    response = client.get(materials[0].get_absolute_url())
    assert 'filename="passwd.pdf"' in response["Content-Disposition"]


def test_material_for_an_agenda_item_of_another_samling_refused(cast, media):
    gathering = GatheringFactory(round=cast.a.round)
    foreign_item = AgendaItemFactory(gathering=GatheringFactory(round=cast.a.round))
    with pytest.raises(ValidationError):
        services.material_upload(gathering=gathering, agenda_item=foreign_item, title="",
                                 upload=ContentFile(b"data", name="a.pdf"), by_user=cast.a.regional_coordinator)
    assert not Material.objects.exists() and stored_files(media) == []


def test_organiser_deletes_material_and_its_file(client, cast, media):
    material = MaterialFactory(gathering=GatheringFactory(round=cast.a.round))
    path = media / material.file.name
    assert path.exists()
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("sessions_app:material_delete", args=[material.gathering_id, material.pk]))
    assert response.status_code == 302
    assert not Material.objects.exists() and not path.exists()


# --- Video link ----------------------------------------------------------------------------------

VIDEO = "https://teams.example/hemmelig-mote"


def test_video_link_only_for_registered_people_and_organisers(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, format=Gathering.Format.HYBRID, video_link=VIDEO, capacity=1)
    services.registration_create(gathering=gathering, participant=a.participant, by_user=a.core_group_member,
                                 core_group_member=a.member_row)
    waiting_user = UserFactory(email="venter@kommune.example")
    waiting = register(gathering, a.participant, a.regional_coordinator, waiting_user.email)
    # Registering added them to the core group; their account is linked to that row.
    a.participant.core_group.filter(email=waiting_user.email).update(user=waiting_user)
    assert waiting.status == "waiting"

    for user in [a.regional_coordinator, a.core_group_member]:
        client.force_login(user)
        page = get_text(client, detail_url(gathering))
        assert VIDEO in page, user.email
        ics = client.get(reverse("sessions_app:gathering_ics", args=[gathering.pk])).content.decode()
        assert VIDEO in ics.replace("\r\n ", ""), user.email
    for user in [a.municipal_coordinator, a.competence_partner, cast.national_lead, waiting_user]:
        client.force_login(user)
        page = get_text(client, detail_url(gathering))
        assert VIDEO not in page and "Vises for de påmeldte." in page, user.email
        ics = client.get(reverse("sessions_app:gathering_ics", args=[gathering.pk])).content.decode()
        assert VIDEO not in ics.replace("\r\n ", ""), user.email


# --- Query counts --------------------------------------------------------------------------------

def build_round(scale: int):
    """A round with 3×scale participants, each with two core group members registered for each of the round's
    samlinger, scale agenda items and materials per samling, some waiting and some checked in."""
    coordinator = UserFactory()
    round_ = RoundFactory(region=RegionFactory())
    round_.regional_coordinators.add(coordinator)
    participants = [ParticipantFactory(round=round_, coordinator=UserFactory()) for _ in range(3 * scale)]
    gatherings = [GatheringFactory(round=round_, capacity=5 * scale, seats_per_participant=3,
                                   starts_at=in_days(20 + i), registration_deadline=None) for i in range(2)]
    for g in gatherings:
        for _ in range(scale):
            item = AgendaItemFactory(gathering=g)
            MaterialFactory(gathering=g, agenda_item=item)
            MaterialFactory(gathering=g)
        for p in participants:
            for category in [RoleCategory.ELECTED, RoleCategory.ADMINISTRATIVE]:
                m = CoreGroupMemberFactory(participant=p, role_category=category)
                register(g, p, coordinator, m.email, core_group_member=m, dietary_needs="Vegetar")
        Registration.objects.filter(gathering=g, status="registered").update(attended=True)
    return coordinator, round_, gatherings[0]


QUERY_PAGES = {
    "timeline": lambda r, g: reverse("interwork:timeline", args=[r.pk]),
    "gathering_detail": lambda r, g: detail_url(g),
    "checkin": lambda r, g: reverse("sessions_app:checkin", args=[g.pk]),
    "attendance": lambda r, g: reverse("sessions_app:attendance", args=[r.pk]),
}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", list(QUERY_PAGES))
def test_query_count_constant_from_1x_to_10x(client, media, page):
    coordinator, round_, gathering = build_round(1)
    client.force_login(coordinator)
    small = count_queries(client, QUERY_PAGES[page](round_, gathering))
    coordinator, round_, gathering = build_round(10)
    assert gathering.registrations.filter(status="waiting").exists()
    client.force_login(coordinator)
    large = count_queries(client, QUERY_PAGES[page](round_, gathering))
    assert small == large, f"{page}: {small} queries at 1×, {large} at 10×"


def test_raising_capacity_moves_the_waiting_list_up(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    first = RegistrationFactory(gathering=gathering, participant=a.participant)
    waiting = [RegistrationFactory(gathering=gathering, participant=a.participant, status="waiting") for _ in range(3)]
    services.gathering_update(gathering=gathering, data={"capacity": 3})
    statuses = [Registration.objects.get(pk=r.pk).status for r in [first, *waiting]]
    assert statuses == ["registered", "registered", "registered", "waiting"]
    assert OutgoingEmail.objects.filter(kind="gathering_promoted").count() == 2


def test_waiting_or_cancelled_people_cannot_be_checked_in(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    RegistrationFactory(gathering=gathering, participant=a.participant)
    waiting = RegistrationFactory(gathering=gathering, participant=a.participant, status="waiting")
    client.force_login(a.regional_coordinator)
    client.post(reverse("sessions_app:checkin_mark", args=[gathering.pk, waiting.pk]), {"attended": "1"})
    waiting.refresh_from_db()
    assert waiting.attended is None


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
