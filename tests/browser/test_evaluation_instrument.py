"""The richer evaluation instrument in the browser: the regional coordinator adds a multiple-choice question
(the study's stakeholders), an attendee ticks options from the personal link, and the results show how many
ticked each; the regional coordinator sends the end-of-round survey to the core groups, a member answers its
parts, and the results appear once at least five answered."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation

from absolutt.notifications.models import OutgoingEmail
from sessions_app import evaluations
from sessions_app.models import EvaluationInvite, EvaluationQuestion
from tests.factories import CoreGroupMemberFactory
from tests.sessions_app.factories import GatheringFactory, RegistrationFactory

from .conftest import axe_check, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]


def nb(message, **values) -> str:
    with translation.override("nb"):
        text = str(translation.gettext(message))
    return text % values if values else text


def link_path(email: str) -> str:
    mail = OutgoingEmail.objects.filter(kind="evaluation_invite", to=email).latest("pk")
    (link,) = re.findall(r"https?://\S+", mail.body_text)
    return urlsplit(link).path


def test_multiple_choice_question_from_editor_to_results(page, live_server, live_cast):
    cast = live_cast
    start = timezone.now() - timedelta(hours=7)
    g = GatheringFactory(round=cast.a.round, title="Fellessamling om interessenter", starts_at=start,
                         ends_at=start + timedelta(hours=6), registration_deadline=start - timedelta(days=3))
    present = [RegistrationFactory(gathering=g, participant=cast.a.participant, email=f"d{i}@kommune.example",
                                   attended=True) for i in range(5)]

    # The regional coordinator adds the stakeholder question before the evaluation is sent.
    login(page, live_server, cast.a.regional_coordinator.email)
    page.goto(f"{live_server.url}/samlinger/{g.pk}/evaluering/sporsmal/")
    form = page.locator("main form").filter(has=page.locator("input[name=text]"))
    form.locator("input[name=text]").fill("Hvilke interessenter har dere engasjert?")
    form.get_by_role("radio", name=nb("Multiple choice"), exact=True).check()
    axe_check(page)
    form.get_by_role("button", name=nb("Add question")).click()
    item = page.locator("main li", has_text="Hvilke interessenter har dere engasjert?")
    expect(item).to_contain_text(nb("Multiple choice"))
    expect(item).to_contain_text("foreldre/foresatte")
    question = EvaluationQuestion.objects.get(evaluation__gathering=g, kind="choice")

    # The samling is evaluated: an attendee answers from the personal link, in their own browser.
    assert evaluations.evaluations_due(now=timezone.now()) == 5
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link_path(present[0].email)}")
    expect(page).to_have_url(f"{live_server.url}/evaluering/")
    group = page.locator("main form").get_by_role("group", name=question.text, exact=True)
    expect(group.get_by_role("checkbox")).to_have_count(5)
    page.locator("main form").get_by_role("group", name=nb("Your role"), exact=True).get_by_role(
        "radio").first.check()
    for label in ("foreldre/foresatte", "barn og unge"):
        group.get_by_role("checkbox", name=label, exact=True).check()
    axe_check(page)
    page.locator("main form").get_by_role("button", name=nb("Send my answers")).click()
    expect(page.locator("main [role=status]")).to_have_text(nb("Thank you! Your answers are saved anonymously."))

    # Four more answer; the beat releases the five; the coordinator sees the counts.
    for invite in EvaluationInvite.objects.filter(evaluation__gathering=g, answered_on__isnull=True):
        evaluations.evaluation_answer(token=invite.token, role_category="elected",
                                      answers={question.pk: (None, "", [0, 4])})
    assert evaluations.evaluations_release(now=timezone.now()) == 5
    login(page, live_server, cast.a.regional_coordinator.email)
    page.goto(f"{live_server.url}/samlinger/{g.pk}/evaluering/")
    table = page.locator("main table.evaluation-choice")
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table.locator("tbody tr").nth(0).locator("th, td")).to_have_text(["foreldre/foresatte", "5", "100,0"])
    expect(table.locator("tbody tr").nth(1).locator("th, td")).to_have_text(["barn og unge", "1", "20,0"])
    expect(table.locator("tbody tr").nth(4).locator("th, td")).to_have_text(["andre", "4", "80,0"])
    axe_check(page)


def test_end_of_round_survey_sent_answered_and_shown(page, live_server, live_cast):
    cast = live_cast
    members = [CoreGroupMemberFactory(participant=cast.a.participant, email=f"kjerne{i}@kommune.example")
               for i in range(4)]
    login(page, live_server, cast.a.regional_coordinator.email)
    page.goto(f"{live_server.url}/runder/{cast.a.round.pk}/evaluering/")
    page.get_by_role("link", name=nb("End-of-round survey")).click()
    expect(page).to_have_url(f"{live_server.url}/runder/{cast.a.round.pk}/sluttevaluering/")
    axe_check(page)
    page.get_by_role("button", name=nb("Send the end-of-round survey to the core groups")).click()
    with translation.override("nb"):
        sent = translation.ngettext("The survey was sent to %(n)s person.", "The survey was sent to %(n)s people.", 6)
    expect(page.locator("main")).to_contain_text(sent % {"n": 6})
    survey = cast.a.round.end_survey
    assert survey.invites.count() == 6  # the cast's two core-group members and the four above
    assert OutgoingEmail.objects.filter(kind="evaluation_invite").count() == 6

    # A member answers from the link: the study's parts as headings, scale, stakeholders, free text.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link_path(members[0].email)}")
    expect(page).to_have_url(f"{live_server.url}/evaluering/")
    parts = page.locator("main h2.evaluation-part")
    expect(parts).to_have_text([p for p, _items in evaluations.SURVEY])
    form = page.locator("main form")
    form.get_by_role("group", name=nb("Your role"), exact=True).get_by_role("radio").first.check()
    questions = list(survey.questions.order_by("order"))
    first_scale = next(q for q in questions if q.kind == "scale")
    choice = next(q for q in questions if q.kind == "choice")
    first_text = next(q for q in questions if q.kind == "text")
    form.get_by_role("group", name=first_scale.text, exact=True).get_by_role(
        "radio", name=nb("i stor grad"), exact=True).check()
    form.get_by_role("group", name=choice.text, exact=True).get_by_role("checkbox", name="barn og unge").check()
    form.get_by_label(first_text.text, exact=True).fill("Ståstedsanalysen samlet oss.")
    axe_check(page)
    form.get_by_role("button", name=nb("Send my answers")).click()
    expect(page.locator("main [role=status]")).to_have_text(nb("Thank you! Your answers are saved anonymously."))

    for invite in survey.invites.filter(answered_on__isnull=True)[:4]:
        evaluations.evaluation_answer(token=invite.token, role_category="other",
                                      answers={first_scale.pk: (3, ""), choice.pk: (None, "", [1]),
                                               first_text.pk: (None, "Godt samarbeid", [])})
    assert evaluations.evaluations_release(now=timezone.now()) == 5

    login(page, live_server, cast.a.regional_coordinator.email)
    page.goto(f"{live_server.url}/runder/{cast.a.round.pk}/sluttevaluering/")
    expect(page.locator("main h1")).to_contain_text(nb("End-of-round survey"))
    row = page.locator("main table tbody tr").filter(has=page.locator("th", has_text=first_scale.text))
    expect(row.locator("td")).to_have_text(["5", "0", "0", "5", "3,0"])
    choice_rows = page.locator("main table.evaluation-choice tbody tr")
    expect(choice_rows.nth(1).locator("th, td")).to_have_text(["barn og unge", "5", "100,0"])
    expect(page.locator("main")).to_contain_text("Ståstedsanalysen samlet oss.")
    axe_check(page)
