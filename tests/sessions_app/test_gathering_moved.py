"""Moving a samling: its agenda moves with it (page, e-mail); the registered are told their registration
is kept and the invited who have not registered get their own words with the registration link; the
reminder before the samling opens 48 hours before in Oslo wall-clock time, also across a DST change."""


import pytest
from django.urls import reverse

from absolutt.notifications.models import OutgoingEmail
from sessions_app import reminders, services
from sessions_app.models import AgendaItem

from ..sessions_app.factories import AgendaItemFactory, GatheringFactory, RegistrationFactory, form_data_of, oslo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def test_agenda_moves_with_the_samling_in_wall_clock_time(client, cast):
    a = cast.a
    # Thursday 25 March 2027 (winter time) to Thursday 8 April (summer time)
    g = GatheringFactory(round=a.round, starts_at=oslo(2027, 3, 25, 10), ends_at=oslo(2027, 3, 26, 15),
                         registration_deadline=oslo(2027, 3, 15, 12))
    AgendaItemFactory(gathering=g, starts_at=oslo(2027, 3, 25, 10, 30), title="Velkommen")
    AgendaItemFactory(gathering=g, starts_at=oslo(2027, 3, 26, 9), title="Dag to")
    RegistrationFactory(gathering=g, participant=a.participant, email="p@kommune.example")
    client.force_login(a.regional_coordinator)
    response = client.post(reverse("sessions_app:gathering_edit", args=[g.pk]), form_data_of(
        g, starts_at="2027-04-08T10:00", ends_at="2027-04-09T15:00", registration_deadline="2027-03-30T12:00"))
    assert response.status_code == 302
    assert list(AgendaItem.objects.filter(gathering=g).order_by("starts_at").values_list("title", "starts_at")) == [
        ("Velkommen", oslo(2027, 4, 8, 10, 30)), ("Dag to", oslo(2027, 4, 9, 9))]
    page = client.get(g.get_absolute_url()).content.decode()
    assert "10:30" in page and "Velkommen" in page


def test_registered_and_invited_get_different_correct_words(cast):
    a = cast.a
    g = GatheringFactory(round=a.round, starts_at=oslo(2027, 5, 20, 10), ends_at=oslo(2027, 5, 20, 15),
                         registration_deadline=oslo(2027, 5, 10, 12))
    RegistrationFactory(gathering=g, participant=a.participant, email="p@kommune.example", name="Påmeldt Person")
    services.gathering_update(gathering=g, data={"starts_at": oslo(2027, 5, 27, 10), "ends_at": oslo(2027, 5, 27, 15),
                                                 "registration_deadline": oslo(2027, 5, 17, 12)})
    registered = OutgoingEmail.objects.get(kind="gathering_moved", to="p@kommune.example")
    invited = OutgoingEmail.objects.get(kind="gathering_moved", to=a.municipal_coordinator.email)
    assert "Påmeldingene gjelder fortsatt" in registered.body_text
    assert "ikke meldt deg på" in invited.body_text and "17. mai 2027 12:00" in invited.body_text
    assert f"{g.get_absolute_url()}#pamelding" in invited.body_text
    assert "ikke meldt deg på" not in registered.body_text


def test_samling_reminder_opens_48_wall_clock_hours_before_across_dst():
    # Monday 29 March 2027 10:00 (summer time); the clocks went forward on Sunday 28 March.
    g = GatheringFactory(starts_at=oslo(2027, 3, 29, 10), ends_at=oslo(2027, 3, 29, 15),
                         registration_deadline=oslo(2027, 3, 20, 12))
    RegistrationFactory(gathering=g, email="p@kommune.example")
    assert g.round.gathering_reminder_hours == 48
    # 48 elapsed hours before is Saturday 09:00; 48 wall-clock hours before is Saturday 10:00.
    assert reminders.gathering_reminders_due(now=oslo(2027, 3, 27, 9, 30)) == 0
    assert reminders.gathering_reminders_due(now=oslo(2027, 3, 27, 10)) == 1
