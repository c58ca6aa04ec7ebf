"""The richer instrument: the three-point scale with "Utdyp", multiple choice (the study's stakeholders),
free text — added by the organiser, answered through the personal link, shown and exported through the
anonymity boundary with the same small-cell rule."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sessions_app import anonymity, evaluations
from sessions_app.models import EvaluationInvite, EvaluationQuestion

from ..sessions_app.factories import GatheringFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def nb(text: str) -> str:
    from django.utils import translation

    with translation.override("nb"):
        return translation.gettext(text)


@pytest.fixture
def samling(cast, client):
    """A samling that ended an hour ago with seven attendees; the regional coordinator adds a multiple-choice
    question (the stakeholders) and a free-text question before it is sent."""
    start = timezone.now() - timedelta(hours=7)
    g = GatheringFactory(round=cast.a.round, starts_at=start, ends_at=start + timedelta(hours=6),
                         registration_deadline=start - timedelta(days=3))
    for i in range(7):
        RegistrationFactory(gathering=g, participant=cast.a.participant, email=f"p{i}@k.example", attended=True)
    client.force_login(cast.a.regional_coordinator)
    url = reverse("sessions_app:evaluation_questions", args=[g.pk])
    assert client.post(url, {"text": "Hvilke interessenter har dere engasjert?", "kind": "choice",
                             "options": ""}).status_code == 302
    assert client.post(url, {"text": "Hva var det viktigste dere tok med hjem?", "kind": "text"}).status_code == 302
    client.logout()
    evaluations.evaluations_due(now=timezone.now())
    choice = EvaluationQuestion.objects.get(evaluation=g.evaluation, kind="choice")
    text = EvaluationQuestion.objects.get(evaluation=g.evaluation, kind="text")
    assert choice.options == list(evaluations.STAKEHOLDERS)
    return g, choice, text


def answer(invite, data) -> int:
    c = Client()
    target = c.get(reverse("sessions_app:evaluation_answer", args=[invite.token]))["Location"]
    return c.post(target, {"role_category": "elected", **data}).status_code


def test_multiple_choice_and_free_text_answered_and_shown_through_the_boundary(samling, client, cast):
    g, choice, text = samling
    invites = list(EvaluationInvite.objects.filter(evaluation=g.evaluation).order_by("email"))
    ticks = [[0, 1], [0], [1, 3], [0, 4], [0], [], []]
    for i, (invite, tick) in enumerate(zip(invites, ticks, strict=True)):
        data = {f"m{choice.pk}": [str(t) for t in tick], f"c{text.pk}": f"Tekst {i}" if i < 5 else ""}
        assert answer(invite, data) == 200
    evaluations.evaluations_release(now=timezone.now())
    client.force_login(cast.a.regional_coordinator)
    page = client.get(reverse("sessions_app:evaluation_results", args=[g.pk]))
    results = {r.question.pk: r for r in page.context["questions"]}
    assert results[choice.pk].options == [("foreldre/foresatte", 4, 80.0), ("barn og unge", 2, 40.0),
                                          ("lokalt næringsliv", 0, 0.0), ("frivillig sektor", 1, 20.0),
                                          ("andre", 1, 20.0)]
    assert sorted(results[text.pk].comments) == [f"Tekst {i}" for i in range(5)]
    body = page.content.decode()
    assert "foreldre/foresatte" in body and "Tekst 3" in body
    wb = load_workbook(io.BytesIO(client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "xlsx"])).content))
    assert nb("Multiple choice") in wb.sheetnames
    rows = list(wb[nb("Multiple choice")].iter_rows(min_row=3, values_only=True))
    assert ("Hvilke interessenter har dere engasjert?", "foreldre/foresatte", 4, 0.8) in rows  # a percentage
    answers = [c for row in wb[nb("Answers")].iter_rows(min_row=3, values_only=True) for c in row]
    assert "foreldre/foresatte; barn og unge" in answers and "Tekst 4" in answers


def test_multiple_choice_and_free_text_hidden_below_k(samling, client, cast):
    """Four ticked and four wrote: both hidden, on the page and in the export (seven responded)."""
    g, choice, text = samling
    invites = list(EvaluationInvite.objects.filter(evaluation=g.evaluation).order_by("email"))
    for i, invite in enumerate(invites):
        answer(invite, {f"m{choice.pk}": ["2"] if i < 4 else [], f"c{text.pk}": f"Hemmelig {i}" if i < 4 else ""})
    evaluations.evaluations_release(now=timezone.now())
    results = {r.question.pk: r for r in anonymity.samling_results(g.evaluation)["questions"]}
    assert results[choice.pk].hidden and results[choice.pk].options is None and results[choice.pk].answered
    assert results[text.pk].hidden and results[text.pk].comments == []
    client.force_login(cast.a.regional_coordinator)
    body = client.get(reverse("sessions_app:evaluation_results", args=[g.pk])).content.decode()
    assert "lokalt næringsliv" not in body and "Hemmelig" not in body
    export = client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "csv"])).content.decode("utf-8-sig")
    assert "Hemmelig" not in export and "lokalt næringsliv" not in export


def test_answers_that_do_not_fit_the_question_are_refused(samling):
    g, choice, text = samling
    invite = EvaluationInvite.objects.filter(evaluation=g.evaluation).first()
    for answers in ({choice.pk: (None, "", [5])}, {choice.pk: (2, "", [])}, {text.pk: (3, "x", [])},
                    {text.pk: (None, "", [0])}):
        with pytest.raises(ValidationError):
            evaluations.evaluation_answer(token=invite.token, role_category="elected", answers=answers)
    invite.refresh_from_db()
    assert invite.answered_on is None


# --- The end-of-round survey -------------------------------------------------------------------------------

@pytest.fixture
def core_groups(cast):
    """Region a's round: six more active members with e-mail (seven with the cast's), one inactive, one
    without e-mail. Region b's round: two more (four with the cast's two)."""
    from ..factories import CoreGroupMemberFactory

    for i in range(6):
        CoreGroupMemberFactory(participant=cast.a.participant if i % 2 else cast.a.other_participant,
                               role_category="elected" if i < 3 else "administrative")
    CoreGroupMemberFactory(participant=cast.a.participant, is_active=False, email="inactive@k.example")
    CoreGroupMemberFactory(participant=cast.a.participant, email="")
    for _i in range(2):
        CoreGroupMemberFactory(participant=cast.b.participant)
    return cast


def survey_answer(invite, value: int) -> None:
    from sessions_app.models import EvaluationQuestion

    evaluation = invite.evaluation
    data = {}
    for q in evaluation.questions.all():
        if q.kind == EvaluationQuestion.Kind.SCALE:
            data[f"q{q.pk}"] = str(value)
        elif q.kind == EvaluationQuestion.Kind.CHOICE:
            data[f"m{q.pk}"] = ["0", "1"]
        else:
            data[f"c{q.pk}"] = "Vi fikk til mye"
    assert answer(invite, data) == 200


def test_end_of_round_survey_sent_to_the_core_groups_once(core_groups, client):
    from absolutt.notifications.models import OutgoingEmail

    cast = core_groups
    client.force_login(cast.a.regional_coordinator)
    url = reverse("sessions_app:survey_send", args=[cast.a.round.pk])
    assert client.post(url).status_code == 302
    survey = cast.a.round.end_survey
    emails = set(survey.invites.values_list("email", flat=True))
    assert len(emails) == 8 and "inactive@k.example" not in emails  # the cast's two members and six more
    assert OutgoingEmail.objects.filter(kind="evaluation_invite").count() == 8
    assert client.post(url).status_code == 302  # twice: nobody gets it twice
    assert OutgoingEmail.objects.filter(kind="evaluation_invite").count() == 8
    # the study's survey: parts 2–5, its items, the stakeholders as multiple choice; all in the shared core
    questions = list(survey.questions.order_by("order"))
    assert [p for p in dict.fromkeys(q.part for q in questions)] == [p for p, _items in evaluations.SURVEY]
    assert all(q.is_core and q.core_key for q in questions)
    assert {q.kind for q in questions} == {"scale", "choice", "text"}
    stakeholders = next(q for q in questions if q.kind == "choice")
    assert stakeholders.options == list(evaluations.STAKEHOLDERS)
    # one reminder after the reminder days
    later = survey.opens_at + timedelta(days=survey.reminder_after_days, minutes=1)
    assert evaluations.evaluations_due(now=later) == 8
    assert evaluations.evaluations_due(now=later) == 0


@pytest.mark.parametrize("who,results,send", [
    ("regional_coordinator", 200, 302), ("competence_partner", 200, 403), ("national_lead", 200, 403),
    ("municipal_coordinator", 403, 403), ("core_group_member", 403, 403), ("other_region_coordinator", 404, 404),
])
def test_survey_permissions(cast, client, who, results, send):
    user = {"regional_coordinator": cast.a.regional_coordinator, "competence_partner": cast.a.competence_partner,
            "national_lead": cast.national_lead, "municipal_coordinator": cast.a.municipal_coordinator,
            "core_group_member": cast.a.core_group_member, "other_region_coordinator": cast.b.regional_coordinator}[who]
    client.force_login(user)
    assert client.get(reverse("sessions_app:survey_results", args=[cast.a.round.pk])).status_code == results
    assert client.get(reverse("sessions_app:survey_export", args=[cast.a.round.pk, "csv"])).status_code == results
    assert client.post(reverse("sessions_app:survey_send", args=[cast.a.round.pk])).status_code == send
    assert client.get(reverse("sessions_app:survey_send", args=[cast.a.round.pk])).status_code == 405


def test_survey_results_compare_across_rounds_and_regions_on_the_shared_core(core_groups, client):
    """Region a's round: eight answered "i stor grad"; region b's round: four answered "i liten grad" —
    fewer than k when the survey closed, so never released: not in the round, the region or the country."""
    cast = core_groups
    now = timezone.now()
    evaluations.survey_send(round_=cast.a.round, now=now)
    evaluations.survey_send(round_=cast.b.round, now=now)
    for invite in cast.a.round.end_survey.invites.all():
        survey_answer(invite, 3)
    for invite in cast.b.round.end_survey.invites.all():
        survey_answer(invite, 1)
    evaluations.evaluations_release(now=now + timedelta(days=60))
    client.force_login(cast.national_lead)
    page = client.get(reverse("sessions_app:survey_results", args=[cast.a.round.pk]))
    assert page.status_code == 200
    shown = [r for r in page.context["questions"] if r.kind == "scale"]
    assert shown and all(r.cell.counts == (0, 0, 8) for r in shown)
    hidden = client.get(reverse("sessions_app:survey_results", args=[cast.b.round.pk])).context["questions"]
    assert all(r.hidden for r in hidden)
    table = client.get(reverse("progress:national")).context["page"].tables["survey_by_region"]
    columns = [c.label for c in table.columns]
    a, b, country = (columns.index(cast.a.region.name), columns.index(cast.b.region.name), len(columns) - 1)
    assert table.rows
    for row in table.rows:
        assert row.cells[a].text == "3,00 (8)" and row.cells[b].text == "–" and row.cells[country].text == "3,00 (8)"
    # the region page compares its rounds the same way
    region = client.get(reverse("progress:region", args=[cast.b.region.slug])).context["page"].tables["survey_by_round"]
    assert all(row.cells[1].text == row.cells[2].text == "–" for row in region.rows)
