"""Evaluations: sent only to attendees, once (invite and reminder), anonymous by design (no path from an
answer to a person in the database), one answer per person, bad input refused, small cells hidden,
results visible only to the round's organisers and the national lead."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from sessions_app import anonymity, evaluations
from sessions_app.models import EvaluationAnswer, EvaluationInvite, EvaluationPending, EvaluationResponse

from ..sessions_app.factories import GatheringFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def nb(text: str) -> str:
    from django.utils import translation

    with translation.override("nb"):
        return translation.gettext(text)


@pytest.fixture
def held(cast):
    """A samling in region a that ended an hour ago: 6 attended, 1 registered but absent, 1 cancelled."""
    start = timezone.now() - timedelta(hours=7)
    g = GatheringFactory(round=cast.a.round, starts_at=start, ends_at=start + timedelta(hours=6),
                         registration_deadline=start - timedelta(days=3))
    attended = [RegistrationFactory(gathering=g, participant=cast.a.participant, email=f"a{i}@k.example", attended=True)
                for i in range(6)]
    RegistrationFactory(gathering=g, participant=cast.a.participant, email="absent@k.example", attended=False)
    RegistrationFactory(gathering=g, participant=cast.a.participant, email="gone@k.example", status="cancelled", attended=True)
    return g, attended


def release(now=None):
    """Answers wait in the pending pool until the beat releases them in batches of at least k."""
    return evaluations.evaluations_release(now=now or timezone.now())


def stored() -> int:
    """Answers kept, released or still pending."""
    return EvaluationResponse.objects.count() + EvaluationPending.objects.count()


def open_link(client, token):
    """The personal link from the e-mail: it redirects to the form's address, which has no token."""
    response = client.get(reverse("sessions_app:evaluation_answer", args=[token]))
    assert response.status_code == 302 and token not in response["Location"]
    return response["Location"]


def answer_all(g, value=3, role="elected", comment=""):
    ev = g.evaluation
    for invite in ev.invites.all():
        evaluations.evaluation_answer(token=invite.token, role_category=role,
                                      answers={q.pk: (value, comment) for q in ev.questions.all()})
    release()


def test_sent_only_to_attendees_once_even_when_sweep_runs_twice(held):
    g, attended = held
    now = timezone.now()
    assert evaluations.evaluations_due(now=now) == 6
    assert evaluations.evaluations_due(now=now) == 0
    invited = set(EvaluationInvite.objects.values_list("email", flat=True))
    assert invited == {r.email for r in attended}
    assert OutgoingEmail.objects.filter(kind="evaluation_invite").count() == 6


def test_not_sent_before_the_samling_ends(cast):
    start = timezone.now() + timedelta(hours=1)
    g = GatheringFactory(round=cast.a.round, starts_at=start, ends_at=start + timedelta(hours=5),
                         registration_deadline=start - timedelta(days=1))
    RegistrationFactory(gathering=g, participant=cast.a.participant, attended=True)
    assert evaluations.evaluations_due(now=timezone.now()) == 0


def test_one_reminder_to_non_respondents_after_the_configured_days(held):
    g, attended = held
    now = timezone.now()
    evaluations.evaluations_due(now=now)
    ev = g.evaluation
    invite = ev.invites.get(email=attended[0].email)
    evaluations.evaluation_answer(token=invite.token, role_category="elected", answers={})
    later = ev.opens_at + timedelta(days=ev.reminder_after_days, minutes=1)
    assert evaluations.evaluations_due(now=later) == 5
    assert evaluations.evaluations_due(now=later + timedelta(hours=1)) == 0
    reminded = set(OutgoingEmail.objects.filter(kind="evaluation_reminder").values_list("to", flat=True))
    assert attended[0].email not in reminded and len(reminded) == 5
    assert evaluations.evaluations_due(now=ev.closes_at + timedelta(minutes=1)) == 0


def test_answers_have_no_path_to_the_person_in_the_database(held):
    g, attended = held
    evaluations.evaluations_due(now=timezone.now())
    answer_all(g, comment="Bra")
    # No foreign key or column from responses/answers to invites, registrations or users ...
    for model in (EvaluationResponse, EvaluationAnswer):
        related = {f.related_model for f in model._meta.get_fields() if f.is_relation and f.many_to_one}
        assert related <= {g.evaluation.__class__, EvaluationResponse, evaluations.EvaluationQuestion}
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"invite", "registration", "user", "email", "created_at", "submitted_at"}
    # ... and, checked in the database itself, no column that could hold a time or a person.
    columns = set()
    with connection.cursor() as cursor:
        for model in (EvaluationResponse, EvaluationAnswer, EvaluationPending):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)} WHERE 1 = 0")
            columns |= {c[0] for c in cursor.description}
    assert columns == {"id", "evaluation_id", "role_category", "response_id", "question_id", "value", "comment",
                       "selected", "answers"}
    related = {f.related_model for f in EvaluationPending._meta.get_fields() if f.is_relation and f.many_to_one}
    assert related == {g.evaluation.__class__}
    # the invitation records only the date it was answered
    assert all(isinstance(d, type(timezone.localdate())) for d in EvaluationInvite.objects.values_list("answered_on", flat=True))


def test_second_answer_refused(held, client):
    g, attended = held
    evaluations.evaluations_due(now=timezone.now())
    invite = g.evaluation.invites.first()
    url = open_link(client, invite.token)
    q = g.evaluation.questions.first()
    client.post(url, {"role_category": "elected", f"q{q.pk}": "2"})
    assert stored() == 1
    url = open_link(client, invite.token)
    body = client.post(url, {"role_category": "elected", f"q{q.pk}": "3"}).content.decode()
    assert nb("You have already answered this evaluation. Thank you!") in body
    assert stored() == 1


def test_answer_outside_scale_refused(held, client):
    g, _ = held
    evaluations.evaluations_due(now=timezone.now())
    invite = g.evaluation.invites.first()
    q = g.evaluation.questions.first()
    response = client.post(open_link(client, invite.token), {"role_category": "elected", f"q{q.pk}": "7"})
    assert response.status_code == 200 and stored() == 0
    with pytest.raises(ValidationError):
        evaluations.evaluation_answer(token=invite.token, role_category="elected", answers={q.pk: (0, "")})
    assert stored() == 0
    invite.refresh_from_db()
    assert invite.answered_on is None


def test_answer_after_closing_refused(held, client):
    g, _ = held
    evaluations.evaluations_due(now=timezone.now())
    ev = g.evaluation
    ev.close_after_days = 0
    ev.save()
    invite = ev.invites.first()
    response = client.get(open_link(client, invite.token))
    assert response.status_code == 410 and nb("The evaluation is closed.") in response.content.decode()


def test_link_for_another_person_refused_when_logged_in(held, client, cast):
    g, _ = held
    evaluations.evaluations_due(now=timezone.now())
    invite = g.evaluation.invites.first()
    client.force_login(cast.a.municipal_coordinator)
    response = client.get(open_link(client, invite.token))
    assert response.status_code == 403


def test_gathering_without_attendees_gets_no_invites(cast):
    start = timezone.now() - timedelta(hours=8)
    g = GatheringFactory(round=cast.a.round, starts_at=start, ends_at=start + timedelta(hours=2),
                         registration_deadline=start - timedelta(days=1))
    RegistrationFactory(gathering=g, participant=cast.a.participant, attended=None)
    assert evaluations.evaluations_due(now=timezone.now()) == 0
    data = anonymity.samling_results(g.evaluation)
    assert data["invited"] == 0 and data["response_rate"] is None


def test_small_cells_hidden_until_five_answers(held):
    g, attended = held
    evaluations.evaluations_due(now=timezone.now())
    invites = list(g.evaluation.invites.all())
    questions = list(g.evaluation.questions.all())
    for invite in invites[:4]:
        evaluations.evaluation_answer(token=invite.token, role_category="elected",
                                      answers={q.pk: (2, "hemmelig") for q in questions})
    assert release() == 0  # four: they stay in the pending pool
    data = anonymity.samling_results(g.evaluation)
    assert all(r.counts is None and r.mean is None and r.comments == [] for r in data["questions"])
    evaluations.evaluation_answer(token=invites[4].token, role_category="elected",
                                  answers={q.pk: (3, "") for q in questions[1:]})  # skips the first question
    assert release() == 5
    data = anonymity.samling_results(g.evaluation)
    hidden = data["questions"][0]  # four answers: hidden, with its comments
    assert hidden.counts is None and hidden.mean is None and hidden.comments == [] and hidden.answered
    first = data["questions"][1]
    assert first.counts == [0, 4, 1] and first.mean == 2.2 and first.comments == ["hemmelig"] * 4
    assert data["response_rate"] == 83


def test_core_questions_shared_across_regions(cast):
    ga = GatheringFactory(round=cast.a.round)
    gb = GatheringFactory(round=cast.b.round)
    ea, eb = evaluations.evaluation_ensure(gathering=ga), evaluations.evaluation_ensure(gathering=gb)
    core_a = [q.core_key for q in ea.questions.filter(is_core=True).order_by("order")]
    core_b = [q.core_key for q in eb.questions.filter(is_core=True).order_by("order")]
    assert core_a == core_b and len(core_a) == 5


@pytest.mark.parametrize("who,status", [
    ("regional_coordinator", 200), ("competence_partner", 200), ("national_lead", 200),
    ("municipal_coordinator", 403), ("core_group_member", 403), ("other_region_coordinator", 404), ("outsider", 404),
])
def test_results_permissions(held, client, cast, who, status):
    g, _ = held
    user = {"regional_coordinator": cast.a.regional_coordinator, "competence_partner": cast.a.competence_partner,
            "national_lead": cast.national_lead, "municipal_coordinator": cast.a.municipal_coordinator,
            "core_group_member": cast.a.core_group_member, "other_region_coordinator": cast.b.regional_coordinator,
            "outsider": cast.outsider}[who]
    client.force_login(user)
    for name in ("sessions_app:evaluation_results",):
        assert client.get(reverse(name, args=[g.pk])).status_code == status
    assert client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "csv"])).status_code == status


def test_export_is_anonymous(held, client, cast):
    g, attended = held
    evaluations.evaluations_due(now=timezone.now())
    answer_all(g, value=2, comment="Utdypende svar")
    client.force_login(cast.a.regional_coordinator)
    body = client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "csv"])).content.decode("utf-8-sig")
    assert "Utdypende svar" in body and nb("i noen grad") in body
    for r in attended:
        assert r.email not in body and r.name not in body


def test_results_query_count_constant(held, client, cast, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    g, attended = held
    evaluations.evaluations_due(now=timezone.now())
    client.force_login(cast.a.regional_coordinator)
    url = reverse("sessions_app:evaluation_results", args=[g.pk])
    answer_all(g)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(54):
        RegistrationFactory(gathering=g, participant=cast.a.participant, email=f"x{i}@k.example", attended=True)
    evaluations.evaluations_due(now=timezone.now())
    for invite in g.evaluation.invites.filter(answered_on__isnull=True):
        evaluations.evaluation_answer(token=invite.token, role_category="administrative",
                                      answers={q.pk: (1, "ok") for q in g.evaluation.questions.all()})
    release()
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_export_quality_named_sheets_bold_frozen_header_numbers_and_legend(held, client, cast):
    """XLSX as good as the other exports: named sheets, bold frozen header, column widths, scale answers as
    the numbers 1–3 with the labels in a legend, and formula-safe text — also in the question headers."""
    from io import BytesIO

    from openpyxl import load_workbook

    g, _attended = held
    ev = evaluations.evaluation_ensure(gathering=g)
    evaluations.question_save(evaluation=ev, question=None, text='=HYPERLINK("http://x.example","klikk")', order=999)
    evaluations.evaluations_due(now=timezone.now())
    answer_all(g, value=2, comment="@SUM(A1:A9)")
    client.force_login(cast.a.regional_coordinator)
    wb = load_workbook(BytesIO(client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "xlsx"])).content))
    assert wb.sheetnames == [nb("Results"), nb("Answers"), nb("Legend")]
    results, answers, legend = wb.worksheets
    for ws in wb.worksheets:
        assert ws.freeze_panes in ("B3", "A3")  # header (and, with several columns, the first column) frozen
        assert all(c.font.bold for c in ws[2] if c.value is not None)
        assert ws.column_dimensions["A"].width >= 8
    assert results.column_dimensions["A"].width > 20  # the questions are wide
    header = [c.value for c in answers[2]]
    assert nb("Role category") not in header  # a role can single a person out
    assert all(not str(h).startswith(("=", "+", "-", "@")) for h in header if h)
    assert any(str(h).startswith("'=HYPERLINK") for h in header)
    values = [row for row in answers.iter_rows(min_row=3, values_only=True)]
    assert len(values) == 6 and {row[0] for row in values} == {2}  # the number, not "i noen grad"
    assert {row[1] for row in values} == {"'@SUM(A1:A9)"}
    assert [tuple(r) for r in legend.iter_rows(min_row=3, max_row=5, values_only=True)] == [
        (1, nb("i liten grad")), (2, nb("i noen grad")), (3, nb("i stor grad"))]
    q_row = [r for r in results.iter_rows(min_row=3, values_only=True)][0]
    assert q_row[1:] == (6, 0, 6, 0, 2.0)
    csv_body = client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_body and ';=HYPERLINK' not in csv_body and '\n=HYPERLINK' not in csv_body


def test_export_has_no_answer_rows_below_k_and_no_hidden_question_columns(held, client, cast):
    g, _attended = held
    evaluations.evaluations_due(now=timezone.now())
    invites = list(g.evaluation.invites.all())
    first, second = list(g.evaluation.questions.order_by("order", "pk"))[:2]
    for i, invite in enumerate(invites[:4]):
        evaluations.evaluation_answer(token=invite.token, role_category="elected",
                                      answers={first.pk: (3, f"fire-{i}")})
    release()
    client.force_login(cast.a.regional_coordinator)
    body = client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "csv"])).content.decode("utf-8-sig")
    assert "fire-" not in body and first.text in body  # the question is listed, hidden
    # a fifth respondent: rows are exported, but the second question (one answer) has no column
    evaluations.evaluation_answer(token=invites[4].token, role_category="elected",
                                  answers={first.pk: (1, ""), second.pk: (2, "bare én")})
    release()
    body = client.get(reverse("sessions_app:evaluation_export", args=[g.pk, "csv"])).content.decode("utf-8-sig")
    assert "fire-0" in body and "bare én" not in body
    assert f"{nb('Utdyp')}: {second.text}" not in body


def test_a_core_question_keeps_its_kind_and_options_in_the_samlings_evaluation():
    """The national lead keeps the core in the admin, and a core question may be multiple choice: the
    samling's evaluation asks it as multiple choice with its options, not as a scale."""
    from sessions_app.evaluations import core_questions, evaluation_ensure, planned_questions
    from sessions_app.models import EvaluationQuestion

    core_questions()  # the core as the admin shows it
    q = EvaluationQuestion.objects.filter(evaluation__isnull=True, round__isnull=True, is_core=True).first()
    q.kind, q.options, q.part = EvaluationQuestion.Kind.CHOICE, ["Politiker", "Administrasjon"], "Del 1"
    q.save()
    g = GatheringFactory()
    planned = {p.core_key: p for p in planned_questions(gathering=g)}
    assert (planned[q.core_key].kind, planned[q.core_key].options) == (q.kind, q.options)
    copy = evaluation_ensure(gathering=g).questions.get(core_key=q.core_key)
    assert (copy.kind, copy.options, copy.part) == (q.kind, q.options, q.part)
