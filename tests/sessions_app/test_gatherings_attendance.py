"""Attendance: check-in at the door (and undo), only for the registered, and the attendance matrix per
participant and samling. Messages are checked in Norwegian, the language the people using the platform see."""


import pytest
from django.urls import reverse

from ..sessions_app.factories import (
    GatheringFactory,
    RegistrationFactory,
    get_text,
    oslo,
    text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


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


def test_waiting_or_cancelled_people_cannot_be_checked_in(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    RegistrationFactory(gathering=gathering, participant=a.participant)
    waiting = RegistrationFactory(gathering=gathering, participant=a.participant, status="waiting")
    client.force_login(a.regional_coordinator)
    client.post(reverse("sessions_app:checkin_mark", args=[gathering.pk, waiting.pk]), {"attended": "1"})
    waiting.refresh_from_db()
    assert waiting.attended is None
