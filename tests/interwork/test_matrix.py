"""The tracking matrix: status in words, rates per assignment for the whole round whatever the filter, the
filters, each role's rows, the lists on Min side, and query counts constant from 1x to 10x.
Pages are read in English (source strings), so the checks do not depend on the state of the Norwegian
catalogue."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from interwork import selectors
from interwork.models import Extension, Submission

from ..factories import (
    ParticipantFactory,
    RegionFactory,
    RoundFactory,
    UserFactory,
)
from ..interwork.factories import (
    AssignmentFactory,
    Board,
    cells_of,
    deliver,
    hour,
    make_board,
    page,
    page_text,
    submission,
)
from ..sessions_app.factories import GatheringFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "mfa_relaxed")]


# --- The tracking matrix --------------------------------------------------------------------------

@pytest.fixture
def board(db, media) -> Board:
    return make_board()


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
