"""Samlinger: scheduling each kind (bad input refused with a message, nothing saved), moving a samling (the
registered and the invited are told), the agenda, the summary and the video link.
Messages are checked in Norwegian, the language the people using the platform see."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from absolutt.notifications.models import OutgoingEmail
from municipalities.models import CoreGroupMember
from sessions_app import services
from sessions_app.models import Gathering, Registration

from ..factories import UserFactory
from ..sessions_app.factories import (
    GatheringFactory,
    detail_url,
    form_data,
    form_data_of,
    get_text,
    oslo,
    post_text,
    register,
    text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


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
