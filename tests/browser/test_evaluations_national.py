"""Evaluations and the national view in the browser: an attendee answers the evaluation from the personal
link in the e-mail (also on a phone); the regional coordinator sees the results as a Chart.js chart with the
same numbers in a table and small cells hidden; the national lead drills down from the national page to a
region, a round and a participant by following links, each page with its measures and charts with tables."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from absolutt.notifications.models import OutgoingEmail
from interwork.models import Submission
from municipalities.models import RoleCategory
from programmes.models import Round
from sessions_app import evaluations
from sessions_app.models import EvaluationInvite, EvaluationPending, EvaluationResponse, Gathering
from tests.factories import (
    CoreGroupMemberFactory,
    MunicipalityFactory,
    ParticipantFactory,
    RegionFactory,
    RoundFactory,
    UserFactory,
)
from tests.interwork.factories import AssignmentFactory, hour
from tests.sessions_app.factories import GatheringFactory, RegistrationFactory

from .conftest import PHONE, axe_check, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]

ANY = re.compile(r".+")  # a cell whose exact text the test does not care about


def nb(message, **values) -> str:
    """A string as the page renders it in Norwegian Bokmål (following the compiled catalogue)."""
    with translation.override("nb"):
        text = str(translation.gettext(message) if isinstance(message, str) else message)
    return text % values if values else text


def ended_samling(round_, participant, attendees: int):
    """A samling that ended an hour ago with ``attendees`` people marked present, one registered person
    absent and one cancelled (neither of those two is invited)."""
    start = timezone.now() - timedelta(hours=7)
    g = GatheringFactory(round=round_, title="Fellessamling om ståsted", starts_at=start, ends_at=start + timedelta(hours=6),
                         registration_deadline=start - timedelta(days=3))
    present = [RegistrationFactory(gathering=g, participant=participant, email=f"deltaker{i}@kommune.example",
                                   attended=True) for i in range(attendees)]
    RegistrationFactory(gathering=g, participant=participant, email="borte@kommune.example", attended=False)
    RegistrationFactory(gathering=g, participant=participant, email="avmeldt@kommune.example", attended=True,
                        status="cancelled")
    return g, present


def link_from_email(live_server, email: str) -> str:
    """The personal link in the invitation's text body, moved from SITE_URL to the live server."""
    mail = OutgoingEmail.objects.get(kind="evaluation_invite", to=email)
    links = re.findall(r"https?://\S+", mail.body_text)
    assert len(links) == 1, mail.body_text
    assert links[0].startswith(settings.SITE_URL.rstrip("/") + "/evaluering/"), links[0]
    path = urlsplit(links[0]).path
    assert re.fullmatch(r"/evaluering/[^/]+/", path), path
    return f"{live_server.url}{path}"


def question_group(page, question):
    """The fieldset of one question (its <legend> is the question's text)."""
    return page.locator("main form").get_by_role("group", name=question.text, exact=True)


# --- 1. The attendee answers from the e-mail -------------------------------------------------------------------

@pytest.fixture
def invited(live_cast):
    """A samling in region a that ended an hour ago with two attendees, after the evaluation sweep."""
    g, present = ended_samling(live_cast.a.round, live_cast.a.participant, 2)
    assert evaluations.evaluations_due(now=timezone.now()) == 2
    assert set(OutgoingEmail.objects.filter(kind="evaluation_invite").values_list("to", flat=True)) == {
        r.email for r in present}
    questions = list(g.evaluation.questions.order_by("order", "pk"))
    assert len(questions) == len(evaluations.CORE_QUESTIONS) + len(evaluations.TEMPLATE_QUESTIONS)
    return g, present, questions


def test_attendee_answers_the_evaluation_from_the_email_link(page, live_server, invited):
    g, present, questions = invited
    person = present[0]
    url = link_from_email(live_server, person.email)

    page.goto(url)  # no login: the token in the link is the key
    form_url = f"{live_server.url}/evaluering/"
    expect(page).to_have_url(form_url)  # the link redirects to an address without the token
    expect(page.locator("main h1")).to_have_text(f'{nb("Evaluation")}: {g.title}')
    form = page.locator("main form")
    expect(form.locator("fieldset")).to_have_count(1 + len(questions))
    for q in questions:
        expect(question_group(page, q).get_by_role("radio")).to_have_count(3)
        # "Utdyp", with the question read out too (visually hidden), so each comment box has its own name
        expect(form.locator(f'label[for="id_c{q.pk}"]')).to_have_text(f"{nb('Utdyp')} – {q.text}")
    axe_check(page)

    role = form.get_by_role("group", name=nb("Your role"), exact=True)
    role.get_by_role("radio", name=nb(RoleCategory.ELECTED.label), exact=True).check()
    chosen = {questions[0]: "i stor grad", questions[1]: "i noen grad", questions[2]: "i liten grad"}
    for q, label in chosen.items():
        radio = question_group(page, q).get_by_role("radio", name=nb(label), exact=True)
        radio.check()
        expect(radio).to_be_checked()
    comment = "Fint å høre hvordan andre kommuner jobber – mer tid til gruppearbeid!"
    form.locator(f"#id_c{questions[0].pk}").fill(comment)
    form.get_by_role("button", name=nb("Send my answers")).click()

    status = page.locator("main [role=status]")
    expect(status).to_have_text(nb("Thank you! Your answers are saved anonymously."))
    expect(status).to_have_class(re.compile(r"\balert-success\b"))
    axe_check(page)

    # Stored once, anonymously, in the pending pool; the invitation only knows the date it was answered.
    pending = EvaluationPending.objects.get()
    assert (pending.evaluation, pending.role_category) == (g.evaluation, RoleCategory.ELECTED)
    assert pending.answers == {str(questions[0].pk): [3, comment, []], str(questions[1].pk): [2, "", []],
                               str(questions[2].pk): [1, "", []]}
    invite = EvaluationInvite.objects.get(evaluation=g.evaluation, email=person.email)
    assert invite.answered_on == timezone.localdate()
    assert EvaluationInvite.objects.get(evaluation=g.evaluation, email=present[1].email).answered_on is None

    # The same link again: already answered, no form, nothing more stored.
    page.goto(url)
    expect(page).to_have_url(form_url)
    expect(page.locator("main [role=status]")).to_have_text(nb("You have already answered this evaluation. Thank you!"))
    expect(page.locator("main form")).to_have_count(0)
    axe_check(page)
    assert EvaluationPending.objects.count() == 1
    # One answer is fewer than k: the beat keeps it waiting, and deletes it unreleased when the evaluation closes.
    assert evaluations.evaluations_release(now=timezone.now()) == 0 and EvaluationPending.objects.count() == 1
    assert evaluations.evaluations_release(now=g.evaluation.closes_at) == 0
    assert EvaluationPending.objects.count() == 0 and EvaluationResponse.objects.count() == 0


def test_evaluation_form_is_usable_on_a_phone(phone_page, live_server, invited):
    page = phone_page
    g, present, questions = invited
    url = link_from_email(live_server, present[1].email)
    page.goto(url)
    expect(page.locator("main h1")).to_contain_text(g.title)
    # Nothing wider than the screen: no sideways scrolling to reach the answers.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page)

    form = page.locator("main form")
    role = form.get_by_role("group", name=nb("Your role"), exact=True).get_by_role(
        "radio", name=nb(RoleCategory.ADMINISTRATIVE.label), exact=True)
    role.tap()
    expect(role).to_be_checked()
    for q in questions[:2]:
        radio = question_group(page, q).get_by_role("radio", name=nb("i noen grad"), exact=True)
        radio.tap()
        expect(radio).to_be_checked()
    form.locator(f"#id_c{questions[1].pk}").fill("Nyttig")
    button = form.get_by_role("button", name=nb("Send my answers"))
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 24, box
    button.tap()

    expect(page.locator("main [role=status]")).to_have_text(nb("Thank you! Your answers are saved anonymously."))
    axe_check(page)
    pending = EvaluationPending.objects.get()
    assert pending.role_category == RoleCategory.ADMINISTRATIVE
    assert sorted(tuple(v[:2]) for v in pending.answers.values()) == [(2, ""), (2, "Nyttig")]
    assert EvaluationInvite.objects.get(email=present[1].email).answered_on == timezone.localdate()


# --- 2. The regional coordinator sees the results ----------------------------------------------------------

@pytest.fixture
def answered(live_cast):
    """A samling in region a that ended an hour ago: six invited, five answered. The first question got
    1, 2, 2, 3, 3 (and a comment); the second only four answers (hidden, with its comment); the rest
    "i stor grad"."""
    g, present = ended_samling(live_cast.a.round, live_cast.a.participant, 6)
    assert evaluations.evaluations_due(now=timezone.now()) == 6
    ev = g.evaluation
    questions = list(ev.questions.order_by("order", "pk"))
    first, few, rest = questions[0], questions[1], questions[2:]
    for i, (invite, value) in enumerate(zip(ev.invites.order_by("pk")[:5], [1, 2, 2, 3, 3], strict=True)):
        answers = {first.pk: (value, "Mer tid til gruppearbeid" if i == 0 else ""),
                   few.pk: (3 if i < 4 else None, "Hemmelig kommentar" if i == 0 else "")}
        answers |= {q.pk: (3, "") for q in rest}
        evaluations.evaluation_answer(token=invite.token, role_category=RoleCategory.ELECTED, answers=answers)
    assert evaluations.evaluations_release(now=timezone.now()) == 5  # the beat releases a batch of five
    return g, questions


EVALUATION_CHART_JS = """() => {
  const chart = Chart.getChart(document.getElementById("evaluation-chart"));
  return chart ? {type: chart.config.type, labels: chart.data.labels.length, data: chart.data.datasets.map((d) => d.data),
                  ticks: chart.scales.y.ticks.length, height: chart.height} : null;
}"""


def test_regional_coordinator_sees_the_results_chart_with_small_cells_hidden(page, live_server, live_cast, answered):
    g, questions = answered
    first, rest = questions[0], questions[2:]
    login(page, live_server, live_cast.a.regional_coordinator.email)
    page.goto(f"{live_server.url}{g.get_absolute_url()}")
    results_url = f"/samlinger/{g.pk}/evaluering/"
    page.locator(f'main a[href="{results_url}"]').click()
    expect(page).to_have_url(f"{live_server.url}{results_url}")
    page.wait_for_load_state("load")
    expect(page.locator("main h1")).to_have_text(f'{nb("Evaluation")}: {g.title}')
    expect(page.locator("main p.lead")).to_contain_text(
        nb("%(a)s of %(n)s invited answered (%(r)s %%).", a=5, n=6, r=83))

    chart = page.evaluate(EVALUATION_CHART_JS)
    assert chart is not None, "Chart.js did not draw #evaluation-chart"
    visible = [first] + rest  # the hidden question is not in the chart
    assert chart["type"] == "bar" and chart["labels"] == chart["ticks"] == len(visible)  # every question labelled
    assert [d[0] for d in chart["data"]] == [20, 40, 40]  # shares of the first question
    assert [d[1] for d in chart["data"]] == [0, 0, 100]
    expect(page.locator("#evaluation-chart")).to_have_attribute("role", "img")

    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(len(questions))
    expect(rows.nth(0).locator("td")).to_have_text(["5", "1", "2", "2", "2,2"])
    expect(rows.nth(1).locator("td")).to_have_text(["< 5", nb("Hidden (too few answers)")])
    for i in range(2, len(questions)):
        expect(rows.nth(i).locator("td")).to_have_text(["5", "0", "0", "5", "3,0"])
    # Comments are shown where the question has five answers, not for the hidden one.
    main = page.locator("main")
    expect(main.locator("ul li", has_text="Mer tid til gruppearbeid")).to_have_count(1)
    expect(main).not_to_contain_text("Hemmelig kommentar")
    axe_check(page)


def test_results_page_on_a_phone(phone_page, live_server, live_cast, answered):
    """The same results on a phone: every question still labelled in the chart, the table reachable by
    keyboard when it scrolls sideways, and axe passes."""
    page = phone_page
    g, questions = answered
    login(page, live_server, live_cast.a.regional_coordinator.email)
    page.goto(f"{live_server.url}/samlinger/{g.pk}/evaluering/")
    expect(page.locator("main table tbody tr")).to_have_count(len(questions))
    chart = page.evaluate(EVALUATION_CHART_JS)
    assert chart is not None, "Chart.js did not draw #evaluation-chart"
    problems = []
    if chart["ticks"] < chart["labels"]:
        problems.append(f'the chart is {chart["height"]} px high and labels only {chart["ticks"]} of its '
                        f'{chart["labels"]} questions')
    try:
        axe_check(page)
    except pytest.fail.Exception as exc:
        problems.append(str(exc))
    assert not problems, "\n".join(problems)


# --- 3. The national lead drills down -----------------------------------------------------------------------

@pytest.fixture
def national(transactional_db):
    """Two regions. Møre og Romsdal's running round: Aukra (folkevalgt, administrative, youth) and Bud
    (administrative only). Fellessamling 1 ended yesterday: Aukra 6 registered and present, Bud 2 registered
    and absent; 6 invited to evaluate, 5 answered (the shared core's first question 1, 2, 2, 3, 3; the second
    only four times). Fellessamling 2 is coming. A1 was due 5 days ago (Aukra on time, Bud nothing), A2 is due
    in 10 days. Agder's round: Lillesand (folkevalgt, administrative), nothing else."""
    mr = RoundFactory(region=RegionFactory(name="Møre og Romsdal", slug="more-og-romsdal"),
                      title="ABSOLUTT Møre og Romsdal")
    agder = RoundFactory(region=RegionFactory(name="Agder", slug="agder"), title="ABSOLUTT Agder")
    aukra = ParticipantFactory(round=mr, municipality=MunicipalityFactory(name="Aukra"))
    bud = ParticipantFactory(round=mr, municipality=MunicipalityFactory(name="Bud"))
    lillesand = ParticipantFactory(round=agder, municipality=MunicipalityFactory(name="Lillesand"))
    for p, categories in ((aukra, [RoleCategory.ELECTED, RoleCategory.ADMINISTRATIVE, RoleCategory.YOUTH]),
                          (bud, [RoleCategory.ADMINISTRATIVE]),
                          (lillesand, [RoleCategory.ELECTED, RoleCategory.ADMINISTRATIVE])):
        for c in categories:
            CoreGroupMemberFactory(participant=p, role_category=c)

    start = timezone.now() - timedelta(days=1, hours=6)
    g1 = GatheringFactory(round=mr, title="Fellessamling 1", starts_at=start, ends_at=start + timedelta(hours=6),
                          registration_deadline=start - timedelta(days=7))
    for i in range(6):
        RegistrationFactory(gathering=g1, participant=aukra, email=f"aukra{i}@kommune.example", attended=True)
    for i in range(2):
        RegistrationFactory(gathering=g1, participant=bud, email=f"bud{i}@kommune.example", attended=False)
    g2 = GatheringFactory(round=mr, title="Fellessamling 2", number=2)
    evaluations.evaluations_due(now=timezone.now())
    ev = g1.evaluation
    core = {q.core_key: q for q in ev.questions.filter(is_core=True)}
    for i, (invite, value) in enumerate(zip(ev.invites.order_by("pk")[:5], [1, 2, 2, 3, 3], strict=True)):
        evaluations.evaluation_answer(token=invite.token, role_category=RoleCategory.ELECTED, answers={
            core["kunnskap-praksis"].pk: (value, ""), core["handlingsrom"].pk: (3 if i < 4 else None, "")})
    assert evaluations.evaluations_release(now=timezone.now()) == 5

    a1 = AssignmentFactory(round=mr, title="A1 Ståstedsanalyse", opens_at=hour(-20), due_at=hour(-5))
    a2 = AssignmentFactory(round=mr, title="A2 Tiltaksplan", opens_at=hour(-4), due_at=hour(10))
    Submission.objects.create(assignment=a1, participant=aukra, status=Submission.Status.DELIVERED,
                              last_delivered_at=a1.due_at - timedelta(days=1), first_delivered_late=False)
    lead = UserFactory(email="nasjonal@test.example", is_national_lead=True, is_staff=True)
    return {"lead": lead, "mr": mr, "agder": agder, "aukra": aukra, "bud": bud, "g1": g1, "g2": g2,
            "a1": a1, "a2": a2, "core": core}


CHARTS_JS = """() => Object.fromEntries(Array.from(document.querySelectorAll("canvas.progress-chart")).map((c) => {
  const chart = Chart.getChart(c);
  const section = c.closest("section");
  return [c.id, {rendered: !!chart, role: c.getAttribute("role"), aria: c.getAttribute("aria-label") || "",
                 labels: chart ? chart.data.labels : null, data: chart ? chart.data.datasets.map((d) => d.data) : null,
                 tables: section ? section.querySelectorAll("table > caption").length : 0}];
}))"""


def charts(page, expected: set[str]) -> dict:
    """Every chart on the page drawn by Chart.js, described for screen readers, and with a table in its
    section."""
    found = page.evaluate(CHARTS_JS)
    assert set(found) == expected, found
    for key, c in found.items():
        assert c["rendered"], f"{key} was not drawn by Chart.js on {page.url}"
        assert c["role"] == "img" and c["aria"], key
        assert c["tables"] >= 1, f"{key} has no table in its section"
    return found


def kpis(page):
    return page.locator(f'main ul[aria-label="{nb("Key figures")}"] .fs-3')


def row(page, table: str, first: str):
    """The row of ``#table-<table>`` whose first cell is exactly ``first``."""
    heading = page.locator("th", has_text=re.compile(rf"^\s*{re.escape(first)}\s*$"))
    return page.locator(f"#table-{table} tbody tr").filter(has=heading)


def cells(page, table: str, first: str):
    return row(page, table, first).locator("th, td")


def follow(page, live_server, link, path: str) -> None:
    link.click()
    expect(page).to_have_url(f"{live_server.url}{path}")
    page.wait_for_load_state("load")


def test_national_lead_drills_down_from_the_country_to_a_participant(page, live_server, national):
    mr, bud, g1 = national["mr"], national["bud"], national["g1"]
    question = national["core"]["kunnskap-praksis"].text
    yes, no = nb("Yes"), nb("No")
    login(page, live_server, national["lead"].email)

    # The national page, from the menu.
    page.locator("nav").get_by_role("link", name=nb("National overview"), exact=True).first.click()
    expect(page).to_have_url(f"{live_server.url}/nasjonalt/")
    page.wait_for_load_state("load")
    expect(page.locator("main h1")).to_have_text(nb("Progress in the whole country"))
    #   participants, attendance, delivered, on time, overdue, response rate, at risk
    expect(kpis(page)).to_have_text(["3", "75,0 %", "50,0 %", "100,0 %", "1", "83,3 %", "1"])
    expect(cells(page, "regions", "Møre og Romsdal")).to_have_text(
        ["Møre og Romsdal", "2", "50,0 %", "50,0 %", "1", "1", "75,0 %", "50,0 %", "100,0 %", "1", "83,3 %"])
    expect(cells(page, "regions", "Agder")).to_have_text(
        ["Agder", "1", "100,0 %", "0,0 %", "0", "0", "–", "–", "–", "0", "–"])
    expect(cells(page, "regions", nb("Whole country"))).to_have_text(
        [nb("Whole country"), "3", "66,7 %", "33,3 %", "1", "1", "75,0 %", "50,0 %", "100,0 %", "1", "83,3 %"])
    expect(cells(page, "core", question)).to_have_text([question, "5", "20,0 %", "40,0 %", "40,0 %", "2,20"])
    expect(cells(page, "core", national["core"]["handlingsrom"].text)).to_have_text(
        [national["core"]["handlingsrom"].text, "< 5", "< 5", "< 5", "< 5", "< 5"])
    expect(page.locator("#table-at_risk tbody tr")).to_have_count(1)
    expect(cells(page, "at_risk", "Bud")).to_have_text(["Bud", mr.title, "Møre og Romsdal", ANY])
    found = charts(page, {"chart-rates", "chart-composition", "chart-core"})
    assert found["chart-rates"]["labels"] == ["Agder", "Møre og Romsdal"]
    assert found["chart-rates"]["data"] == [[None, 75.0], [None, 50.0], [None, 100.0], [None, 83.3]]
    assert found["chart-composition"]["data"] == [[100.0, 50.0], [0.0, 50.0]]
    assert found["chart-core"]["data"] == [[20.0], [40.0], [40.0]]
    axe_check(page)

    # → the region.
    region_path = f"/nasjonalt/regioner/{mr.region.slug}/"
    follow(page, live_server, row(page, "regions", "Møre og Romsdal").get_by_role("link", name="Møre og Romsdal"),
           region_path)
    expect(page.locator("main h1")).to_have_text(nb("Progress in %(region)s", region="Møre og Romsdal"))
    expect(kpis(page)).to_have_text(["2", "75,0 %", "50,0 %", "100,0 %", "1", "83,3 %", "1"])
    expect(cells(page, "rounds", mr.title)).to_have_text(
        [mr.title, nb(Round.Status.RUNNING.label), "2", "50,0 %", "50,0 %", "1", "1", "75,0 %", "50,0 %", "100,0 %",
         "1", "83,3 %"])
    expect(page.locator("#table-rounds tbody tr")).to_have_count(2)  # the round and the region's total
    expect(cells(page, "core", question)).to_have_text([question, "5", "20,0 %", "40,0 %", "40,0 %", "2,20"])
    expect(cells(page, "at_risk", "Bud")).to_have_text(["Bud", mr.title, "Møre og Romsdal", ANY])
    found = charts(page, {"chart-rates", "chart-composition", "chart-core"})
    assert found["chart-rates"]["labels"] == [mr.title]
    assert found["chart-rates"]["data"] == [[75.0], [50.0], [100.0], [83.3]]
    axe_check(page)

    # → the round.
    round_path = f"/nasjonalt/runder/{mr.pk}/"
    follow(page, live_server, row(page, "rounds", mr.title).get_by_role("link", name=mr.title), round_path)
    expect(page.locator("main h1")).to_have_text(nb("Progress in %(round)s", round=mr.title))
    expect(kpis(page)).to_have_text(["2", "75,0 %", "50,0 %", "100,0 %", "1", "83,3 %"])
    bud_reasons = "; ".join([nb("No elected official (folkevalgt) in the kjernegruppe"),
                             nb("Nobody at the last fellessamling")])
    expect(cells(page, "participants", "Aukra")).to_have_text(
        ["Aukra", yes, yes, yes, "100,0 %", "100,0 %", "100,0 %", "0", "83,3 %", "–"])
    expect(cells(page, "participants", "Bud")).to_have_text(
        ["Bud", no, yes, no, "0,0 %", "0,0 %", "–", "1", "–", bud_reasons])
    day = date_format(timezone.localtime(g1.starts_at), "j.n.Y")
    expect(cells(page, "gatherings", g1.title)).to_have_text(
        [g1.title, nb(Gathering.Kind.JOINT.label), day, yes, "8", "0", "6", "75,0 %", "6", "5", "83,3 %"])
    expect(cells(page, "gatherings", "Fellessamling 2")).to_have_text(
        ["Fellessamling 2", ANY, ANY, no, "0", "0", "–", "–", "0", "0", "–"])
    expect(cells(page, "assignments", "A1 Ståstedsanalyse")).to_have_text(
        ["A1 Ståstedsanalyse", ANY, "1", "2", "50,0 %", "100,0 %", "1"])
    expect(cells(page, "assignments", "A2 Tiltaksplan")).to_have_text(
        ["A2 Tiltaksplan", ANY, "0", "2", "–", "–", "0"])
    found = charts(page, {"chart-gatherings", "chart-assignments", "chart-core"})
    assert found["chart-gatherings"]["labels"] == [g1.title]
    assert found["chart-gatherings"]["data"] == [[75.0], [83.3]]
    assert found["chart-assignments"]["data"] == [[50.0], [100.0]]
    axe_check(page)

    # → the participant.
    participant_path = f"/nasjonalt/deltakere/{bud.pk}/"
    follow(page, live_server, row(page, "participants", "Bud").get_by_role("link", name="Bud", exact=True),
           participant_path)
    expect(page.locator("main h1")).to_have_text(nb("Progress for %(participant)s", participant="Bud"))
    #   attendance, delivered, on time, overdue, response rate
    expect(kpis(page)).to_have_text(["0,0 %", "0,0 %", "–", "1", "–"])
    expect(page.locator("#table-at_risk tbody tr th")).to_have_text([
        nb("No elected official (folkevalgt) in the kjernegruppe"),
        f'{nb("Nobody at the last fellessamling")} ({g1.title})'])
    expect(cells(page, "composition", nb("Folkevalgt"))).to_have_text([nb("Folkevalgt"), "0", no])
    expect(cells(page, "composition", nb("Administrative leader"))).to_have_text(
        [nb("Administrative leader"), "1", yes])
    expect(cells(page, "gatherings", g1.title)).to_have_text([g1.title, day, yes, "2", "0", "0", "0", "0"])
    expect(page.locator("main canvas")).to_have_count(0)  # no charts here: answers are not per participant
    crumbs = page.locator("main nav ol.breadcrumb")
    expect(crumbs.get_by_role("link")).to_have_text([nb("National overview"), "Møre og Romsdal", mr.title])
    axe_check(page)
