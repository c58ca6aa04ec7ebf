"""The national view and its drill-down: measures computed right on a small hand-made data set, who may see
which page, the XLSX exports, a constant number of queries from 1× to 10× data, and the national data
generator."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from absolutt.accounts.models import User
from interwork.models import Submission
from municipalities.models import CoreGroupMember, Participant, RoleCategory
from programmes.models import Round
from progress import national_data
from progress import overview as progress
from sessions_app import evaluations
from sessions_app.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationInvite,
    EvaluationQuestion,
    EvaluationResponse,
    Gathering,
)

from ..factories import (
    CoreGroupMemberFactory,
    MunicipalityFactory,
    ParticipantFactory,
    RegionFactory,
    RoundFactory,
    UserFactory,
)
from ..interwork.factories import AssignmentFactory, hour
from ..sessions_app.factories import GatheringFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]

E, A, Y, S = RoleCategory.ELECTED, RoleCategory.ADMINISTRATIVE, RoleCategory.YOUTH, RoleCategory.SERVICE_LEADER
R = progress.Reason


# --- A small hand-made programme -------------------------------------------------------------------------

@dataclass
class Programme:
    round: Round
    other_round: Round
    p: dict  # name -> participant
    g: dict  # name -> gathering
    a: dict  # name -> assignment


def held_gathering(round_, title, days_ago, kind=Gathering.Kind.JOINT):
    start = timezone.now() - timedelta(days=days_ago)
    return GatheringFactory(round=round_, title=title, kind=kind, starts_at=start, ends_at=start + timedelta(hours=6),
                            registration_deadline=start - timedelta(days=7))


def register(g, p, n=1, *, attended=None, status="registered"):
    return [RegistrationFactory(gathering=g, participant=p, attended=attended, status=status) for _ in range(n)]


def sub(a, p, status, *, delivered=None, late=None, extended=None):
    return Submission.objects.create(assignment=a, participant=p, status=status, last_delivered_at=delivered,
                                     first_delivered_late=late, extended_due_at=extended)


def answers(ev, key, values, *, core=True):
    q = EvaluationQuestion.objects.create(evaluation=ev, is_core=core, core_key=key, text=f"Spørsmål {key}")
    for v in values:
        EvaluationAnswer.objects.create(response=EvaluationResponse.objects.create(evaluation=ev, role_category="other"),
                                        question=q, value=v)


def invite(ev, registration, answered):
    return EvaluationInvite.objects.create(
        evaluation=ev, registration=registration, name="x",
        email=registration.email if registration else f"gone{ev.pk}@k.example",
        answered_on=timezone.localdate() if answered else None)


@pytest.fixture
def programme(db) -> Programme:
    """Four participants in one running round, and a completed round in another region.

    Core groups: Aukra complete; Bud without youth; Eide without a folkevalgt; Fræna whose only
    administrative leader is inactive.
    Samlinger: G1 (fellessamling, 60 days ago), G2 (koordinatorsamling, 30 days ago), G3 (fellessamling, 10
    days ago, the last one with attendance taken), G4 (fellessamling 2 days ago, attendance not taken yet),
    G5 (coming).
    Assignments A1–A3 due 50, 20 and 5 days ago, A4 due in 10 days.
    """
    round_ = RoundFactory(region=RegionFactory(name="Møre og Romsdal", slug="mr"), title="ABSOLUTT MR")
    p = {name: ParticipantFactory(round=round_, municipality=MunicipalityFactory(name=name))
         for name in ("Aukra", "Bud", "Eide", "Fræna")}
    for name, cats in {"Aukra": [E, A, Y, S], "Bud": [E, A], "Eide": [A, S], "Fræna": [E]}.items():
        for c in cats:
            CoreGroupMemberFactory(participant=p[name], role_category=c)
    CoreGroupMemberFactory(participant=p["Fræna"], role_category=A, is_active=False)

    g = {"G1": held_gathering(round_, "Fellessamling 1", 60),
         "G2": held_gathering(round_, "Koordinatorsamling", 30, Gathering.Kind.COORDINATORS),
         "G3": held_gathering(round_, "Fellessamling 2", 10),
         "G4": held_gathering(round_, "Fellessamling 3", 2),
         "G5": GatheringFactory(round=round_, title="Erfaringssamling", kind=Gathering.Kind.CLOSING)}
    # G1: 6 registered, 5 present; a cancelled and a waiting one do not count.
    g1 = {"Aukra": register(g["G1"], p["Aukra"], 2, attended=True),
          "Bud": register(g["G1"], p["Bud"], attended=True) + register(g["G1"], p["Bud"], attended=False),
          "Eide": register(g["G1"], p["Eide"], attended=True),
          "Fræna": register(g["G1"], p["Fræna"], attended=True)}
    register(g["G1"], p["Aukra"], status="cancelled")
    register(g["G1"], p["Bud"], status="waiting")
    # G2: 2 registered, 1 present (the other never checked in).
    register(g["G2"], p["Aukra"], attended=True)
    register(g["G2"], p["Bud"])
    # G3: 4 registered, 2 present; Eide absent; Fræna registered nobody.
    g3 = {"Aukra": register(g["G3"], p["Aukra"], attended=True) + register(g["G3"], p["Aukra"], attended=False),
          "Bud": register(g["G3"], p["Bud"], attended=True)}
    register(g["G3"], p["Eide"], attended=False)
    # G4: attendance not taken yet: left out of the attendance rate, and not "the last fellessamling".
    register(g["G4"], p["Aukra"], 3)

    a = {"A1": AssignmentFactory(round=round_, title="A1", opens_at=hour(-80), due_at=hour(-50)),
         "A2": AssignmentFactory(round=round_, title="A2", opens_at=hour(-49), due_at=hour(-20)),
         "A3": AssignmentFactory(round=round_, title="A3", opens_at=hour(-19), due_at=hour(-5)),
         "A4": AssignmentFactory(round=round_, title="A4", opens_at=hour(-4), due_at=hour(10))}
    st = Submission.Status

    def on_time(x):
        return a[x].due_at - timedelta(days=1)

    def late(x):
        return a[x].due_at + timedelta(days=1)

    # Aukra: everything delivered, A2 late.
    sub(a["A1"], p["Aukra"], st.APPROVED, delivered=on_time("A1"), late=False)
    sub(a["A2"], p["Aukra"], st.DELIVERED, delivered=late("A2"), late=True)
    sub(a["A3"], p["Aukra"], st.DELIVERED, delivered=on_time("A3"), late=False)
    sub(a["A4"], p["Aukra"], st.DELIVERED, delivered=on_time("A4"), late=False)
    # Bud: A1 on time; A2 nothing at all, A3 a draft: two missed in a row.
    sub(a["A1"], p["Bud"], st.DELIVERED, delivered=on_time("A1"), late=False)
    sub(a["A3"], p["Bud"], st.DRAFT)
    # Eide: A1 nothing, A2 late, A3 not started but with an extension that is still running.
    sub(a["A2"], p["Eide"], st.DELIVERED, delivered=late("A2"), late=True)
    sub(a["A3"], p["Eide"], st.NOT_STARTED, extended=hour(3))
    # Fræna: A1 delivered on time and returned for revision (overdue again), A2 on time, A3 nothing.
    sub(a["A1"], p["Fræna"], st.RETURNED, delivered=on_time("A1"), late=False)
    sub(a["A2"], p["Fræna"], st.APPROVED, delivered=on_time("A2"), late=False)

    evaluations.core_questions()
    ev1 = Evaluation.objects.create(gathering=g["G1"], sent_at=g["G1"].ends_at)
    ev3 = Evaluation.objects.create(gathering=g["G3"], sent_at=g["G3"].ends_at)
    # invitations: 8, answered 5 (one whose registration has gone).
    for r in g1["Aukra"]:
        invite(ev1, r, True)
    invite(ev1, g1["Bud"][0], True)
    invite(ev1, g1["Eide"][0], False)
    invite(ev1, g1["Fræna"][0], False)
    invite(ev3, g3["Aukra"][0], True)
    invite(ev3, g3["Bud"][0], False)
    invite(ev3, None, True)
    answers(ev1, "relevans", [1, 2, 2, 3, 3])
    answers(ev1, "handlingsrom", [3, 3, 2, 2])  # four answers: hidden in the round
    answers(ev3, "lokal", [3] * 6, core=False)  # not in the shared core

    other = RoundFactory(region=RegionFactory(name="Agder", slug="agder"), title="ABSOLUTT Agder",
                         status=Round.Status.COMPLETED)
    lonely = ParticipantFactory(round=other)  # no core group at all
    ev_other = Evaluation.objects.create(gathering=held_gathering(other, "Fellessamling 1", 400))
    answers(ev_other, "handlingsrom", [1])  # with the four above: five in the whole country
    assert not CoreGroupMember.objects.filter(participant=lonely).exists()
    return Programme(round_, other, p, g, a)


# --- Measures -------------------------------------------------------------------------------------------

def test_round_measures_on_a_hand_made_round(programme):
    m = progress.round_overview(programme.round).measures
    assert (m.participants, m.with_elected, m.with_administrative, m.with_youth) == (4, 3, 3, 1)
    assert (m.elected_share, m.administrative_share, m.youth_share) == (75.0, 75.0, 25.0)
    assert (m.gatherings_held, m.gatherings_coming) == (4, 1)
    assert (m.registered, m.attended, m.attendance_rate) == (12, 8, 66.7)
    assert (m.due_slots, m.delivered_due, m.delivery_rate) == (12, 7, 58.3)
    assert (m.delivered, m.delivered_on_time, m.on_time_rate) == (8, 6, 75.0)
    assert m.overdue == 5
    assert (m.invites, m.answered, m.response_rate) == (8, 5, 62.5)


def test_participant_measures_and_reasons(programme):
    rows = {row.participant.name: row for row in progress.round_overview(programme.round).participants}
    aukra, bud, eide, fraena = (rows[n].measures for n in ("Aukra", "Bud", "Eide", "Fræna"))
    assert (aukra.delivery_rate, aukra.on_time_rate, aukra.overdue) == (100.0, 75.0, 0)
    assert (bud.delivery_rate, bud.on_time_rate, bud.overdue) == (33.3, 100.0, 2)
    assert (eide.delivery_rate, eide.on_time_rate, eide.overdue) == (33.3, 0.0, 1)
    assert (fraena.delivery_rate, fraena.on_time_rate, fraena.overdue) == (66.7, 100.0, 2)
    assert (aukra.response_rate, bud.response_rate, eide.response_rate, fraena.response_rate) == (100.0, 50.0, 0.0, 0.0)
    assert (aukra.registered, aukra.attended) == (5, 4)  # G4 (attendance not taken) is left out
    assert {n: r.at_risk for n, r in rows.items()} == {
        "Aukra": [], "Bud": [R.MISSED_TWO], "Eide": [R.NO_ELECTED, R.NOBODY_AT_LAST],
        "Fræna": [R.NO_ADMINISTRATIVE, R.NOBODY_AT_LAST]}
    assert (rows["Bud"].has_youth, rows["Aukra"].has_youth) == (False, True)


def test_participants_at_risk_with_reasons(programme):
    at_risk = progress.participants_at_risk(Round.objects.filter(pk=programme.round.pk))
    assert [(a.participant.name, a.reasons) for a in at_risk] == [
        ("Eide", [R.NO_ELECTED, R.NOBODY_AT_LAST]),
        ("Fræna", [R.NO_ADMINISTRATIVE, R.NOBODY_AT_LAST]),
        ("Bud", [R.MISSED_TWO]),
    ]
    assert at_risk[0].last_fellessamling == programme.g["G3"]
    assert "Fellessamling 2" in at_risk[0].reason_labels[1]


def test_completed_rounds_are_left_out_of_the_national_at_risk_list(programme):
    everyone = progress.participants_at_risk(Round.objects.all())
    assert any(a.round == programme.other_round for a in everyone)
    national = progress.national_overview().at_risk
    assert {a.participant.name for a in national} == {"Bud", "Eide", "Fræna"}


def test_two_missed_in_a_row_needs_them_to_be_consecutive(programme):
    p = programme.p["Aukra"]
    Submission.objects.filter(participant=p, assignment__in=[programme.a["A1"], programme.a["A3"]]).delete()
    assert progress.participant_overview(p).at_risk == []  # A1 and A3 missed, A2 delivered between them
    Submission.objects.filter(participant=p, assignment=programme.a["A2"]).update(
        status=Submission.Status.DRAFT, last_delivered_at=None, first_delivered_late=None)
    assert progress.participant_overview(p).at_risk == [R.MISSED_TWO]


def test_samling_and_assignment_rows(programme):
    o = progress.round_overview(programme.round)
    g = {row.gathering.title: row for row in o.gatherings}
    assert (g["Fellessamling 1"].registered, g["Fellessamling 1"].waiting, g["Fellessamling 1"].attended) == (6, 1, 5)
    assert g["Fellessamling 1"].attendance_rate == 83.3
    assert (g["Fellessamling 1"].invites, g["Fellessamling 1"].answered, g["Fellessamling 1"].response_rate) == (5, 3, 60.0)
    assert g["Fellessamling 3"].held and not g["Fellessamling 3"].attendance_taken
    assert g["Fellessamling 3"].attendance_rate is None
    assert not g["Erfaringssamling"].held
    a = {row.assignment.title: row for row in o.assignments}
    assert (a["A1"].delivered, a["A1"].delivery_rate, a["A1"].on_time_rate, a["A1"].overdue) == (3, 75.0, 100.0, 2)
    assert (a["A2"].delivered, a["A2"].delivery_rate, a["A2"].on_time_rate, a["A2"].overdue) == (3, 75.0, 33.3, 1)
    assert (a["A3"].delivered, a["A3"].delivery_rate, a["A3"].overdue) == (1, 25.0, 2)
    assert (a["A4"].is_due, a["A4"].delivery_rate, a["A4"].on_time_rate) == (False, None, 100.0)


def test_shared_core_hides_small_cells_at_each_level(programme):
    o = progress.national_overview()
    by_region = {r.region.slug: {c.key: c for c in r.core} for r in o.regions}
    mr = by_region["mr"]
    assert (mr["relevans"].n, mr["relevans"].counts, mr["relevans"].mean) == (5, [1, 2, 2], 2.2)
    assert mr["relevans"].shares == [20.0, 40.0, 40.0]
    assert (mr["handlingsrom"].n, mr["handlingsrom"].counts, mr["handlingsrom"].mean) == (0, None, None)
    assert mr["handlingsrom"].left_out
    assert by_region["agder"]["handlingsrom"].hidden
    national = {c.key: c for c in o.core}
    # Four hidden answers in one region and one in the other: together five, but a total is made only of
    # shown samlinger (complementary suppression), so the country hides it too — else "country minus the
    # other region's shown samlinger" would give a hidden one back.
    assert (national["handlingsrom"].n, national["handlingsrom"].counts, national["handlingsrom"].mean) == (0, None, None)
    assert national["handlingsrom"].left_out
    assert (national["relevans"].n, national["relevans"].counts) == (5, [1, 2, 2])
    assert "lokal" not in national  # questions outside the shared core are not counted
    assert [k for k, _t in o.core_keys] == [k for k, _t in evaluations.CORE_QUESTIONS]


def test_national_totals_are_the_sum_of_the_regions(programme):
    o = progress.national_overview()
    assert [r.region.name for r in o.regions] == ["Agder", "Møre og Romsdal"]
    assert o.measures.participants == 5
    assert o.measures.with_elected == 3
    assert o.measures.elected_share == 60.0
    assert o.measures.gatherings_held == 5
    assert o.measures.delivery_rate == 58.3  # the completed round has no assignments
    region = progress.region_overview(programme.round.region, Round.objects.all())
    assert region.measures == progress.round_overview(programme.round).measures


# --- Pages and permissions --------------------------------------------------------------------------------

def pages(cast):
    return {
        "national": reverse("progress:national"),
        "national_xlsx": reverse("progress:national_xlsx"),
        "region_a": reverse("progress:region", args=[cast.a.region.slug]),
        "region_a_xlsx": reverse("progress:region_xlsx", args=[cast.a.region.slug]),
        "round_a": reverse("progress:round", args=[cast.a.round.pk]),
        "round_a_xlsx": reverse("progress:round_xlsx", args=[cast.a.round.pk]),
        "round_b": reverse("progress:round", args=[cast.b.round.pk]),
        "participant_a": reverse("progress:participant", args=[cast.a.participant.pk]),
        "participant_a_xlsx": reverse("progress:participant_xlsx", args=[cast.a.participant.pk]),
        "other_participant_a": reverse("progress:participant", args=[cast.a.other_participant.pk]),
        "participant_b": reverse("progress:participant", args=[cast.b.participant.pk]),
    }


ALL = {"national", "national_xlsx", "region_a", "region_a_xlsx", "round_a", "round_a_xlsx", "round_b",
       "participant_a", "participant_a_xlsx", "other_participant_a", "participant_b"}
ROUND_A = {"round_a", "round_a_xlsx", "participant_a", "participant_a_xlsx", "other_participant_a"}
MATRIX = {
    "national_lead": ALL,
    "regional_coordinator": ROUND_A,
    "competence_partner": ROUND_A,
    "municipal_coordinator": {"participant_a", "participant_a_xlsx"},
    "core_group_member": set(),
    "outsider": set(),
}


# Pages about something the person can see, that their role does not open: 403. Pages about something out of
# their sight: 404 (absolutt/access.py). The national pages are about no one object: 403 for everybody else.
NATIONAL = {"national", "national_xlsx"}
FORBIDDEN = {
    "national_lead": set(),
    "regional_coordinator": NATIONAL | {"region_a", "region_a_xlsx"},
    "competence_partner": NATIONAL | {"region_a", "region_a_xlsx"},
    "municipal_coordinator": NATIONAL | {"region_a", "region_a_xlsx", "round_a", "round_a_xlsx"},
    "core_group_member": NATIONAL | {"region_a", "region_a_xlsx", "round_a", "round_a_xlsx", "participant_a",
                                     "participant_a_xlsx"},
    "outsider": NATIONAL,
}


def who(cast, role):
    if role in ("national_lead", "outsider"):
        return getattr(cast, role)
    return getattr(cast.a, role)


@pytest.mark.parametrize("role", list(MATRIX))
def test_who_sees_which_progress_page(client, cast, role):
    client.force_login(who(cast, role))
    got = {name: client.get(url).status_code for name, url in pages(cast).items()}
    expected = {name: 200 if name in MATRIX[role] else 403 if name in FORBIDDEN[role] else 404 for name in got}
    assert got == expected


def test_regional_coordinator_sees_only_their_rounds_page(client, cast):
    client.force_login(cast.a.regional_coordinator)
    assert client.get(reverse("progress:round", args=[cast.a.round.pk])).status_code == 200
    assert client.get(reverse("progress:round", args=[cast.b.round.pk])).status_code == 404
    assert client.get(reverse("progress:national")).status_code == 403
    assert client.get(reverse("progress:region", args=[cast.a.region.slug])).status_code == 403
    assert client.get(reverse("progress:region", args=[cast.b.region.slug])).status_code == 404


def test_anonymous_is_sent_to_login_and_post_is_refused(client, cast):
    url = reverse("progress:national")
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(cast.national_lead)
    assert client.post(url).status_code == 405


def test_pages_show_charts_with_tables_and_drill_down_links(client, programme):
    client.force_login(UserFactory(is_national_lead=True, is_staff=True))
    body = client.get(reverse("progress:national")).content.decode()
    assert 'role="img"' in body and "aria-label=" in body
    assert 'id="chart-rates-data" type="application/json"' in body
    assert "<script>" not in body.replace("<script src", "")  # no inline script (CSP)
    assert body.count("<caption ") == 6 and 'scope="row"' in body  # with the end-of-round survey and 'scope="col"' in body
    assert reverse("progress:region", args=["mr"]) in body
    assert reverse("progress:round", args=[programme.round.pk]) in body
    assert reverse("progress:participant", args=[programme.p["Eide"].pk]) in body  # at risk
    body = client.get(reverse("progress:round", args=[programme.round.pk])).content.decode()
    assert reverse("progress:participant", args=[programme.p["Bud"].pk]) in body
    assert 'id="chart-assignments-data"' in body and 'id="chart-gatherings-data"' in body
    assert client.get(reverse("progress:participant", args=[programme.p["Bud"].pk])).status_code == 200


def test_xlsx_has_every_table_of_the_page(client, programme):
    client.force_login(UserFactory(is_national_lead=True, is_staff=True))
    response = client.get(reverse("progress:national_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 6
    regions = wb[wb.sheetnames[0]]
    rows = list(regions.iter_rows(min_row=2, values_only=True))
    data = {r[0]: r for r in rows[1:]}
    delivery = 7  # region, participants, folkevalgt, youth, held, coming, attendance, delivered
    assert data["Møre og Romsdal"][delivery] == 0.583  # a number, not text: a percentage shown as 58.3 %
    cell = next(c for c in regions.iter_rows(min_row=3) if c[0].value == "Møre og Romsdal")[delivery]
    assert cell.number_format == "0.0%"
    assert regions.freeze_panes == "B3" and all(c.font.bold for c in regions[2] if c.value)
    assert data["Agder"][delivery] is None

    response = client.get(reverse("progress:round_xlsx", args=[programme.round.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 6
    names = {r[0] for ws in wb for r in ws.iter_rows(min_row=3, values_only=True)}
    assert {"Aukra", "Bud", "Eide", "Fræna", "A1", "Fellessamling 1"} <= names
    wb = load_workbook(io.BytesIO(client.get(reverse("progress:participant_xlsx", args=[programme.p["Eide"].pk])).content))
    assert len(wb.sheetnames) == 5


# --- A constant number of queries from 1× to 10× -------------------------------------------------------------

def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def hot_pages() -> dict[str, str]:
    round_ = (national_data.generated_rounds().filter(status=Round.Status.RUNNING)
              .annotate(n=Count("participants")).order_by("-n", "pk").first())
    gathering = Gathering.objects.filter(round=round_, evaluation__isnull=False).order_by("starts_at").first()
    participant = round_.participants.filter(submissions__isnull=False).order_by("pk").first()
    region = round_.region
    return {
        "national": reverse("progress:national"),
        "national_xlsx": reverse("progress:national_xlsx"),
        "region": reverse("progress:region", args=[region.slug]),
        "round": reverse("progress:round", args=[round_.pk]),
        "participant": reverse("progress:participant", args=[participant.pk]),
        "evaluation_results": reverse("sessions_app:evaluation_results", args=[gathering.pk]),
    }


@pytest.fixture
def shared_data():
    """The generator reads the 357 municipalities from the register snapshot shipped with the project."""
    path = national_data.default_csv_dir() / "kommuner-2024.csv"
    assert path.exists(), f"the national data generator needs {path}"


@pytest.mark.usefixtures("shared_data")
def test_query_count_constant_from_1x_to_10x(client):
    lead = UserFactory(email="lead@test.example", is_national_lead=True, is_staff=True)
    client.force_login(lead)
    national_data.generate(scale=0.01, seed=7)
    small_n = Participant.objects.count()
    small = {name: count_queries(client, url) for name, url in hot_pages().items()}
    national_data.generate(scale=0.6, seed=7, reset_first=True)
    big_n = Participant.objects.count()
    large = {name: count_queries(client, url) for name, url in hot_pages().items()}
    assert big_n >= 10 * small_n
    assert small == large, f"{small} at 1×, {large} at 10×"


# --- The generator ------------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("shared_data")
def test_generator_makes_the_national_shape_quickly():
    started = time.perf_counter()
    report = national_data.generate(scale=0.05, seed=3)
    seconds = time.perf_counter() - started
    assert seconds < 30
    rounds = national_data.generated_rounds()
    assert rounds.values("region").distinct().count() == 11
    assert rounds.count() == 22
    assert set(rounds.values_list("status", flat=True)) == {Round.Status.COMPLETED, Round.Status.RUNNING}
    assert {r.n for r in rounds.annotate(n=Count("gatherings"))} == {5}
    assert {r.n for r in rounds.annotate(n=Count("assignments"))} == {6}
    assert {p.n for p in Participant.objects.annotate(n=Count("core_group"))} == {10}
    assert set(Submission.objects.values_list("status", flat=True)) == set(Submission.Status.values)
    assert Submission.objects.filter(extended_due_at__isnull=False).exists()
    assert Submission.objects.filter(first_delivered_late=True).exists()
    assert EvaluationAnswer.objects.filter(question__is_core=True).exists()
    assert report.counts["participants"] == Participant.objects.count()
    o = progress.national_overview()
    assert len(o.regions) == 11 and o.measures.participants == Participant.objects.count()
    assert o.measures.gatherings_held and o.measures.gatherings_coming and o.at_risk


@pytest.mark.usefixtures("shared_data")
def test_generator_refuses_twice_and_resets(settings):
    out = io.StringIO()
    call_command("generate_national_data", "--scale", "0.01", "--force", stdout=out)
    assert "participants" in out.getvalue()
    n = Participant.objects.count()
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_national_data", "--scale", "0.01", "--force")
    call_command("generate_national_data", "--scale", "0.01", "--force", "--reset", stdout=io.StringIO())
    assert Participant.objects.count() == n
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_national_data", "--scale", "0.01", "--reset")
    call_command("generate_national_data", "--delete", "--force", stdout=io.StringIO())
    assert not national_data.exists() and not User.objects.filter(email__endswith=national_data.EMAIL_DOMAIN).exists()


def test_a_progress_table_is_escaped_and_says_when_it_is_empty():
    from progress.views import Cell, Column, Table

    t = Table("t<1>", "Tittel", 'Om "dette" & det', [Column("Navn"), Column("Antall", "int")], empty="Ingenting <ennå>")
    assert 'aria-labelledby="caption-t&lt;1&gt;"' in t.html() and "Om &quot;dette&quot; &amp; det" in t.html()
    assert '<tr><td colspan="2">Ingenting &lt;ennå&gt;</td></tr>' in t.html()
    t.add(["<b>Aukra</b>", 1200], href="/x?a=1&b=2")
    t.add([Cell(None, "Sum"), 1200], total=True)
    html = t.html()
    assert '<th scope="row" class="fw-normal"><a href="/x?a=1&amp;b=2">&lt;b&gt;Aukra&lt;/b&gt;</a></th>' in html
    assert '<td class="text-end text-nowrap">1' in html and '<tr class="table-light fw-semibold"><th scope="row">Sum</th>' in html
    assert "Ingenting" not in html
