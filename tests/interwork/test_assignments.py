"""Assignments: the form and the service refuse bad input with clear messages, instructions are Markdown
rendered safely, and due times relative to a samling are 23:59 Oslo time and follow a moved samling.
Pages are read in English (source strings), so the checks do not depend on the state of the Norwegian
catalogue."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interwork import services
from interwork.models import Assignment
from sessions_app.services import gathering_update

from ..factories import (
    UserFactory,
)
from ..interwork.factories import (
    OSLO,
    AssignmentFactory,
    fmt,
    hour,
    oslo,
    page,
    sub_url,
)
from ..sessions_app.factories import GatheringFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "mfa_relaxed")]


# --- Assignments ---------------------------------------------------------------------------------

def assignment_form(**over) -> dict:
    data = {
        "title": "Ståstedsanalyse", "phase": "staasted", "instructions": "Lag en **ståstedsanalyse**.",
        "given_after": "", "due_before": "", "opens_at": fmt(hour(-1)), "due_at": fmt(hour(10)),
        "due_days_before_gathering": "", "cutoff_at": "", "expected_attachments": "",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_coordinator_creates_assignment_with_every_field(client, cast):
    g1 = GatheringFactory(round=cast.a.round, title="Fellessamling 1", starts_at=hour(-20))
    g2 = GatheringFactory(round=cast.a.round, title="Fellessamling 2", starts_at=hour(40))
    client.force_login(cast.a.regional_coordinator)
    opens, due, cutoff = hour(-1), hour(10), hour(12)
    response = client.post(reverse("interwork:assignment_create", args=[cast.a.round.pk]), assignment_form(
        title="Ståstedsanalyse for barn og unge", phase="staasted", given_after=g1.pk, due_before=g2.pk,
        opens_at=fmt(opens), due_at=fmt(due), cutoff_at=fmt(cutoff), expected_attachments="Tilstandsrapport",
        requires_both_levels="on"))
    a = Assignment.objects.get()
    assert response.status_code == 302 and response["Location"] == a.get_absolute_url()
    assert (a.round, a.title, a.phase, a.given_after, a.due_before) == (
        cast.a.round, "Ståstedsanalyse for barn og unge", "staasted", g1, g2)
    assert (a.opens_at, a.due_at, a.cutoff_at) == (opens, due, cutoff)
    assert a.expected_attachments == "Tilstandsrapport" and a.requires_both_levels
    assert a.created_by == cast.a.regional_coordinator
    body = page(client.get(a.get_absolute_url()))
    for expected in ("Ståstedsanalyse for barn og unge", "Ståstedsanalyse", "Fellessamling 1", "Fellessamling 2",
                     "Tilstandsrapport", "Both the political and the administrative level must contribute.",
                     "Cut-off", "<strong>ståstedsanalyse</strong>"):
        assert expected in body, expected


def test_instructions_are_markdown_rendered_safely(client, work):
    work.assignment.instructions = (
        "**Viktig**\n\n- punkt en\n- punkt to\n\n<script>alert('xss')</script>\n\n"
        "<img src=x onerror=alert(1)>\n\n[lenke](javascript:alert(2)) og [KS](https://www.ks.no)"
    )
    work.assignment.save()
    client.force_login(work.mc)
    for url in (work.assignment.get_absolute_url(), sub_url("submission_detail", work.assignment, work.participant)):
        raw = client.get(url).content.decode()
        assert "<strong>Viktig</strong>" in raw and "<li>punkt en</li>" in raw
        assert "<script>alert" not in raw and "alert('xss')" not in raw
        assert "onerror" not in raw and "javascript:" not in raw
        assert 'href="https://www.ks.no"' in raw and 'rel="noopener noreferrer"' in raw


@pytest.mark.parametrize("case", ["due_before_opens", "cutoff_before_due", "given_after_other_round",
                                  "due_before_other_round"])
def test_bad_assignment_refused_in_the_form_and_nothing_saved(client, cast, case):
    other = GatheringFactory(round=cast.b.round, title="Samling i en annen runde")
    data = {
        "due_before_opens": assignment_form(opens_at=fmt(hour(5)), due_at=fmt(hour(4))),
        "cutoff_before_due": assignment_form(due_at=fmt(hour(5)), cutoff_at=fmt(hour(4))),
        "given_after_other_round": assignment_form(given_after=other.pk),
        "due_before_other_round": assignment_form(due_before=other.pk, due_days_before_gathering="3", due_at=""),
    }[case]
    message = {
        "due_before_opens": "The due time must be after the assignment opens.",
        "cutoff_before_due": "The cut-off cannot be before the due time.",
        "given_after_other_round": "Select a valid choice",
        "due_before_other_round": "Select a valid choice",
    }[case]
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("interwork:assignment_create", args=[cast.a.round.pk]), data)
    assert response.status_code == 200
    body = page(response)
    assert message in body
    assert "Constraint" not in body  # the clear message, not the database constraint's
    assert not Assignment.objects.exists()


def test_bad_edit_refused_and_assignment_unchanged(client, work):
    a = work.assignment
    before = (a.title, a.opens_at, a.due_at, a.cutoff_at)
    client.force_login(work.rc)
    response = client.post(reverse("interwork:assignment_edit", args=[a.pk]), assignment_form(
        title="Nytt navn", opens_at=fmt(hour(3)), due_at=fmt(hour(5)), cutoff_at=fmt(hour(4))))
    assert response.status_code == 200
    assert "The cut-off cannot be before the due time." in page(response)
    a.refresh_from_db()
    assert (a.title, a.opens_at, a.due_at, a.cutoff_at) == before


def test_assignment_of_a_deleted_account_can_still_be_edited(client, cast):
    """created_by is set to NULL when the creator's account is deleted; the assignment stays editable."""
    creator = UserFactory(email="tidligere-koordinator@test.example")
    a = services.assignment_create(round_=cast.a.round, by_user=creator, data={
        "title": "Oppgave", "opens_at": hour(-1), "due_at": hour(5)})
    creator.delete()
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("interwork:assignment_edit", args=[a.pk]), assignment_form(
        title="Nytt navn", opens_at=fmt(hour(-1)), due_at=fmt(hour(6))))
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.title, a.due_at, a.created_by) == ("Nytt navn", hour(6), None)


@pytest.mark.parametrize("field,data", [
    ("due_at", {"opens_at": oslo(2026, 9, 10), "due_at": oslo(2026, 9, 10)}),
    ("due_at", {"opens_at": oslo(2026, 9, 10), "due_at": oslo(2026, 9, 1)}),
    ("cutoff_at", {"opens_at": oslo(2026, 9, 1), "due_at": oslo(2026, 9, 10), "cutoff_at": oslo(2026, 9, 9)}),
    ("given_after", {"opens_at": oslo(2026, 9, 1), "due_at": oslo(2026, 9, 10), "given_after": "other"}),
    ("due_before", {"opens_at": oslo(2026, 9, 1), "due_before": "other", "due_days_before_gathering": 3}),
    ("due_days_before_gathering", {"opens_at": oslo(2026, 9, 1), "due_at": oslo(2026, 9, 10),
                                   "due_days_before_gathering": 3}),
])
def test_assignment_service_refuses_bad_input(cast, field, data):
    other = GatheringFactory(round=cast.b.round, starts_at=oslo(2026, 10, 1))
    data = {"title": "Oppgave", **{k: other if v == "other" else v for k, v in data.items()}}
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(round_=cast.a.round, data=data, by_user=cast.a.regional_coordinator)
    assert field in exc.value.message_dict
    assert not Assignment.objects.exists()


def test_relative_due_time_is_2359_oslo_days_before_and_follows_a_moved_samling(client, cast):
    """3 days before a samling on Tuesday 27 October 2026 (after the clocks go back on the 25th) is Saturday
    24 October 23:59 summer time; when the samling moves to 10 November, the due time becomes 7 November
    23:59 winter time."""
    fs3 = GatheringFactory(round=cast.a.round, title="Fellessamling 3", starts_at=oslo(2026, 10, 27, 10))
    fixed = AssignmentFactory(round=cast.a.round, due_before=fs3, opens_at=oslo(2026, 9, 1), due_at=oslo(2026, 10, 20))
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("interwork:assignment_create", args=[cast.a.round.pk]), assignment_form(
        opens_at="2026-09-01T10:00", due_at="", due_before=fs3.pk, due_days_before_gathering="3"))
    assert response.status_code == 302
    a = Assignment.objects.exclude(pk=fixed.pk).get()
    due = timezone.localtime(a.due_at, OSLO)
    assert (due.date().isoformat(), due.hour, due.minute, due.utcoffset()) == ("2026-10-24", 23, 59, timedelta(hours=2))
    assert "3 days before Fellessamling 3" in page(client.get(a.get_absolute_url()))

    gathering_update(gathering=fs3, data={"starts_at": oslo(2026, 11, 10, 10), "ends_at": oslo(2026, 11, 10, 16),
                                          "registration_deadline": oslo(2026, 11, 3, 10)})
    a.refresh_from_db()
    due = timezone.localtime(a.due_at, OSLO)
    assert (due.date().isoformat(), due.hour, due.minute, due.utcoffset()) == ("2026-11-07", 23, 59, timedelta(hours=1))
    fixed.refresh_from_db()
    assert fixed.due_at == oslo(2026, 10, 20)  # a fixed due time does not move


def test_relative_due_time_uses_the_oslo_start_date(cast):
    """A samling starting 00:30 Oslo time starts the previous day in UTC; the Oslo date counts."""
    g = GatheringFactory(round=cast.a.round, starts_at=oslo(2026, 11, 10, 0, 30),
                         registration_deadline=oslo(2026, 11, 1))
    a = services.assignment_create(round_=cast.a.round, by_user=cast.a.regional_coordinator, data={
        "title": "Oppgave", "opens_at": oslo(2026, 9, 1), "due_before": g, "due_days_before_gathering": 1})
    assert a.due_at == datetime(2026, 11, 9, 23, 59, tzinfo=OSLO)


@pytest.mark.parametrize("new_start,due,opens,cutoff", [
    # later, past the cut-off: the cut-off moves along to the new due time
    (oslo(2026, 12, 1, 10), oslo(2026, 11, 29, 23, 59), oslo(2026, 11, 1), oslo(2026, 11, 29, 23, 59)),
    # earlier, before the assignment opens: it opens a day before the new due time
    (oslo(2026, 11, 2, 10), oslo(2026, 10, 31, 23, 59), oslo(2026, 10, 30, 23, 59), oslo(2026, 11, 9, 12)),
])
def test_moving_samling_keeps_relative_assignment_valid(cast, new_start, due, opens, cutoff):
    g = GatheringFactory(round=cast.a.round, starts_at=oslo(2026, 11, 10, 10), registration_deadline=oslo(2026, 10, 20))
    a = services.assignment_create(round_=cast.a.round, by_user=cast.a.regional_coordinator, data={
        "title": "Oppgave", "opens_at": oslo(2026, 11, 1), "due_before": g, "due_days_before_gathering": 2,
        "cutoff_at": oslo(2026, 11, 9, 12)})
    assert a.due_at == oslo(2026, 11, 8, 23, 59)
    gathering_update(gathering=g, data={"starts_at": new_start, "ends_at": new_start + timedelta(hours=6)})
    a.refresh_from_db()
    assert (a.due_at, a.opens_at, a.cutoff_at) == (due, opens, cutoff)
