from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from absolutt import access, tables
from municipalities.models import RoleCategory

from . import anonymity, evaluations, exports
from .models import Evaluation, EvaluationInvite, EvaluationQuestion


class AnswerForm(forms.Form):
    """One field per question by its kind: the scale's three radios (``q``), the options' check boxes
    (``m``), and a text box (``c``): "Utdyp" for the scale and multiple choice, the answer itself for free
    text."""

    role_category = forms.ChoiceField(label=gettext_lazy("Your role"), choices=RoleCategory.choices,
                                      widget=forms.RadioSelect)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        kind = EvaluationQuestion.Kind
        for q in questions:
            if q.kind == kind.SCALE:
                self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                    label=q.text, choices=[(1, _("i liten grad")), (2, _("i noen grad")), (3, _("i stor grad"))],
                    coerce=int, required=False, empty_value=None, widget=forms.RadioSelect)
            elif q.kind == kind.CHOICE:
                self.fields[f"m{q.pk}"] = forms.TypedMultipleChoiceField(
                    label=q.text, choices=list(enumerate(q.options)), coerce=int, required=False,
                    widget=forms.CheckboxSelectMultiple)
            textarea = forms.Textarea(attrs={"rows": 2 if q.kind != kind.TEXT else 4, "class": "form-control"})
            if q.kind == kind.TEXT:
                self.fields[f"c{q.pk}"] = forms.CharField(label=q.text, required=False, max_length=4000, widget=textarea)
            else:
                self.fields[f"c{q.pk}"] = forms.CharField(label=_("Utdyp"), required=False, max_length=4000,
                                                          help_text=q.text,  # read out with the label
                                                          widget=textarea)

    def rows(self):
        """(question, the part heading it opens or "", the answer field or None, the text field)."""
        part = ""
        for q in self.questions:
            opens = q.part if q.part and q.part != part else ""
            part = q.part or part
            main = self[f"q{q.pk}"] if f"q{q.pk}" in self.fields else self[f"m{q.pk}"] if f"m{q.pk}" in self.fields \
                else None
            yield q, opens, main, self[f"c{q.pk}"]

    def answers(self) -> dict:
        return {q.pk: (self.cleaned_data.get(f"q{q.pk}"), self.cleaned_data.get(f"c{q.pk}", ""),
                       self.cleaned_data.get(f"m{q.pk}") or [])
                for q in self.questions}


SESSION_KEY = "evaluation_token"


@require_GET
def evaluation_link(request, token):
    """The personal link from the e-mail. It only puts the token in the session and sends the browser on to
    the form's address, which has no token: the form, its answer (POST) and every message (invalid, closed,
    already answered, someone else's link) are served there, so no log line with a status other than the
    redirect, and no POST, ever has the token in its path."""
    request.session[SESSION_KEY] = token
    return redirect("sessions_app:evaluation_form")


def _message(request, message, status=200, **extra):
    return render(request, "sessions_app/evaluation_message.html", {"message": message, **extra}, status=status)


@require_http_methods(["GET", "POST"])
def evaluation_form(request):
    """The evaluation form for the invitation whose link was opened in this browser. No login needed: the
    secret token (in the session) is the key. The answer is stored without any link to the person."""
    token = request.session.get(SESSION_KEY)
    invite = EvaluationInvite.objects.select_related("evaluation__gathering__round").filter(token=token).first() \
        if token else None
    if invite is None:
        return _message(request, _("This evaluation link is not valid."), status=404)
    if request.user.is_authenticated and request.user.email.lower() != invite.email.lower():
        return _message(request, _("This link was sent to someone else. Use the link in your own e-mail."), status=403)
    evaluation = invite.evaluation
    if invite.answered_on:
        return _message(request, _("You have already answered this evaluation. Thank you!"))
    if not evaluation.is_open:
        return _message(request, _("The evaluation is closed."), status=410)
    questions = list(evaluation.questions.order_by("order", "pk"))
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            evaluations.evaluation_answer(token=token, role_category=form.cleaned_data["role_category"],
                                          answers=form.answers())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session.pop(SESSION_KEY, None)
            return _message(request, _("Thank you! Your answers are saved anonymously."), thanks=True)
    return render(request, "sessions_app/evaluation_form.html", {"form": form, "evaluation": evaluation,
                                                                 "gathering": evaluation.gathering})


def _results_access(request, pk):
    gathering = access.get_gathering_for_user(request.user, pk)
    if not access.can_see_round_results(request.user, gathering.round):
        raise PermissionDenied
    return gathering


def _results(evaluation: Evaluation) -> dict:
    """The results through the anonymity boundary; for an evaluation not made yet (unsaved), the questions
    it would ask with no answers ("nothing yet")."""
    return anonymity.samling_results(evaluation) if evaluation.pk else anonymity.no_results(
        evaluations.questions_of(evaluation))


def _results_page(request, evaluation, round_, gathering=None):
    data = _results(evaluation)
    chart = {"labels": [r.question.text for r in data["questions"] if r.counts],
             "series": [r.shares for r in data["questions"] if r.counts]}
    roles = [(key, label) for key, label in [*RoleCategory.choices, ("", _("Not kept"))]
             if any(key in r.by_role for r in data["questions"])]
    if not any(key for key, _label in roles):  # no role category kept: nothing to split by
        roles = []
    role_rows = [(r.question, [r.by_role.get(key) for key, _label in roles]) for r in data["questions"]
                 if r.by_role and roles]
    if gathering is not None:
        exports_ = [reverse("sessions_app:evaluation_export", args=[gathering.pk, fmt]) for fmt in ("xlsx", "csv")]
    else:
        exports_ = [reverse("sessions_app:survey_export", args=[round_.pk, fmt]) for fmt in ("xlsx", "csv")]
    return render(request, "sessions_app/evaluation_results.html", {
        "gathering": gathering, "evaluation": evaluation, "round": round_, **data, "chart": chart,
        "roles": [label for _key, label in roles], "role_rows": role_rows,
        "can_manage": access.can_manage_round(request.user, round_),
        "export_xlsx": exports_[0], "export_csv": exports_[1],
    })


@login_required
def evaluation_results(request, pk):
    gathering = _results_access(request, pk)
    evaluation = evaluations.evaluation_read(gathering=gathering)  # reading creates nothing
    if not evaluation.pk:
        return render(request, "sessions_app/evaluation_none.html", {
            "gathering": gathering, "round": gathering.round,
            "can_manage": access.can_manage_round(request.user, gathering.round)})
    return _results_page(request, evaluation, gathering.round, gathering)


def _survey_round(request, round_pk, *, manage=False):
    """Those who see the round's results see the survey; only those who manage the round send it. Others
    who see the round get 403, outsiders 404."""
    round_ = access.get_round_for_user(request.user, round_pk)
    if not access.can_see_round_results(request.user, round_):
        raise PermissionDenied
    if manage and not access.can_manage_round(request.user, round_):
        raise PermissionDenied
    return round_


@login_required
def survey_results(request, round_pk):
    """The round's end-of-round survey: its results for the round's organisers and the national lead, and
    for the regional coordinator the button that sends it."""
    round_ = _survey_round(request, round_pk)
    return _results_page(request, evaluations.evaluation_read(round_=round_), round_)  # not sent yet: nothing yet


@login_required
@require_POST
def survey_send(request, round_pk):
    round_ = _survey_round(request, round_pk, manage=True)
    try:
        sent = evaluations.survey_send(round_=round_, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, ngettext("The survey was sent to %(n)s person.", "The survey was sent to %(n)s people.",
                                           sent) % {"n": sent})
    return redirect("sessions_app:survey_results", round_pk=round_.pk)


@login_required
def survey_export(request, round_pk, fmt):
    round_ = _survey_round(request, round_pk)
    return _export(evaluations.evaluation_read(round_=round_), fmt, ("sluttevaluering", round_.title))


class QuestionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("New question"), max_length=400)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of question"), choices=EvaluationQuestion.Kind.choices,
                             initial=EvaluationQuestion.Kind.SCALE, widget=forms.RadioSelect)
    options = forms.CharField(
        label=gettext_lazy("Options (multiple choice), one per line"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Leave empty for the study's stakeholders: foreldre/foresatte, barn og unge, lokalt "
                               "næringsliv, frivillig sektor, andre."))


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_questions(request, pk):
    """The samling's own questions. Until its evaluation is made the page shows the questions it would ask
    (``planned_questions``) and writes nothing; the first change (add or remove a question) makes it."""
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    evaluation = evaluations.evaluation_read(gathering=gathering)  # unsaved until the first change
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                question = evaluation.questions.filter(pk=request.POST.get("delete")).first() if evaluation.pk else None
                if question is None:
                    raise Http404
                evaluations.question_delete(evaluation=evaluation, question=question)
                messages.success(request, _("The question was removed."))
                return redirect("sessions_app:evaluation_questions", pk=gathering.pk)
            if "delete_planned" in request.POST:  # a planned question (no id yet): by its place and text
                order, _colon, text = request.POST["delete_planned"].partition(":")
                try:
                    evaluations.planned_question_delete(gathering=gathering, order=int(order) if order.isdigit()
                                                        else -1, text=text)
                except EvaluationQuestion.DoesNotExist:
                    raise Http404 from None
                messages.success(request, _("The question was removed."))
                return redirect("sessions_app:evaluation_questions", pk=gathering.pk)
            if form.is_valid():
                evaluations.question_add(gathering=gathering, text=form.cleaned_data["text"],
                                         kind=form.cleaned_data["kind"], options=form.cleaned_data["options"].splitlines())
                messages.success(request, _("The question was added."))
                return redirect("sessions_app:evaluation_questions", pk=gathering.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "sessions_app/evaluation_questions.html", {
        "gathering": gathering, "evaluation": evaluation, "questions": evaluations.questions_of(evaluation),
        "form": form})


@login_required
def round_evaluations(request, round_pk):
    round_ = access.get_round_for_user(request.user, round_pk)
    if not access.can_see_round_results(request.user, round_):
        raise PermissionDenied
    gatherings, trend = anonymity.round_trend(round_)
    return render(request, "sessions_app/evaluation_trend.html", {"round": round_, "gatherings": gatherings, "trend": trend,
                                                                  "min_cell": anonymity.min_answers()})


@login_required
def evaluation_export(request, pk, fmt):
    """The samling's results, and the anonymous answers when the anonymity boundary allows them."""
    gathering = _results_access(request, pk)
    return _export(evaluations.evaluation_read(gathering=gathering), fmt, ("evaluering", gathering.title))


def _export(evaluation, fmt, name: tuple[str, ...]):
    """The results and (through the boundary) the answers; an evaluation not made yet exports its questions
    with no answers ("nothing yet") and is not made by the reading."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    results = _results(evaluation)
    rows = anonymity.export_rows(evaluation, results) if evaluation.pk else None
    if fmt == "csv":
        return tables.download(exports.evaluation_csv(evaluation, results, rows), name=tables.filename(*name, ext="csv"),
                               content_type=tables.CSV_TYPE)
    return tables.download(exports.evaluation_xlsx(evaluation, results, rows), name=tables.filename(*name, ext="xlsx"),
                           content_type=tables.XLSX_TYPE)
