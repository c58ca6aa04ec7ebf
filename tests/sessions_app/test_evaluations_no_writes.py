"""No writes on GET for the evaluations: the results, the questions page, the exports and the end-of-round
survey of an evaluation not made yet read "nothing yet" (the questions it would ask, no answers); the first
change or the sending makes it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sessions_app import evaluations
from sessions_app.models import Evaluation, EvaluationQuestion

from ..sessions_app.factories import GatheringFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def nb(text: str) -> str:
    with translation.override("nb"):
        return translation.gettext(text)


def test_opening_evaluation_results_writes_nothing(client, cast):
    """Reading says "nothing yet"; the evaluation is made when the samling ends or its questions are edited."""
    from sessions_app.models import Evaluation

    g = GatheringFactory(round=cast.a.round)
    client.force_login(cast.a.regional_coordinator)
    response = client.get(reverse("sessions_app:evaluation_results", args=[g.pk]))
    assert response.status_code == 200 and "Ingen evaluering ennå" in response.content.decode()
    assert not Evaluation.objects.filter(gathering=g).exists()


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            and '"django_session"' not in q["sql"]]


def test_opening_the_questions_page_writes_nothing_and_shows_the_planned_questions(client, cast):
    """The page shows the questions the evaluation would ask (the national core, then the round's template)
    without making the evaluation, the national core or the round's template."""
    g = GatheringFactory(round=cast.a.round)
    client.force_login(cast.a.regional_coordinator)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("sessions_app:evaluation_questions", args=[g.pk]))
    assert response.status_code == 200 and writes(ctx.captured_queries) == []
    assert not Evaluation.objects.exists() and not EvaluationQuestion.objects.exists()
    body = response.content.decode()
    texts = [t for _k, t in evaluations.CORE_QUESTIONS + evaluations.TEMPLATE_QUESTIONS]
    assert all(t in body for t in texts)
    assert [body.index(t) for t in texts] == sorted(body.index(t) for t in texts)  # the core first
    assert body.count('name="delete_planned"') == len(evaluations.TEMPLATE_QUESTIONS)  # the core cannot be removed


def test_the_first_change_on_the_questions_page_makes_the_evaluation(client, cast):
    client.force_login(cast.a.regional_coordinator)
    core = [t for _k, t in evaluations.CORE_QUESTIONS]
    template = [t for _k, t in evaluations.TEMPLATE_QUESTIONS]
    # adding a question: the evaluation is made with the planned questions and the new one last
    added = GatheringFactory(round=cast.a.round)
    url = reverse("sessions_app:evaluation_questions", args=[added.pk])
    assert client.post(url, {"text": "Hva tar dere med hjem?", "kind": "scale"}).status_code == 302
    assert [q.text for q in added.evaluation.questions.order_by("order", "pk")] == [*core, *template,
                                                                                   "Hva tar dere med hjem?"]
    # an invalid form makes nothing
    invalid = GatheringFactory(round=cast.a.round)
    assert client.post(reverse("sessions_app:evaluation_questions", args=[invalid.pk]), {"text": ""}).status_code == 200
    assert not Evaluation.objects.filter(gathering=invalid).exists()
    # removing a planned question (it has no id yet): the evaluation is made without it
    removed = GatheringFactory(round=cast.a.round)
    url = reverse("sessions_app:evaluation_questions", args=[removed.pk])
    assert client.post(url, {"delete_planned": f"101:{template[1]}"}).status_code == 302
    assert [q.text for q in removed.evaluation.questions.order_by("order", "pk")] == [*core, template[0], *template[2:]]
    assert template[1] not in client.get(url).content.decode()
    # a planned question that is not there (or a core question): 404, and nothing made
    other = GatheringFactory(round=cast.a.round)
    url = reverse("sessions_app:evaluation_questions", args=[other.pk])
    for value in ("101:Ikke et spørsmål", f"0:{core[0]}", "x:y"):
        assert client.post(url, {"delete_planned": value}).status_code == 404
    assert client.post(url, {"delete": "999999"}).status_code == 404
    assert not Evaluation.objects.filter(gathering=other).exists()


def test_export_of_an_evaluation_not_made_yet_is_empty_and_writes_nothing(client, cast):
    """The export answers "nothing yet": the questions it would ask, no answers; not a 404, not a write."""
    g = GatheringFactory(round=cast.a.round)
    client.force_login(cast.a.regional_coordinator)
    with CaptureQueriesContext(connection) as ctx:
        csv_response = client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "csv"]))
        xlsx_response = client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "xlsx"]))
    assert csv_response.status_code == 200 and xlsx_response.status_code == 200
    assert writes(ctx.captured_queries) == []
    assert not Evaluation.objects.exists() and not EvaluationQuestion.objects.exists()
    body = csv_response.content.decode("utf-8-sig")
    assert evaluations.CORE_QUESTIONS[0][1] in body and evaluations.TEMPLATE_QUESTIONS[0][1] in body
    assert nb("The answers themselves are exported only when at least %(n)s have answered.") % {"n": 5} in body


def test_survey_results_and_export_before_sending_write_nothing(client, cast):
    """The end-of-round survey's page shows the study's questions and the button that sends it; the survey is
    made when it is sent."""
    client.force_login(cast.a.regional_coordinator)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("sessions_app:survey_results", args=[cast.a.round.pk]))
        export = client.get(reverse("sessions_app:survey_export", args=[cast.a.round.pk, "csv"]))
    assert page.status_code == 200 and export.status_code == 200 and writes(ctx.captured_queries) == []
    assert not Evaluation.objects.exists() and not EvaluationQuestion.objects.exists()
    first = evaluations.SURVEY[0][1][0][2]
    assert first in page.content.decode() and first in export.content.decode("utf-8-sig")
    assert nb("Send the end-of-round survey to the core groups") in page.content.decode()
    assert client.post(reverse("sessions_app:survey_send", args=[cast.a.round.pk])).status_code == 302
    assert cast.a.round.end_survey.questions.count() == sum(len(items) for _part, items in evaluations.SURVEY)
