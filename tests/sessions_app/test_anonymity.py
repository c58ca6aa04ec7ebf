"""The anonymity boundary (sessions_app.anonymity): the small-cell rule, complementary suppression, and that
every page, trend, national figure and export takes its numbers from it.

The attack these tests make: a samling where only four people answered is hidden on its own page; then the
curious organiser or national lead looks for it in every other number — the round's trend and total, the
region's and the country's shared core, the exports — and tries "total minus the shown samlinger"."""

from __future__ import annotations

import inspect
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sessions_app import anonymity, evaluations
from sessions_app.models import EvaluationInvite, EvaluationResponse

from ..sessions_app.factories import GatheringFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]

ROOT = Path(__file__).resolve().parent.parent.parent


# --- The rules ------------------------------------------------------------------------------------------

def test_leaf_below_k_is_hidden_and_says_answers_were_left_out():
    assert anonymity.leaf([1, 2, 1]).hidden and anonymity.leaf([1, 2, 1]).left_out
    shown = anonymity.leaf([1, 2, 2])
    assert (shown.n, shown.counts, shown.mean, shown.shares) == (5, (1, 2, 2), 2.2, [20.0, 40.0, 40.0])
    assert anonymity.leaf([0, 0, 0]) == anonymity.EMPTY and not anonymity.EMPTY.left_out


def test_k_is_a_setting(settings):
    settings.ABSOLUTT_EVALUATION_MIN_ANSWERS = 3
    assert not anonymity.leaf([1, 1, 1]).hidden
    settings.ABSOLUTT_EVALUATION_MIN_ANSWERS = 10
    assert anonymity.leaf([3, 3, 3]).hidden


def test_total_is_computed_over_shown_parts_only():
    """A round total with one hidden samling is the shown samling alone: total − shown = nothing."""
    shown, hidden = anonymity.leaf([0, 0, 6]), anonymity.leaf([4, 0, 0])
    t = anonymity.total([shown, hidden])
    assert (t.n, t.counts, t.left_out) == (6, (0, 0, 6), True)
    # two hidden samlinger that would together reach k stay out too: nothing hidden enters a sum
    assert anonymity.total([anonymity.leaf([4, 0, 0]), anonymity.leaf([0, 1, 0])]).hidden
    # totals of totals (regions of rounds) keep the rule
    region = anonymity.total([t, anonymity.total([anonymity.leaf([0, 5, 0])])])
    assert region.counts == (0, 5, 6)


def test_breakdown_hides_the_complement_of_a_single_small_category():
    # one administrative leader among five elected: hiding only them would reveal them as total − elected
    parts = anonymity.breakdown({"elected": [1, 2, 2], "administrative": [1, 0, 0]})
    assert parts["elected"].hidden and parts["administrative"].hidden
    # two small categories that together reach k: both hidden, the big one shown
    parts = anonymity.breakdown({"elected": [2, 2, 2], "administrative": [1, 1, 0], "youth": [0, 1, 2]})
    assert not parts["elected"].hidden and parts["administrative"].hidden and parts["youth"].hidden
    # the smallest shown one is added to the hidden until they hold at least k
    parts = anonymity.breakdown({"a": [5, 0, 0], "b": [0, 6, 0], "c": [0, 0, 2]})
    assert parts["a"].hidden and parts["c"].hidden and not parts["b"].hidden


def test_no_other_module_reads_the_answers():
    """The boundary is the only reader: elsewhere, answers are only ever written (bulk_create)."""
    readers = []
    for path in list(ROOT.glob("*/**/*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "node_modules/", "tests/")) or "/migrations/" in rel:
            continue
        if rel == "sessions_app/anonymity.py":
            continue
        text = path.read_text()
        if rel == "sessions_app/evaluations.py":  # the release moves rows from the pool; it derives no numbers
            text = text.replace(inspect.getsource(evaluations.evaluations_release), "")
        if re.search(r"EvaluationAnswer\.objects\.(?!bulk_create)", text) or re.search(
                r"EvaluationResponse\.objects\.(?!bulk_create)\w+\([^)]*\)\.(values|aggregate|annotate)", text) or \
                re.search(r"\.answers\.(all|filter|values|aggregate)|answers__value|answers__question", text):
            readers.append(rel)
    assert readers == []


# --- A samling with four answers, looked for everywhere -------------------------------------------------

def held(round_, participant, title, attendees, days_ago):
    start = timezone.now() - timedelta(days=days_ago, hours=7)
    g = GatheringFactory(round=round_, title=title, starts_at=start, ends_at=start + timedelta(hours=6),
                         registration_deadline=start - timedelta(days=3))
    for i in range(attendees):
        RegistrationFactory(gathering=g, participant=participant, email=f"{title.lower()}-{i}@k.example".replace(" ", ""),
                            attended=True)
    return g


def answer_all(g, value: int, comment: str, role: str = "elected", *, skipping: int = 0) -> None:
    """Everybody invited to ``g`` answers every question with ``value`` through their own link; the last
    ``skipping`` of them send the form with only their role."""
    invites = list(EvaluationInvite.objects.filter(evaluation__gathering=g).order_by("email"))
    for i, invite in enumerate(invites):
        questions = list(g.evaluation.questions.all())
        data = {"role_category": role}
        for q in questions if i < len(invites) - skipping else []:
            data[f"q{q.pk}"] = str(value)
            data[f"c{q.pk}"] = comment
        c = Client()
        url = reverse("sessions_app:evaluation_answer", args=[invite.token])
        response = c.get(url)
        target = response["Location"] if response.status_code == 302 else url
        assert c.post(target, data).status_code == 200
    evaluations_release()


def evaluations_release() -> None:
    """The beat after the evaluations have closed: every answer released into the results."""
    evaluations.evaluations_release(now=timezone.now() + timedelta(days=60))


@pytest.fixture
def four(cast):
    """Region a's round: S1 with six answers (all "i stor grad"); S2 where five responded but only four
    answered the questions (all "i liten grad" — the only such answers anywhere; answers are released in
    batches of at least five, so four answers to a question is how a small cell arises). Region b's round:
    S3 with five answers (all "i noen grad")."""
    s1 = held(cast.a.round, cast.a.participant, "Samling en", 6, 3)
    s2 = held(cast.a.round, cast.a.participant, "Samling to", 5, 2)
    s3 = held(cast.b.round, cast.b.participant, "Samling tre", 5, 2)
    for g in (s1, s2, s3):
        evaluations.evaluations_due(now=g.ends_at + timedelta(minutes=5))
    answer_all(s1, 3, "Åpen kommentar")
    answer_all(s2, 1, "Hemmelig fra S2", skipping=1)
    answer_all(s3, 2, "")
    return s1, s2, s3


def shown_counts(context_cells) -> list[tuple]:
    return [c.counts for c in context_cells if c is not None and c.counts is not None]


def test_samling_with_four_answers_is_hidden_on_its_page_and_export(four, client, cast):
    s1, s2, s3 = four
    client.force_login(cast.a.regional_coordinator)
    page = client.get(reverse("sessions_app:evaluation_results", args=[s2.pk]))
    assert page.status_code == 200
    assert all(r.cell.hidden for r in page.context["questions"]) and page.context["chart"]["labels"] == []
    body = page.content.decode()
    assert "Hemmelig fra S2" not in body
    csv_body = client.get(reverse("sessions_app:evaluation_export", args=[s2.pk, "csv"])).content.decode("utf-8-sig")
    assert "Hemmelig fra S2" not in csv_body
    wb = load_workbook(io.BytesIO(client.get(reverse("sessions_app:evaluation_export", args=[s2.pk, "xlsx"])).content))
    assert wb.sheetnames == ["Resultater", "Svar", "Forklaring"]
    values = [c for ws in wb.worksheets[:2] for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Hemmelig fra S2" not in values
    assert 1 not in values and 4 not in values  # no answer value and no count from S2


def test_samling_with_four_answers_is_in_no_total_anywhere(four, client, cast):
    """S2's answers are the only "i liten grad" answers in the data: every number shown anywhere has none,
    so no sum or difference of shown numbers can bring them back."""
    s1, s2, s3 = four
    client.force_login(cast.national_lead)
    cells = []
    trend = client.get(reverse("sessions_app:round_evaluations", args=[cast.a.round.pk])).context
    for row in trend["trend"]:
        cells += row["cells"] + [row["total"]]
        assert row["total"].counts == (0, 0, 6)  # the round's mean is S1's alone
    round_page = client.get(reverse("progress:round", args=[cast.a.round.pk])).context["overview"]
    region_page = client.get(reverse("progress:region", args=[cast.a.region.slug])).context["overview"]
    national = client.get(reverse("progress:national")).context["overview"]
    for results in [round_page.core, region_page.core, national.core] + [r.core for r in national.regions] + [
            rr.core for r in national.regions for rr in r.rounds]:
        cells += [r.cell for r in results]
    for g in (s1, s2, s3):
        cells += [r.cell for r in client.get(reverse("sessions_app:evaluation_results", args=[g.pk])).context["questions"]]
    counts = shown_counts(cells)
    assert counts, "something must be shown"
    assert all(c[0] == 0 for c in counts), counts
    assert {r.cell.counts for r in round_page.core} == {(0, 0, 6)}
    assert {r.cell.counts for r in national.core} == {(0, 5, 6)}
    # the XLSX of the national and round pages hold the same numbers: no "i liten grad" share anywhere
    for url in (reverse("progress:national_xlsx"), reverse("progress:round_xlsx", args=[cast.a.round.pk])):
        checked = False
        wb = load_workbook(io.BytesIO(client.get(url).content))
        for name in wb.sheetnames:
            if wb[name]["C2"].value in ("i liten grad", "to a small extent"):  # the shared core's answers
                checked = True
                for row in wb[name].iter_rows(min_row=3, values_only=True):
                    assert row[2] in (0, 0.0, None), (name, row)
        assert checked, wb.sheetnames


def test_answers_column_counts_people_not_answers_times_questions(four, client, cast):
    """The national page's region table: S1's six respondents (S2's four are not in the numbers)."""
    client.force_login(cast.national_lead)
    page = client.get(reverse("progress:national")).context["page"]
    table = page.tables["core_by_region"]
    by_label = {row.cells[0].value: row.cells[-1].value for row in table.rows}
    assert by_label[cast.a.region.name] == 6
    assert by_label[cast.b.region.name] == 5


def answer_with_roles(g, plan):
    """``plan``: per invitation (in e-mail order) the declared role and the answer to the first question."""
    q = g.evaluation.questions.order_by("order", "pk").first()
    for invite, (role, value) in zip(EvaluationInvite.objects.filter(evaluation__gathering=g).order_by("email"), plan,
                                     strict=True):
        c = Client()
        target = c.get(reverse("sessions_app:evaluation_answer", args=[invite.token]))["Location"]
        c.post(target, {"role_category": role, f"q{q.pk}": "" if value is None else str(value)})
    evaluations_release()


def roles_on(g, roles):
    for r, role in zip(g.registrations.order_by("email"), roles, strict=True):
        r.role_category = role
        r.save()


def test_a_role_with_fewer_than_k_respondents_is_not_stored_nor_its_complement(cast, client):
    """Five elected officials and one administrative leader answer: the leader's role would single them out,
    and keeping only "elected" would single them out as the one without — so no role is stored at all."""
    g = held(cast.a.round, cast.a.participant, "Samling roller", 6, 1)
    roles_on(g, ["elected"] * 5 + ["administrative"])
    evaluations.evaluations_due(now=g.ends_at + timedelta(minutes=5))
    answer_with_roles(g, [("elected", 2)] * 5 + [("administrative", 3)])
    assert set(EvaluationResponse.objects.values_list("role_category", flat=True)) == {""}
    client.force_login(cast.a.regional_coordinator)
    ctx = client.get(reverse("sessions_app:evaluation_results", args=[g.pk])).context
    assert ctx["roles"] == [] and ctx["role_rows"] == []  # nothing to split by


def test_role_split_on_the_page_hides_a_small_category_with_its_complement(cast, client):
    """Five and five answered, so both roles are stored; but only one leader answered the first question:
    on the page that question's split is hidden for both (else total − elected = the leader)."""
    g = held(cast.a.round, cast.a.participant, "Samling roller", 10, 1)
    roles_on(g, ["elected"] * 5 + ["administrative"] * 5)
    evaluations.evaluations_due(now=g.ends_at + timedelta(minutes=5))
    answer_with_roles(g, [("elected", 2)] * 5 + [("administrative", 3)] + [("administrative", None)] * 4)
    assert sorted(EvaluationResponse.objects.values_list("role_category", flat=True)) == ["administrative"] * 5 + [
        "elected"] * 5
    client.force_login(cast.a.regional_coordinator)
    ctx = client.get(reverse("sessions_app:evaluation_results", args=[g.pk])).context
    first = ctx["questions"][0]
    assert (first.cell.n, first.cell.counts) == (6, (0, 5, 1))
    assert all(c.hidden for c in first.by_role.values()) and first.by_role
    body = client.get(reverse("sessions_app:evaluation_results", args=[g.pk])).content.decode()
    assert "3,0 (1)" not in body and "2,0 (5)" not in body


def test_no_result_per_municipality(four, client, cast):
    """Answers carry no municipality, and the participant page shows who answered (a count), never what."""
    from sessions_app.models import EvaluationAnswer, EvaluationPending

    for model in (EvaluationResponse, EvaluationAnswer, EvaluationPending):
        targets = {f.related_model._meta.label for f in model._meta.get_fields() if f.is_relation and f.many_to_one}
        assert targets <= {"sessions_app.Evaluation", "sessions_app.EvaluationResponse",
                           "sessions_app.EvaluationQuestion"}, (model, targets)
    client.force_login(cast.national_lead)
    page = client.get(reverse("progress:participant", args=[cast.a.participant.pk])).context["page"]
    assert not any("core" in key for key in page.tables) and not page.charts
    answered = [row.cells[-1].value for row in page.tables["gatherings"].rows]
    assert sorted(answered) == [5, 6]  # how many of its people answered each samling
