"""Factories and helpers for the mellomarbeid (interwork) tests."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factory.django import DjangoModelFactory

from interwork import services
from interwork.models import Assignment, Phase, Submission, SubmissionFile

from ..factories import MunicipalityFactory, ParticipantFactory, RegionFactory, RoundFactory, UserFactory

OSLO = ZoneInfo("Europe/Oslo")


def oslo(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=OSLO)


def hour(days: float = 0) -> datetime:
    """``days`` from now, to the whole minute (as the web form would give)."""
    return (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)


@contextmanager
def frozen(when: datetime):
    """``timezone.now()`` returns ``when`` inside the block (for lateness and cut-offs, without sleeping)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


class AssignmentFactory(DjangoModelFactory):
    """Open for a week already, due in a week, no cut-off."""

    class Meta:
        model = Assignment

    round = factory.SubFactory(RoundFactory)
    title = factory.Sequence(lambda n: f"Oppgave {n}")
    instructions = "Skriv **kort** om kommunens ståsted."
    phase = Phase.CURRENT_SITUATION
    opens_at = factory.LazyFunction(lambda: hour(-7))
    due_at = factory.LazyFunction(lambda: hour(7))


def pdf(name: str = "plan.pdf", body: bytes = b"%PDF-1.4 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def submission(assignment, participant) -> Submission:
    return services.submission_for(assignment=assignment, participant=participant)


def write(sub: Submission, text: str, user, contributors=None) -> Submission:
    sub.refresh_from_db()
    return services.draft_save(submission=sub, text=text, base_revision=sub.draft_revision, by_user=user,
                               contributors=contributors)


def deliver(sub: Submission, text: str, user, contributors=None):
    """Save ``text`` as the draft and deliver it; returns the version."""
    write(sub, text, user, contributors)
    return services.submission_deliver(submission=sub, by_user=user)


# --- URLs and pages -------------------------------------------------------------------------------

def sub_url(name: str, assignment, participant, *extra) -> str:
    return reverse(f"interwork:{name}", args=[assignment.pk, participant.pk, *extra])


def page(response) -> str:
    return html.unescape(response.content.decode())


def base_revision(body: str) -> int:
    match = re.search(r'name="base_revision" value="(\d+)"', body) or re.search(
        r'value="(\d+)"[^>]*name="base_revision"', body)
    assert match, "no base_revision in the draft form"
    return int(match.group(1))


def editor_data(client, assignment, participant, **changes) -> dict:
    """What the editor's form sends, as the page shows it now (text, revision, ticked contributors)."""
    raw = client.get(sub_url("submission_detail", assignment, participant)).content.decode()
    data = {"text": textarea(raw), "base_revision": base_revision(raw),
            "contributors": [re.search(r'value="(\d+)"', tag).group(1)
                             for tag in re.findall(r'<input[^>]*name="contributors"[^>]*>', raw) if " checked" in tag]}
    data.update(changes)
    return data


def deliver_from_page(client, assignment, participant, **changes):
    """Press "Deliver" in the editor as it is shown (optionally after typing ``changes``)."""
    return client.post(sub_url("deliver", assignment, participant),
                       editor_data(client, assignment, participant, **changes), follow=True)


def textarea(body: str, name: str = "text") -> str:
    """The text in a textarea of a raw (not yet unescaped) page."""
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', body, re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip("\r\n")


# --- Files, times, clients and the scene of the submission tests ------------------------------------

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


def fresh(sub: Submission) -> Submission:
    return Submission.objects.get(pk=sub.pk)


def page_text(fragment: str) -> str:
    """HTML as the words a screen reader would say, in one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def cells_of(raw: str, name: str) -> list[str]:
    match = re.search(rf">{re.escape(name)}</a></th>(.*?)</tr>", raw, re.S)
    assert match, f"no row for {name}"
    return [page_text(td) for td in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


# --- A small hand-made round for the matrix, its rates and the exports ------------------------------

@dataclass
class Board:
    round: object
    rc: object
    people: dict  # name -> participant
    a1: object  # due five days ago
    a2: object  # due in five days


def make_board() -> Board:
    """A hand-made round: four participants, two assignments.

    A1 (due five days ago): Aukra delivered on time and approved; Bud delivered late; Eide delivered on time,
    was returned and is revising (overdue again); Fræna did not start (overdue).
    A2 (due in five days): Aukra delivered (awaiting review); Bud has an extension; Eide and Fræna nothing.
    """
    round_ = RoundFactory(region=RegionFactory(), title="ABSOLUTT Matrise")
    rc = UserFactory(email="rc-matrix@test.example", is_staff=True)
    round_.regional_coordinators.add(rc)
    people = {}
    for name in ("Aukra", "Bud", "Eide", "Fræna"):
        coordinator = UserFactory(email=f"mc-{name.lower()}@test.example")
        people[name] = ParticipantFactory(round=round_, municipality=MunicipalityFactory(name=name), coordinator=coordinator)
    a1 = AssignmentFactory(round=round_, title="Ståsted", opens_at=hour(-20), due_at=hour(-5))
    a2 = AssignmentFactory(round=round_, title="Fremtidsbilde", opens_at=hour(-3), due_at=hour(5))
    before_due = a1.due_at - timedelta(days=1)

    def mc(name):
        return people[name].coordinator

    with frozen(before_due):
        s = submission(a1, people["Aukra"])
        deliver(s, "Aukra ståsted", mc("Aukra"))
        services.submission_approve(submission=s, by_user=rc)
        s = submission(a1, people["Eide"])
        deliver(s, "Eide ståsted", mc("Eide"))
    services.submission_return(submission=s, by_user=rc, comment="Mer data")
    deliver(submission(a1, people["Bud"]), "Bud ståsted", mc("Bud"))
    deliver(submission(a2, people["Aukra"]), "Aukra fremtid", mc("Aukra"))
    services.extension_grant(submission=submission(a2, people["Bud"]), new_due_at=hour(9), reason="Valg", by_user=rc)
    return Board(round_, rc, people, a1, a2)
