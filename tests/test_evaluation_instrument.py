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

from .gathering_factories import GatheringFactory, RegistrationFactory

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
    assert ("Hvilke interessenter har dere engasjert?", "foreldre/foresatte", 4, 80.0) in rows
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
