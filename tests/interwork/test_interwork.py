"""Mellomarbeid: assignments (validation, safe instructions, due times relative to a samling), submissions
(statuses, versions, lateness, cut-off, files, contributors), extensions, concurrent draft edits, review with
notices, the tracking matrix with its rates and filters, and constant query counts. Pages are read in
English (source strings), so the checks do not depend on the state of the Norwegian catalogue."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from absolutt.notifications.models import OutgoingEmail
from interwork import selectors, services
from interwork.models import Assignment, Extension, Feedback, Submission, SubmissionFile, SubmissionVersion
from municipalities.models import RoleCategory
from sessions_app.services import gathering_update

from ..factories import (
    CoreGroupMemberFactory,
    ParticipantFactory,
    RegionFactory,
    RoundFactory,
    UserFactory,
)
from ..interwork.factories import (
    OSLO,
    AssignmentFactory,
    Board,
    base_revision,
    deliver,
    deliver_from_page,
    editor_data,
    frozen,
    hour,
    make_board,
    oslo,
    page,
    pdf,
    sub_url,
    submission,
    textarea,
    write,
)
from ..sessions_app.factories import GatheringFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"  # as the language switch does
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def stored(row: SubmissionFile) -> bytes:
    with row.file.open("rb") as fh:
        return fh.read()


def downloaded(response) -> bytes:
    assert response.status_code == 200
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


def fmt(dt: datetime) -> str:
    return timezone.localtime(dt, OSLO).strftime("%Y-%m-%dT%H:%M")


def follow(client, url, data=None) -> str:
    """POST, follow the redirect, return the page the user lands on (with its messages)."""
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return page(response)


def en_client(user) -> Client:
    c = Client()
    c.cookies["django_language"] = "en"
    c.force_login(user)
    return c


@dataclass
class Work:
    cast: object
    round: object
    participant: object
    assignment: object
    mc: object
    cg: object
    rc: object
    cp: object
    elected: object
    administrative: object


@pytest.fixture
def work(cast, media) -> Work:
    elected = cast.a.member_row
    elected.name, elected.title = "Ola Ordfører", "Ordfører"
    elected.save()
    administrative = CoreGroupMemberFactory(participant=cast.a.participant, name="Rita Rådmann",
                                            title="Kommunedirektør", role_category=RoleCategory.ADMINISTRATIVE)
    assignment = AssignmentFactory(round=cast.a.round, title="Ståstedsanalyse")
    return Work(cast, cast.a.round, cast.a.participant, assignment, cast.a.municipal_coordinator,
                cast.a.core_group_member, cast.a.regional_coordinator, cast.a.competence_partner, elected, administrative)


def fresh(sub: Submission) -> Submission:
    return Submission.objects.get(pk=sub.pk)


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


# --- Submissions: one per participant, statuses, versions ----------------------------------------

def test_one_submission_per_participant_and_assignment(work):
    first = submission(work.assignment, work.participant)
    assert submission(work.assignment, work.participant) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(assignment=work.assignment, participant=work.participant)
    assert Submission.objects.filter(assignment=work.assignment, participant=work.participant).count() == 1


def test_participant_of_another_round_has_no_submission(work, cast):
    with pytest.raises(ValidationError):
        submission(work.assignment, cast.b.participant)
    assert not Submission.objects.exists()


def test_full_lifecycle_through_the_pages_keeps_every_version(work):
    a, p = work.assignment, work.participant
    mc, rc = en_client(work.mc), en_client(work.rc)
    body = page(mc.get(sub_url("submission_detail", a, p)))
    assert "Not started" in body
    assert not Submission.objects.filter(assignment=a, participant=p).exists()  # reading writes nothing

    mc.post(sub_url("draft_save", a, p), {"text": "Første utkast", "base_revision": 0,
                                          "contributors": [work.elected.pk, work.administrative.pk]})
    sub = Submission.objects.get(assignment=a, participant=p)  # the first save made it
    assert sub.status == Submission.Status.DRAFT
    assert "The file was attached" in follow(mc, sub_url("file_upload", a, p), {"file": pdf("ungdata.pdf", b"%PDF v1")})
    assert "Delivered as version 1" in page(deliver_from_page(mc, a, p))
    sub = fresh(sub)
    assert sub.status == Submission.Status.DELIVERED and sub.first_delivered_late is False

    assert "Returned for revision" in follow(rc, sub_url("review", a, p), {"action": "return", "text": "Ta med Ungdata."})
    assert fresh(sub).status == Submission.Status.RETURNED

    # the revision: new text, one contributor fewer, the old file replaced by a new one
    body = page(mc.get(sub_url("submission_detail", a, p)))
    old_file = SubmissionFile.objects.get(submission=sub, version__isnull=True)
    mc.post(sub_url("draft_save", a, p), {"text": "Andre utkast", "base_revision": base_revision(body),
                                          "contributors": [work.elected.pk]})
    assert fresh(sub).status == Submission.Status.RETURNED  # still returned while being revised
    follow(mc, sub_url("file_remove", a, p, old_file.pk))
    follow(mc, sub_url("file_upload", a, p), {"file": pdf("plan.pdf", b"%PDF v2")})
    assert "Delivered as version 2" in page(deliver_from_page(mc, a, p))
    assert fresh(sub).status == Submission.Status.DELIVERED

    assert "Approved" in follow(rc, sub_url("review", a, p), {"action": "approve", "text": ""})
    assert fresh(sub).status == Submission.Status.APPROVED

    v1, v2 = SubmissionVersion.objects.filter(submission=sub).order_by("number")
    assert (v1.number, v1.text, v1.delivered_by, v1.is_late) == (1, "Første utkast", work.mc, False)
    assert [c["name"] for c in v1.contributors] == ["Ola Ordfører", "Rita Rådmann"]
    assert {c["role_category"] for c in v1.contributors} == {"elected", "administrative"}
    assert [f.original_name for f in v1.files.all()] == ["ungdata.pdf"]
    assert stored(v1.files.get()) == b"%PDF v1"  # the removed draft file is kept for v1
    assert (v2.number, v2.text) == (2, "Andre utkast")
    assert [c["name"] for c in v2.contributors] == ["Ola Ordfører"]
    assert [f.original_name for f in v2.files.all()] == ["plan.pdf"]

    body = page(rc.get(sub_url("submission_detail", a, p)))
    assert "Første utkast" in body and "Andre utkast" in body and "Version 1" in body and "Version 2" in body
    assert downloaded(rc.get(sub_url("file_download", a, p, v1.files.get().pk))) == b"%PDF v1"


def test_version_snapshot_does_not_follow_later_changes(work):
    sub = submission(work.assignment, work.participant)
    deliver(sub, "Tekst", work.mc, [work.elected])
    work.elected.name = "Nytt Navn"
    work.elected.save()
    v = SubmissionVersion.objects.get(submission=sub)
    assert [c["name"] for c in v.contributors] == ["Ola Ordfører"]
    assert v.contributors[0]["title"] == "Ordfører"


def _approved(work):
    sub = submission(work.assignment, work.participant)
    deliver(sub, "Tekst", work.mc)
    return services.submission_approve(submission=sub, by_user=work.rc)


def _delivered(work):
    sub = submission(work.assignment, work.participant)
    deliver(sub, "Tekst", work.mc)
    return fresh(sub)


def _draft(work):
    return write(submission(work.assignment, work.participant), "Tekst", work.mc)


REFUSED = {
    "approve a draft": (_draft, lambda w, s: services.submission_approve(submission=s, by_user=w.rc),
                        "Only a delivered submission can be approved."),
    "return a draft": (_draft, lambda w, s: services.submission_return(submission=s, by_user=w.rc, comment="Nei"),
                       "Only a delivered submission can be returned."),
    "return an approved": (_approved, lambda w, s: services.submission_return(submission=s, by_user=w.rc, comment="Nei"),
                           "Only a delivered submission can be returned."),
    "approve an approved": (_approved, lambda w, s: services.submission_approve(submission=s, by_user=w.rc),
                            "Only a delivered submission can be approved."),
    "edit an approved": (_approved, lambda w, s: services.draft_save(
        submission=s, text="Endret", base_revision=s.draft_revision, by_user=w.mc), "approved"),
    "deliver an approved": (_approved, lambda w, s: services.submission_deliver(submission=s, by_user=w.mc), "approved"),
    "attach to an approved": (_approved, lambda w, s: services.file_attach(submission=s, upload=pdf(), by_user=w.mc),
                              "approved"),
    "edit while delivered": (_delivered, lambda w, s: services.draft_save(
        submission=s, text="Endret", base_revision=s.draft_revision, by_user=w.mc), "waiting for review"),
    "deliver twice": (_delivered, lambda w, s: services.submission_deliver(submission=s, by_user=w.mc),
                      "waiting for review"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_transitions_change_nothing(work, case):
    make, act, message = REFUSED[case]
    sub = make(work)
    before = (sub.status, sub.draft_text, sub.draft_revision)
    counts = (SubmissionVersion.objects.count(), Feedback.objects.count(), SubmissionFile.objects.count(),
              OutgoingEmail.objects.count())
    with pytest.raises(ValidationError) as exc:
        act(work, fresh(sub))
    assert message in " ".join(exc.value.messages)
    sub = fresh(sub)
    assert (sub.status, sub.draft_text, sub.draft_revision) == before
    assert counts == (SubmissionVersion.objects.count(), Feedback.objects.count(), SubmissionFile.objects.count(),
                      OutgoingEmail.objects.count())


def test_refused_transitions_through_the_pages(work):
    a, p = work.assignment, work.participant
    sub = _draft(work)
    rc, mc = en_client(work.rc), en_client(work.mc)
    assert "Only a delivered submission can be approved." in follow(rc, sub_url("review", a, p), {"action": "approve"})
    assert fresh(sub).status == Submission.Status.DRAFT
    deliver_from_page(mc, a, p)
    response = mc.post(sub_url("draft_save", a, p), {"text": "Endret etter levering", "base_revision": 1})
    assert response.status_code == 409
    body = page(response)
    assert "waiting for review" in body and "Endret etter levering" in body  # the typed text is shown again
    assert fresh(sub).draft_text == "Tekst"
    follow(rc, sub_url("review", a, p), {"action": "approve"})
    body = page(mc.post(sub_url("deliver", a, p), {"text": "Tekst", "base_revision": fresh(sub).draft_revision}))
    assert "approved and can no longer be changed" in body
    assert SubmissionVersion.objects.filter(submission=sub).count() == 1
    assert "Only a delivered submission can be returned." in follow(
        rc, sub_url("review", a, p), {"action": "return", "text": "Likevel"})
    assert fresh(sub).status == Submission.Status.APPROVED
    # an approved submission shows no draft form and no deliver button
    body = page(mc.get(sub_url("submission_detail", a, p)))
    assert 'id="draft-form"' not in body and 'id="deliver-button"' not in body


# --- Lateness, cut-off, empty deliveries ------------------------------------------------------------

def test_delivery_after_due_is_late_and_shown(work, client):
    work.assignment.opens_at, work.assignment.due_at = hour(-10), hour(-1)
    work.assignment.save()
    sub = submission(work.assignment, work.participant)
    v = deliver(sub, "Sent, men godt", work.mc)
    assert v.is_late and fresh(sub).first_delivered_late is True
    client.force_login(work.rc)
    body = page(client.get(sub_url("submission_detail", work.assignment, work.participant)))
    assert "delivered late" in body
    raw = client.get(reverse("interwork:round_work", args=[work.round.pk])).content.decode()
    assert cells_of(raw, work.participant.name)[0] == "Delivered late – " + work.participant.name + ", Ståstedsanalyse"


def test_delivery_exactly_at_due_is_on_time_and_a_minute_after_is_late(work, cast):
    due = work.assignment.due_at
    with frozen(due):
        assert not deliver(submission(work.assignment, work.participant), "I tide", work.mc).is_late
    other = cast.a.other_participant
    with frozen(due + timedelta(minutes=1)):
        assert deliver(submission(work.assignment, other), "For sent", work.mc).is_late


def test_first_delivery_decides_the_late_flag(work):
    sub = submission(work.assignment, work.participant)
    deliver(sub, "v1", work.mc)
    services.submission_return(submission=sub, by_user=work.rc, comment="Mer")
    with frozen(work.assignment.due_at + timedelta(days=1)):
        v2 = deliver(sub, "v2", work.mc)
    assert v2.is_late
    assert fresh(sub).first_delivered_late is False  # the work came in on time; v2 is marked late itself


def test_delivery_after_granted_extension_time_is_late_and_before_it_is_not(work, cast):
    work.assignment.opens_at, work.assignment.due_at = hour(-10), hour(-3)
    work.assignment.save()
    on_time = submission(work.assignment, work.participant)
    services.extension_grant(submission=on_time, new_due_at=hour(2), reason="Sykdom", by_user=work.rc)
    assert not deliver(on_time, "Innenfor utsatt frist", work.mc).is_late
    late = submission(work.assignment, cast.a.other_participant)
    services.extension_grant(submission=late, new_due_at=hour(-1), reason="Kort utsettelse", by_user=work.rc)
    assert deliver(late, "Etter utsatt frist", work.mc).is_late


def test_no_delivery_after_cutoff_unless_an_extension_goes_beyond_it(work, cast, client):
    a = work.assignment
    a.opens_at, a.due_at, a.cutoff_at = hour(-10), hour(-3), hour(-1)
    a.save()
    sub = write(submission(a, work.participant), "For sent", work.mc)
    client.force_login(work.mc)
    body = page(deliver_from_page(client, a, work.participant))
    assert "The cut-off has passed" in body
    assert fresh(sub).status == Submission.Status.DRAFT and not SubmissionVersion.objects.exists()
    assert 'id="deliver-button"' not in body

    # an extension that ends before the cut-off does not open it again
    other = write(submission(a, cast.a.other_participant), "Nabo", work.mc)
    services.extension_grant(submission=other, new_due_at=hour(-2), reason="Kort", by_user=work.rc)
    with pytest.raises(ValidationError, match="cut-off"):
        services.submission_deliver(submission=other, by_user=work.mc)

    services.extension_grant(submission=sub, new_due_at=hour(24), reason="Permisjon", by_user=work.rc)
    body = page(deliver_from_page(client, a, work.participant))
    assert "Delivered as version 1" in body
    v = SubmissionVersion.objects.get(submission=sub)
    assert not v.is_late


def test_delivery_at_the_cutoff_minute_is_accepted_and_after_it_refused(work, cast):
    a = work.assignment
    a.cutoff_at = a.due_at + timedelta(days=2)
    a.save()
    with frozen(a.cutoff_at):
        assert deliver(submission(a, work.participant), "Siste minutt", work.mc).is_late
    with frozen(a.cutoff_at + timedelta(seconds=1)), pytest.raises(ValidationError):
        deliver(submission(a, cast.a.other_participant), "For sent", work.mc)


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_delivery_refused(work, client, text):
    sub = submission(work.assignment, work.participant)
    if text:
        write(sub, text, work.mc)
    client.force_login(work.mc)
    body = page(deliver_from_page(client, work.assignment, work.participant))
    assert "Write something or attach a file before you deliver." in body
    assert fresh(sub).status != Submission.Status.DELIVERED and not SubmissionVersion.objects.exists()


def test_delivery_with_only_a_file_is_accepted(work):
    sub = submission(work.assignment, work.participant)
    services.file_attach(submission=sub, upload=pdf(), by_user=work.mc)
    v = services.submission_deliver(submission=sub, by_user=work.mc)
    assert v.text == "" and [f.original_name for f in v.files.all()] == ["plan.pdf"]


# --- Files ----------------------------------------------------------------------------------------

def test_disallowed_file_type_refused_with_message(work, client, media):
    client.force_login(work.mc)
    body = follow(client, sub_url("file_upload", work.assignment, work.participant),
                  {"file": ContentFile(b"MZ\x90\x00", name="virus.exe")})
    assert "Files of type .exe are not allowed." in body and "pdf" in body
    assert not SubmissionFile.objects.exists() and stored_files(media) == []
    assert Submission.objects.get().status == Submission.Status.NOT_STARTED


def test_oversize_file_refused_with_message(work, client, media, settings):
    settings.ABSOLUTT_MATERIAL_MAX_BYTES = 1024 * 1024
    client.force_login(work.mc)
    body = follow(client, sub_url("file_upload", work.assignment, work.participant),
                  {"file": pdf("stor.pdf", b"x" * (2 * 1024 * 1024))})
    assert "The file is too large" in body and "The limit is 1 MB" in body
    assert not SubmissionFile.objects.exists() and stored_files(media) == []


def test_file_at_the_size_limit_is_accepted(work, settings, media):
    settings.ABSOLUTT_MATERIAL_MAX_BYTES = 10
    row = services.file_attach(submission=submission(work.assignment, work.participant),
                               upload=pdf("ok.pdf", b"0123456789"), by_user=work.mc)
    assert row.size == 10 and row.original_name == "ok.pdf" and row.content_type == "application/pdf"
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize("name", ["../x.pdf", "sub/x.pdf", "..\\x.pdf", "/etc/x.pdf", ".."])
def test_file_name_with_path_parts_refused(work, media, name):
    """Django's upload handler already cuts folders off names sent by browsers; the service refuses any
    that get through another way."""
    sub = submission(work.assignment, work.participant)
    with pytest.raises(ValidationError) as exc:
        services.file_attach(submission=sub, upload=ContentFile(b"%PDF", name=name), by_user=work.mc)
    assert "must not contain folders" in " ".join(exc.value.messages)
    assert not SubmissionFile.objects.exists() and stored_files(media) == []


def test_stored_file_name_is_not_the_uploaded_name_and_is_escaped_on_the_page(work, media, client):
    row = services.file_attach(submission=submission(work.assignment, work.participant),
                               upload=pdf("Plan «1» & <co>.pdf"), by_user=work.mc)
    assert row.original_name == "Plan «1» & <co>.pdf"
    assert "Plan" not in row.file.name and row.file.name.startswith(f"submissions/{row.submission_id}/")
    client.force_login(work.mc)
    raw = client.get(sub_url("submission_detail", work.assignment, work.participant)).content.decode()
    assert "<co>" not in raw and "&lt;co&gt;" in raw


def test_file_download_sends_the_original_name_and_no_cache(work, client):
    sub = submission(work.assignment, work.participant)
    row = services.file_attach(submission=sub, upload=pdf("ståsted.pdf", b"%PDF innhold"), by_user=work.mc)
    client.force_login(work.cp)
    response = client.get(sub_url("file_download", work.assignment, work.participant, row.pk))
    assert downloaded(response) == b"%PDF innhold"
    assert "attachment" in response["Content-Disposition"]
    assert "st%C3%A5sted.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_delivered_file_cannot_be_removed(work, client):
    sub = submission(work.assignment, work.participant)
    services.file_attach(submission=sub, upload=pdf(), by_user=work.mc)
    services.submission_deliver(submission=sub, by_user=work.mc)
    services.submission_return(submission=sub, by_user=work.rc, comment="Mer")
    frozen_row = SubmissionFile.objects.get(version__isnull=False)
    client.force_login(work.mc)
    follow(client, sub_url("file_remove", work.assignment, work.participant, frozen_row.pk))
    assert SubmissionFile.objects.filter(pk=frozen_row.pk).exists()
    assert stored(frozen_row) == b"%PDF-1.4 test"


# --- Contributors ---------------------------------------------------------------------------------

def test_contributors_must_be_from_the_participants_core_group(work, cast, client):
    foreign = CoreGroupMemberFactory(participant=cast.a.other_participant, role_category=RoleCategory.ADMINISTRATIVE)
    sub = write(submission(work.assignment, work.participant), "Før", work.mc, [work.elected])
    with pytest.raises(ValidationError, match="core group"):
        services.draft_save(submission=sub, text="Etter", base_revision=fresh(sub).draft_revision, by_user=work.mc,
                            contributors=[work.elected, foreign])
    client.force_login(work.mc)
    response = client.post(sub_url("draft_save", work.assignment, work.participant),
                           {"text": "Etter", "base_revision": fresh(sub).draft_revision, "contributors": [foreign.pk]})
    assert response.status_code == 400 and "Select a valid choice" in page(response)
    sub = fresh(sub)
    assert sub.draft_text == "Før" and list(sub.contributors.all()) == [work.elected]


def test_page_warns_when_both_levels_are_required_and_missing(work, client):
    work.assignment.requires_both_levels = True
    work.assignment.save()
    sub = write(submission(work.assignment, work.participant), "Tekst", work.mc, [work.elected])
    url = sub_url("submission_detail", work.assignment, work.participant)
    client.force_login(work.mc)
    body = page(client.get(url))
    assert "No administrative leader is among the contributors." in body
    assert "This assignment requires both levels." in body
    write(sub, "Tekst 2", work.mc, [work.elected, work.administrative])
    body = page(client.get(url))
    assert "Both the political and the administrative level contributed." in body
    assert "This assignment requires both levels." not in body
    write(sub, "Tekst 3", work.mc, [work.administrative])
    assert "No elected official (folkevalgt) is among the contributors." in page(client.get(url))


def test_no_level_warning_when_not_required_and_nobody_chosen(work, client):
    client.force_login(work.mc)
    body = page(client.get(sub_url("submission_detail", work.assignment, work.participant)))
    assert "requires both levels" not in body and "No elected official" not in body


# --- Extensions -----------------------------------------------------------------------------------

def test_regional_coordinator_grants_extension_with_reason(work, client):
    a, p = work.assignment, work.participant
    client.force_login(work.rc)
    new_due = hour(14)
    body = follow(client, sub_url("extension", a, p), {"new_due_at": fmt(new_due), "reason": "Valgår i kommunen"})
    assert "The extension was granted." in body and "Valgår i kommunen" in body
    ext = Extension.objects.get()
    assert (ext.status, ext.reason, ext.new_due_at, ext.decided_by) == ("granted", "Valgår i kommunen", new_due, work.rc)
    sub = Submission.objects.get()
    assert sub.extended_due_at == new_due and sub.effective_due_at == new_due
    fb = Feedback.objects.get(submission=sub)
    assert fb.kind == Feedback.Kind.EXTENSION and "Valgår i kommunen" in fb.text and fb.author == work.rc
    assert "extension" in page(client.get(reverse("interwork:round_work", args=[work.round.pk])))


@pytest.mark.parametrize("data,message", [
    ({"new_due_at": "original", "reason": "Samme tid"}, "must be later than the original due time"),
    ({"new_due_at": "before", "reason": "Tidligere"}, "must be later than the original due time"),
    ({"new_due_at": "later", "reason": ""}, "This field is required."),
    ({"new_due_at": "later", "reason": "   "}, "This field is required."),
])
def test_extension_refused_with_message(work, client, data, message):
    when = {"original": work.assignment.due_at, "before": work.assignment.due_at - timedelta(hours=1),
            "later": hour(20)}[data["new_due_at"]]
    client.force_login(work.rc)
    body = follow(client, sub_url("extension", work.assignment, work.participant), {**data, "new_due_at": fmt(when)})
    assert message in body
    assert not Extension.objects.exists() and not Feedback.objects.exists()
    assert not Submission.objects.filter(extended_due_at__isnull=False).exists()


def test_extension_must_be_after_the_original_due_time_in_the_service(work):
    sub = submission(work.assignment, work.participant)
    with pytest.raises(ValidationError) as exc:
        services.extension_grant(submission=sub, new_due_at=work.assignment.due_at, reason="x", by_user=work.rc)
    assert "new_due_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.extension_request(submission=sub, new_due_at=work.assignment.due_at - timedelta(days=1), reason="x",
                                   by_user=work.mc)
    assert "new_due_at" in exc.value.message_dict
    assert not Extension.objects.exists()


def test_municipal_coordinator_requests_extension_and_coordinators_are_emailed(work, client):
    second_rc = UserFactory(email="rc2-a@test.example")
    work.round.regional_coordinators.add(second_rc)
    client.force_login(work.mc)
    new_due = hour(10)
    body = follow(client, sub_url("extension", work.assignment, work.participant),
                  {"new_due_at": fmt(new_due), "reason": "Kommunestyret møtes senere"})
    assert "Your request was sent to the regional coordinator." in body
    ext = Extension.objects.get()
    assert (ext.status, ext.requested_by, ext.new_due_at) == ("requested", work.mc, new_due)
    assert Submission.objects.get().extended_due_at is None  # not yet
    mails = OutgoingEmail.objects.filter(kind="extension_requested")
    assert sorted(m.to for m in mails) == sorted([work.rc.email, second_rc.email])
    assert all((m.about, m.party) == (ext.submission.assignment, ext.submission.participant) for m in mails)
    assert work.participant.name in mails[0].subject

    # a second request while one waits is refused
    body = follow(client, sub_url("extension", work.assignment, work.participant),
                  {"new_due_at": fmt(hour(12)), "reason": "Igjen"})
    assert "already waiting for an answer" in body
    assert Extension.objects.count() == 1

    # the matrix shows the pending request; the coordinator sees the grant/refuse buttons
    rc = en_client(work.rc)
    assert "extension requested" in page(rc.get(reverse("interwork:round_work", args=[work.round.pk])))
    assert "Refuse" in page(rc.get(sub_url("submission_detail", work.assignment, work.participant)))


@pytest.mark.parametrize("grant", [True, False])
def test_requested_extension_is_approved_or_refused_and_logged(work, client, grant):
    sub = submission(work.assignment, work.participant)
    ext = services.extension_request(submission=sub, new_due_at=hour(10), reason="Ferie", by_user=work.mc)
    client.force_login(work.rc)
    follow(client, sub_url("extension_decide", work.assignment, work.participant, ext.pk),
           {"grant": "1" if grant else "0", "note": "Ok" if grant else "Ikke grunnlag"})
    ext.refresh_from_db()
    sub = fresh(sub)
    assert ext.decided_by == work.rc and ext.decided_at is not None
    fb = Feedback.objects.get(submission=sub, kind=Feedback.Kind.EXTENSION)
    if grant:
        assert ext.status == Extension.Status.GRANTED and sub.extended_due_at == ext.new_due_at
        assert "Extension granted" in fb.text and "Ferie" in fb.text
    else:
        assert ext.status == Extension.Status.REFUSED and sub.extended_due_at is None
        assert "Extension refused" in fb.text and "Ikke grunnlag" in fb.text and ext.decision_note == "Ikke grunnlag"
    # deciding twice is refused and changes nothing
    body = follow(client, sub_url("extension_decide", work.assignment, work.participant, ext.pk), {"grant": "1"})
    assert "already been answered" in body
    assert Feedback.objects.filter(submission=sub, kind=Feedback.Kind.EXTENSION).count() == 1


# --- Concurrent draft edits -----------------------------------------------------------------------

def test_concurrent_draft_edit_gives_409_and_overwrites_nothing(work):
    a, p = work.assignment, work.participant
    sub = write(submission(a, p), "Utgangspunkt", work.mc)
    mc, cg = en_client(work.mc), en_client(work.cg)
    url = sub_url("submission_detail", a, p)
    rev_mc = base_revision(mc.get(url).content.decode())
    rev_cg = base_revision(cg.get(url).content.decode())
    assert rev_mc == rev_cg == 1

    assert cg.post(sub_url("draft_save", a, p), {"text": "Kjernegruppens tekst", "base_revision": rev_cg}).status_code == 302
    response = mc.post(sub_url("draft_save", a, p), {"text": "Koordinatorens <tekst> & mer", "base_revision": rev_mc})
    assert response.status_code == 409
    raw = response.content.decode()
    assert textarea(raw) == "Koordinatorens <tekst> & mer"  # their own text is kept in the form
    body = page(response)
    assert "Kjernegruppens tekst" in body  # the text the other person saved
    assert "saved this draft while you were writing" in body and work.cg.get_full_name() in body
    sub = fresh(sub)
    assert (sub.draft_text, sub.draft_revision, sub.draft_saved_by) == ("Kjernegruppens tekst", 2, work.cg)

    # saving again from the conflict page (it carries the new revision) succeeds
    assert base_revision(raw) == 2
    assert mc.post(sub_url("draft_save", a, p), {"text": "Flettet tekst", "base_revision": 2}).status_code == 302
    assert fresh(sub).draft_text == "Flettet tekst"


def test_autosave_json_returns_revision_and_409_on_conflict(work):
    a, p = work.assignment, work.participant
    sub = submission(a, p)
    mc, cg = en_client(work.mc), en_client(work.cg)
    json = {"HTTP_ACCEPT": "application/json"}
    response = cg.post(sub_url("draft_save", a, p), {"text": "Autolagret", "base_revision": 0}, **json)
    assert response.status_code == 200
    assert response.json()["revision"] == 1 and re.fullmatch(r"\d\d:\d\d", response.json()["saved_at"])
    response = cg.post(sub_url("draft_save", a, p), {"text": "Autolagret igjen", "base_revision": 1}, **json)
    assert response.status_code == 200 and response.json()["revision"] == 2

    response = mc.post(sub_url("draft_save", a, p), {"text": "Gammel base", "base_revision": 1}, **json)
    assert response.status_code == 409
    assert response.json()["conflict"] is True and "saved this draft" in response.json()["message"]
    sub = fresh(sub)
    assert (sub.draft_text, sub.draft_revision) == ("Autolagret igjen", 2)

    # refused while delivered: 409 with the reason and the delivered text (to show beside the typed one)
    deliver(sub, "Levert", work.mc)
    response = mc.post(sub_url("draft_save", a, p), {"text": "Etter", "base_revision": 3}, **json)
    assert response.status_code == 409 and "waiting for review" in response.json()["message"]
    assert response.json()["locked"] is True and response.json()["stored_text"] == "Levert"
    assert fresh(sub).draft_text == "Levert"


def test_same_text_from_an_old_revision_is_not_a_conflict(work):
    sub = write(submission(work.assignment, work.participant), "Lik", work.mc)
    services.draft_save(submission=sub, text="Lik", base_revision=0, by_user=work.cg)
    assert fresh(sub).draft_revision == 2


# --- Review ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("reviewer", ["rc", "cp"])
def test_return_needs_a_comment_and_notifies_the_municipal_coordinator(work, reviewer):
    a, p = work.assignment, work.participant
    sub = submission(a, p)
    deliver(sub, "Første", work.mc)
    client = en_client(getattr(work, reviewer))
    body = follow(client, sub_url("review", a, p), {"action": "return", "text": "  "})
    assert "Say what should be revised." in body
    assert fresh(sub).status == Submission.Status.DELIVERED and not OutgoingEmail.objects.exists()

    body = follow(client, sub_url("review", a, p), {"action": "return", "text": "Ta med tall fra Ungdata."})
    assert "Returned for revision" in body
    assert fresh(sub).status == Submission.Status.RETURNED
    fb = Feedback.objects.get(submission=sub)
    assert (fb.kind, fb.text, fb.author) == ("returned", "Ta med tall fra Ungdata.", getattr(work, reviewer))
    mail = OutgoingEmail.objects.get()
    assert (mail.to, mail.kind, mail.about, mail.party) == (work.mc.email, "submission_returned", sub.assignment, sub.participant)
    assert a.title in mail.subject and "Ta med tall fra Ungdata." in mail.body_text

    # "Min side" lists the returned work for the municipal coordinator
    home = page(en_client(work.mc).get(reverse("home")))
    assert "Returned for revision" in home and a.title in home
    assert sub_url("submission_detail", a, p) in home


@pytest.mark.parametrize("reviewer", ["rc", "cp"])
def test_approve_notifies_the_municipal_coordinator(work, reviewer):
    a, p = work.assignment, work.participant
    sub = submission(a, p)
    deliver(sub, "Ferdig", work.mc)
    body = follow(en_client(getattr(work, reviewer)), sub_url("review", a, p), {"action": "approve", "text": "Flott!"})
    assert "Approved." in body
    assert fresh(sub).status == Submission.Status.APPROVED
    mail = OutgoingEmail.objects.get()
    assert (mail.to, mail.kind) == (work.mc.email, "submission_approved")
    assert Feedback.objects.get(submission=sub).kind == "approved"


def test_approval_without_coordinator_sends_nothing(work, cast):
    other = cast.a.other_participant  # has no municipal coordinator
    sub = submission(work.assignment, other)
    deliver(sub, "Ferdig", work.rc)
    services.submission_approve(submission=sub, by_user=work.rc)
    assert not OutgoingEmail.objects.exists()


def test_comments_from_both_sides_are_kept(work):
    a, p = work.assignment, work.participant
    follow(en_client(work.cp), sub_url("comment", a, p), {"text": "Godt i gang!"})
    follow(en_client(work.cg), sub_url("comment", a, p), {"text": "Takk"})
    body = follow(en_client(work.mc), sub_url("comment", a, p), {"text": "  "})
    assert "Write a comment." in body
    assert list(Feedback.objects.values_list("kind", "text", "author")) == [
        ("comment", "Godt i gang!", work.cp.pk), ("comment", "Takk", work.cg.pk)]


# --- The tracking matrix --------------------------------------------------------------------------

@pytest.fixture
def board(db, media) -> Board:
    return make_board()


def page_text(fragment: str) -> str:
    """HTML as the words a screen reader would say, in one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def cells_of(raw: str, name: str) -> list[str]:
    match = re.search(rf">{re.escape(name)}</a></th>(.*?)</tr>", raw, re.S)
    assert match, f"no row for {name}"
    return [page_text(td) for td in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_matrix_cells_show_status_in_words_and_marks(client, board):
    client.force_login(board.rc)
    raw = client.get(reverse("interwork:round_work", args=[board.round.pk])).content.decode()
    aukra, bud, eide, fraena = (cells_of(raw, n) for n in ("Aukra", "Bud", "Eide", "Fræna"))
    assert aukra[0].startswith("Approved") and "late" not in aukra[0] and "overdue" not in aukra[0]
    assert aukra[1].startswith("Delivered") and aukra[2].startswith("2 / 2")
    assert bud[0].startswith("Delivered") and "late" in bud[0] and "overdue" not in bud[0]
    assert bud[1].startswith("Not started") and "extension" in bud[1] and "overdue" not in bud[1]
    assert eide[0].startswith("Returned for revision") and "overdue" in eide[0]
    assert fraena[0].startswith("Not started") and "overdue" in fraena[0]
    assert fraena[1].startswith("Not started") and "overdue" not in fraena[1]
    assert fraena[2].startswith("0 / 2") and "1 overdue" in fraena[2]
    # status is given as text (not only as a colour): the badge carries the label
    assert re.search(r'<span class="badge status-approved">Approved</span>', raw)


def test_matrix_rates_per_assignment(client, board):
    client.force_login(board.rc)
    response = client.get(reverse("interwork:round_work", args=[board.round.pk]))
    s1, s2 = response.context["stats"]
    # A1: Aukra, Bud and Eide delivered (3 of 4 = 75 %); Aukra and Eide on time (2 of 3 = 67 %)
    assert (s1["n"], s1["delivered"], s1["delivery_rate"], s1["on_time_rate"]) == (4, 3, 75, 67)
    assert (s1["overdue"], s1["awaiting_review"]) == (2, 1)
    # A2: Aukra delivered on time (1 of 4 = 25 %, 100 % on time); nobody overdue
    assert (s2["n"], s2["delivered"], s2["delivery_rate"], s2["on_time_rate"]) == (4, 1, 25, 100)
    assert (s2["overdue"], s2["awaiting_review"]) == (0, 1)
    raw = response.content.decode()
    foot = page_text(re.search(r"<tfoot>(.*?)</tfoot>", raw, re.S).group(1))
    assert "Delivery rate 75 % 25 %" in foot and "On time (of delivered) 67 % 100 %" in foot
    assert "Delivered 3 / 4" in foot and "Overdue 2 0" in foot


def test_on_time_rate_is_empty_without_deliveries(client, cast):
    AssignmentFactory(round=cast.a.round, title="Tom")
    client.force_login(cast.a.regional_coordinator)
    response = client.get(reverse("interwork:round_work", args=[cast.a.round.pk]))
    (s,) = response.context["stats"]
    assert (s["delivered"], s["delivery_rate"], s["on_time_rate"]) == (0, 0, None)


@pytest.mark.parametrize("vis,names", [
    ("", ["Aukra", "Bud", "Eide", "Fræna"]),
    ("overdue", ["Eide", "Fræna"]),
    ("not_started", ["Bud", "Eide", "Fræna"]),
    ("awaiting_review", ["Aukra", "Bud"]),
    ("nonsense", ["Aukra", "Bud", "Eide", "Fræna"]),
])
def test_matrix_filters(client, board, vis, names):
    client.force_login(board.rc)
    response = client.get(reverse("interwork:round_work", args=[board.round.pk]), {"vis": vis})
    assert [row.participant.name for row in response.context["matrix"].rows] == names
    raw = response.content.decode()
    for name in ("Aukra", "Bud", "Eide", "Fræna"):
        assert (f">{name}</a></th>" in raw) == (name in names), name


def test_municipal_coordinator_sees_only_own_row(client, board):
    bud = board.people["Bud"]
    client.force_login(bud.coordinator)
    response = client.get(reverse("interwork:round_work", args=[board.round.pk]))
    assert response.status_code == 200
    assert [row.participant for row in response.context["matrix"].rows] == [bud]
    raw = response.content.decode()
    assert ">Bud</a></th>" in raw
    for other in ("Aukra", "Eide", "Fræna"):
        assert other not in raw
    assert "matrix_export" not in raw and "innleveringer.zip" not in raw and "/mellomarbeid/ny/" not in raw


def test_assignment_page_lists_each_participants_status(client, board):
    client.force_login(board.rc)
    body = page_text(client.get(board.a1.get_absolute_url()).content.decode())
    assert "Aukra Approved" in body and "Fræna Not started overdue" in body and "Bud Delivered late" in body


def test_assignment_page_of_a_municipal_coordinator_lists_only_their_own(client, board):
    client.force_login(board.people["Eide"].coordinator)
    response = client.get(board.a1.get_absolute_url())
    assert [c.participant.name for c in response.context["cells"]] == ["Eide"]
    body = page_text(response.content.decode())
    assert "Eide Returned for revision overdue" in body
    assert "Aukra" not in body and "Bud" not in body and "Fræna" not in body


def test_home_lists_overdue_and_next_work(client, board):
    client.force_login(board.people["Fræna"].coordinator)
    body = page_text(client.get(reverse("home")).content.decode())
    assert "Overdue: Ståsted" in body
    assert "Fremtidsbilde" in body


def test_review_queue_on_home_for_the_coordinator(client, board):
    assert {(s.participant.name, s.assignment.title) for s in selectors.review_queue([board.round.pk])} == {
        ("Bud", "Ståsted"), ("Aukra", "Fremtidsbilde")}
    client.force_login(board.rc)
    body = page(client.get(reverse("home")))
    assert "Bud: Ståsted" in body and "Aukra: Fremtidsbilde" in body
    assert "Eide: Ståsted" not in body and "Aukra: Ståsted" not in body


# --- Query counts ---------------------------------------------------------------------------------

def build_round(scale: int):
    """3×scale participants and 2×scale assignments, with submissions in every state, extensions and
    reminders, made directly (fast)."""
    round_ = RoundFactory(region=RegionFactory())
    rc = UserFactory()
    round_.regional_coordinators.add(rc)
    participants = [ParticipantFactory(round=round_, coordinator=UserFactory()) for _ in range(3 * scale)]
    gathering = GatheringFactory(round=round_)
    assignments = [AssignmentFactory(round=round_, due_before=gathering, given_after=gathering,
                                     due_at=hour(-2 if i % 2 else 3)) for i in range(2 * scale)]
    statuses = list(Submission.Status)
    subs = []
    for i, p in enumerate(participants):
        for j, a in enumerate(assignments):
            status = statuses[(i + j) % len(statuses)]
            delivered = status in ("delivered", "returned", "approved")
            subs.append(Submission(assignment=a, participant=p, status=status, draft_text="x",
                                   last_delivered_at=timezone.now() if delivered else None,
                                   first_delivered_late=bool(j % 2) if delivered else None,
                                   extended_due_at=hour(4) if (i + j) % 3 == 0 else None))
    Submission.objects.bulk_create(subs)
    subs = list(Submission.objects.filter(assignment__round=round_))
    Extension.objects.bulk_create([Extension(submission=s, new_due_at=hour(8), reason="r") for s in subs[::4]])
    OutgoingEmail.objects.bulk_create([OutgoingEmail(to="x@test.example", subject="s", body_text="b",
                                                     kind="assignment_reminder", about=s.assignment,
                                                     party=s.participant)
                                       for s in subs[::3]])
    return round_, rc, participants[0].coordinator, assignments[0]


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("which", ["matrix", "assignment"])
@pytest.mark.parametrize("who", ["regional_coordinator", "municipal_coordinator", "national_lead"])
def test_query_count_constant_from_1x_to_10x(client, which, who):
    national = UserFactory(is_national_lead=True, is_staff=True)
    counts = []
    for scale in (1, 10):
        round_, rc, mc, assignment = build_round(scale)
        client.force_login({"regional_coordinator": rc, "municipal_coordinator": mc, "national_lead": national}[who])
        url = (reverse("interwork:round_work", args=[round_.pk]) if which == "matrix"
               else assignment.get_absolute_url())
        count(client, url)  # warm the session
        counts.append(count(client, url))
    assert counts[0] == counts[1], f"{which} as {who}: {counts[0]} queries at 1×, {counts[1]} at 10×"


@pytest.mark.parametrize("vis", ["overdue", "not_started", "awaiting_review"])
def test_rates_are_for_the_whole_round_whatever_the_filter(client, board, vis):
    """The filter chooses which rows to show; an assignment's delivery and on-time rates stay those of every
    participant."""
    client.force_login(board.rc)
    url = reverse("interwork:round_work", args=[board.round.pk])
    full = client.get(url).context["stats"]
    filtered = client.get(url, {"vis": vis}).context["stats"]
    keys = ("n", "delivered", "delivery_rate", "on_time_rate", "overdue", "awaiting_review")
    assert [[s[k] for k in keys] for s in filtered] == [[s[k] for k in keys] for s in full]


def test_stale_save_with_other_contributors_is_a_conflict_too(cast):
    from interwork.models import Assignment
    from municipalities.models import RoleCategory

    from ..factories import CoreGroupMemberFactory

    a = Assignment.objects.create(round=cast.a.round, title="Fremtidsbilde", opens_at=timezone.now() - timedelta(days=1),
                                  due_at=timezone.now() + timedelta(days=9))
    s = services.submission_for(assignment=a, participant=cast.a.participant)
    admin = CoreGroupMemberFactory(participant=cast.a.participant, role_category=RoleCategory.ADMINISTRATIVE)
    services.draft_save(submission=s, text="Felles tekst", base_revision=0, by_user=cast.a.municipal_coordinator,
                        contributors=[cast.a.member_row])
    with pytest.raises(services.DraftConflict):
        services.draft_save(submission=s, text="Felles tekst", base_revision=0, by_user=cast.a.core_group_member,
                            contributors=[admin])
    s.refresh_from_db()
    assert list(s.contributors.all()) == [cast.a.member_row]


# --- The editor as one form: text, contributors and files together; delivery of what is shown ----------------

def test_one_post_saves_text_contributors_and_files_together(work, media):
    a, p = work.assignment, work.participant
    mc = en_client(work.mc)
    data = editor_data(mc, a, p, text="Tekst før vedlegg", contributors=[work.elected.pk])
    response = mc.post(sub_url("draft_save", a, p), {**data, "file": [pdf("ungdata.pdf"), pdf("plan.pdf")]})
    assert response.status_code == 302 and response["Location"].endswith("#filer")
    sub = Submission.objects.get(assignment=a, participant=p)
    assert sub.draft_text == "Tekst før vedlegg" and list(sub.contributors.all()) == [work.elected]
    assert sorted(sub.files.values_list("original_name", flat=True)) == ["plan.pdf", "ungdata.pdf"]

    # Removing a file from the same form keeps the text typed since.
    row = sub.files.get(original_name="plan.pdf")
    data = editor_data(mc, a, p, text="Tekst etter fjerning")
    assert mc.post(sub_url("draft_save", a, p), {**data, "remove_file": str(row.pk)}).status_code == 302
    sub = fresh(sub)
    assert sub.draft_text == "Tekst etter fjerning" and list(sub.files.values_list("original_name", flat=True)) == [
        "ungdata.pdf"]


def test_autosave_with_a_file_returns_the_new_file_list(work, media):
    a, p = work.assignment, work.participant
    mc = en_client(work.mc)
    data = editor_data(mc, a, p, text="Skrevet, så valgt fil")
    response = mc.post(sub_url("draft_save", a, p), {**data, "file": pdf("ståsted.pdf")}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1 and body["problems"] == [] and "ståsted.pdf" in body["files_html"]
    response = mc.post(sub_url("draft_save", a, p), {**data, "base_revision": 1, "file": ContentFile(b"MZ", name="x.exe")},
                       HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and "Files of type .exe are not allowed." in " ".join(response.json()["problems"])
    assert fresh(submission(a, p)).draft_text == "Skrevet, så valgt fil"


def test_delivery_sends_the_text_on_the_screen_even_if_not_yet_saved(work):
    a, p = work.assignment, work.participant
    write(submission(a, p), "Lagret tidligere", work.mc)
    mc = en_client(work.mc)
    body = page(deliver_from_page(mc, a, p, text="Skrevet rett før levering – «æøå» & <b>"))
    assert "Delivered as version 1" in body
    assert SubmissionVersion.objects.get().text == "Skrevet rett før levering – «æøå» & <b>"


def test_delivery_after_a_concurrent_change_is_refused_with_both_texts(work):
    a, p = work.assignment, work.participant
    sub = write(submission(a, p), "Utgangspunkt", work.mc)
    mc = en_client(work.mc)
    data = editor_data(mc, a, p, text="Koordinatorens versjon")
    write(sub, "Kjernegruppens endring", work.cg)  # a colleague saves a second before "Deliver"
    response = mc.post(sub_url("deliver", a, p), data)
    assert response.status_code == 409
    raw = response.content.decode()
    assert textarea(raw) == "Koordinatorens versjon"  # the typed text stays in the editor
    body = page(response)
    assert "Kjernegruppens endring" in body and "nothing was delivered" in body and work.cg.get_full_name() in body
    assert not SubmissionVersion.objects.exists() and fresh(sub).status == Submission.Status.DRAFT
    assert fresh(sub).draft_text == "Kjernegruppens endring"

    # Delivering again from that page (it carries the new revision) delivers the text on the screen.
    response = mc.post(sub_url("deliver", a, p), {"text": "Flettet versjon", "base_revision": base_revision(raw)},
                       follow=True)
    assert "Delivered as version 1" in page(response)
    assert SubmissionVersion.objects.get().text == "Flettet versjon"


def test_delivery_without_the_revision_on_the_screen_delivers_nothing(work):
    sub = write(submission(work.assignment, work.participant), "Lagret", work.mc)
    mc = en_client(work.mc)
    response = mc.post(sub_url("deliver", work.assignment, work.participant))
    assert response.status_code == 400 and "Nothing was delivered" in page(response)
    assert fresh(sub).status == Submission.Status.DRAFT and not SubmissionVersion.objects.exists()


def test_save_after_someone_delivered_shows_both_texts_and_keeps_the_typed_one(work):
    a, p = work.assignment, work.participant
    sub = write(submission(a, p), "Utkast", work.mc)
    cg = en_client(work.cg)
    data = editor_data(cg, a, p, text="Kjernegruppens nye avsnitt")
    services.submission_deliver(submission=fresh(sub), by_user=work.mc)
    response = cg.post(sub_url("draft_save", a, p), data)
    assert response.status_code == 409
    raw = response.content.decode()
    assert 'id="draft-form"' not in raw  # delivered: no editor, but the typed text is there to copy
    mine = re.search(r'<textarea[^>]*id="draft-conflict-mine"[^>]*>(.*?)</textarea>', raw, re.S).group(1)
    assert html.unescape(mine).strip("\r\n") == "Kjernegruppens nye avsnitt"
    body = page(response)
    assert "waiting for review" in body and "Utkast" in body


def test_not_started_filter_lists_only_work_that_is_open(client, cast):
    """An assignment that opens next month is not "not started" work yet."""
    AssignmentFactory(round=cast.a.round, title="Neste måned", opens_at=hour(30), due_at=hour(60))
    client.force_login(cast.a.regional_coordinator)
    url = reverse("interwork:round_work", args=[cast.a.round.pk])
    assert client.get(url, {"vis": "not_started"}).context["matrix"].rows == []
    AssignmentFactory(round=cast.a.round, title="Åpen nå")
    rows = client.get(url, {"vis": "not_started"}).context["matrix"].rows
    assert {row.participant for row in rows} == {cast.a.participant, cast.a.other_participant}


def test_review_queue_on_min_side_says_how_many_and_shows_all(client, cast):
    assignments = [AssignmentFactory(round=cast.a.round, title=f"Oppgave {i:02}") for i in range(9)]
    for a in assignments:
        for p in (cast.a.participant, cast.a.other_participant):
            deliver(submission(a, p), "Levert", cast.a.municipal_coordinator)
    client.force_login(cast.a.regional_coordinator)
    response = client.get(reverse("home"))
    assert len(response.context["review_queue"]) == 15 and response.context["review_queue_total"] == 18
    body = page(response)
    assert "Showing 15 of 18." in body and 'href="?vis=alle#h-review"' in body and "Show all 18" in body
    response = client.get(reverse("home"), {"vis": "alle"})
    assert len(response.context["review_queue"]) == 18 and "Show all 18" not in page(response)


# --- No writes on GET ----------------------------------------------------------------------------

def test_opening_a_submission_page_writes_nothing(client, cast):
    """Reading shows "nothing yet"; the first save creates the row."""
    a = AssignmentFactory(round=cast.a.round)
    client.force_login(cast.a.municipal_coordinator)
    url = sub_url("submission_detail", a, cast.a.participant)
    response = client.get(url)
    assert response.status_code == 200
    assert not Submission.objects.filter(assignment=a, participant=cast.a.participant).exists()
    client.force_login(cast.a.regional_coordinator)
    assert client.get(url).status_code == 200
    assert client.get(sub_url("file_download", a, cast.a.participant, 1)).status_code == 404
    assert not Submission.objects.exists()
