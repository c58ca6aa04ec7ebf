"""Evaluations after every samling: the question set, sending to the people who attended (through the
outbox, from a beat sweep) and anonymous answers. Results come only from ``anonymity`` (the boundary)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from absolutt.core import freshness
from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.reminders import Occasion, occasions_queue
from municipalities.models import CoreGroupMember, RoleCategory

from .anonymity import kept_roles, min_answers
from .models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationInvite,
    EvaluationPending,
    EvaluationQuestion,
    EvaluationResponse,
    Gathering,
    Registration,
)

SEND_WINDOW = timedelta(days=30)  # samlinger that ended longer ago are not evaluated after downtime

# The study's survey (NTNU 2022), on the scale i liten grad / i noen grad / i stor grad.
CORE_QUESTIONS = [
    ("kunnskap-praksis", "I hvilken grad har samlingen gitt folkevalgte mer kunnskap om praksis i skoler, barnehager og andre deler av oppvekstsektoren?"),
    ("handlingsrom", "I hvilken grad har samlingen styrket forståelsen av kommunens handlingsrom?"),
    ("rolleforstaelse", "I hvilken grad har samlingen styrket rolleforståelsen mellom folkevalgte og administrasjon?"),
    ("ansvar", "I hvilken grad har samlingen styrket bevisstheten om ansvaret for barn og unges utdanning og oppvekst?"),
    ("relevans", "I hvilken grad var samlingen relevant for din rolle?"),
]
TEMPLATE_QUESTIONS = [
    ("broer", "I hvilken grad har samlingen bidratt til å bygge broer mellom tjenester og sektorer?"),
    ("nettverk", "I hvilken grad har samlingen bidratt til nettverk mellom kommunene?"),
    ("planer", "I hvilken grad tror du arbeidet vil sette spor i kommunens planer?"),
    ("mestring", "I hvilken grad tror du kommunen vil mestre utfordringene dere har pekt på?"),
]

# The stakeholders the study asks about ("Kryss av for hvilke av de følgende interessenter programmet har
# bidratt til å engasjere").
STAKEHOLDERS = ("foreldre/foresatte", "barn og unge", "lokalt næringsliv", "frivillig sektor", "andre")


def core_questions(*, save: bool = True) -> list[EvaluationQuestion]:
    """The national shared core; created from the study's survey the first time it is needed. With
    ``save=False`` nothing is written: the study's questions come back unsaved when there is no core yet."""
    qs = list(EvaluationQuestion.objects.filter(evaluation__isnull=True, round__isnull=True, is_core=True))
    if not qs:
        qs = [EvaluationQuestion(is_core=True, core_key=k, text=t, order=i) for i, (k, t) in enumerate(CORE_QUESTIONS)]
        if save:
            for q in qs:
                q.save()
    return qs


def round_template(round_, *, save: bool = True) -> list[EvaluationQuestion]:
    """The round's template; created with the study's template questions the first time it is needed (with
    ``save=False``: unsaved, nothing written)."""
    qs = list(EvaluationQuestion.objects.filter(round=round_, evaluation__isnull=True))
    if not qs:
        qs = [EvaluationQuestion(round=round_, core_key=k, text=t, order=100 + i)
              for i, (k, t) in enumerate(TEMPLATE_QUESTIONS)]
        if save:
            for q in qs:
                q.save()
    return qs


def planned_questions(*, gathering: Gathering, save: bool = False) -> list[EvaluationQuestion]:
    """The questions a samling's evaluation asks when it is made: unsaved copies of the national core, then
    of the round's template, in that order. Reading (``save=False``) writes nothing, so a page can show the
    questions that *would* be used before the evaluation exists."""
    sources = core_questions(save=save) + round_template(gathering.round, save=save)
    return [EvaluationQuestion(is_core=q.is_core, core_key=q.core_key, text=q.text, order=q.order, kind=q.kind,
                               options=list(q.options), part=q.part)
            for q in sorted(sources, key=lambda q: q.order)]  # stable: the order the page shows them in


def evaluation_read(*, gathering: Gathering | None = None, round_=None) -> Evaluation:
    """The samling's evaluation (or, with ``round_``, the round's end-of-round survey) for reading. When it is
    not made yet, an unsaved one (``pk`` is None): reading makes nothing, the first write does."""
    if gathering is not None:
        return Evaluation.objects.filter(gathering=gathering).first() or Evaluation(gathering=gathering)
    return Evaluation.objects.filter(survey_round=round_).first() or Evaluation(survey_round=round_)


def questions_of(evaluation: Evaluation) -> list[EvaluationQuestion]:
    """The questions the evaluation asks; for one not made yet, the ones it would ask (unsaved)."""
    if evaluation.pk:
        return list(evaluation.questions.order_by("order", "pk"))
    if evaluation.gathering is None:  # the round's end-of-round survey
        return survey_questions()
    return planned_questions(gathering=evaluation.gathering)


@transaction.atomic
def evaluation_ensure(*, gathering: Gathering) -> Evaluation:
    """The samling's evaluation with its own copy of the questions (``planned_questions``), which regional
    coordinators may edit per samling until it is sent. Only write paths call this: the sweep when the
    samling ends, and the first change on the questions page."""
    evaluation, created = Evaluation.objects.get_or_create(gathering=gathering)
    if created:
        for q in planned_questions(gathering=gathering, save=True):
            q.evaluation = evaluation
            q.save()
    return evaluation


@transaction.atomic
def planned_question_delete(*, gathering: Gathering, order: int, text: str) -> None:
    """Remove one of the samling's own questions as the questions page showed it (by its place and text: a
    planned question has no id before the evaluation exists). This is a first write, so the evaluation is
    made here if it was not; nothing is kept when the question is not (or no longer) there
    (``EvaluationQuestion.DoesNotExist``)."""
    evaluation = evaluation_ensure(gathering=gathering)
    question = evaluation.questions.filter(is_core=False, order=order, text=text).order_by("pk").first()
    if question is None:
        raise EvaluationQuestion.DoesNotExist
    question_delete(evaluation=evaluation, question=question)


@transaction.atomic
def question_add(*, gathering: Gathering, text: str, kind: str = EvaluationQuestion.Kind.SCALE,
                 options: list[str] | None = None) -> EvaluationQuestion:
    """Add one of the samling's own questions after the others. A first write: the evaluation is made here
    if it was not."""
    evaluation = evaluation_ensure(gathering=gathering)
    last = evaluation.questions.order_by("-order").first()
    return question_save(evaluation=evaluation, question=None, text=text, order=(last.order + 1) if last else 0,
                         kind=kind, options=options)


def question_save(*, evaluation: Evaluation, question: EvaluationQuestion | None, text: str, order: int,
                  kind: str = EvaluationQuestion.Kind.SCALE, options: list[str] | None = None) -> EvaluationQuestion:
    """Add or change one of the samling's own questions: the scale (with "Utdyp"), multiple choice (the
    study's stakeholders unless other options are given) or free text."""
    if evaluation.sent_at:
        raise ValidationError(_("The evaluation has been sent; its questions can no longer change."))
    if question is not None and question.is_core:
        raise ValidationError(_("The shared national questions cannot be changed here."))
    if not text.strip():
        raise ValidationError({"text": _("Write the question.")})
    if kind not in EvaluationQuestion.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of question.")})
    options = [o.strip() for o in options or [] if o.strip()]
    if kind == EvaluationQuestion.Kind.CHOICE and not options:
        options = list(STAKEHOLDERS)
    question = question or EvaluationQuestion(evaluation=evaluation)
    question.text, question.order, question.kind = text.strip(), order, kind
    question.options = options if kind == EvaluationQuestion.Kind.CHOICE else []
    question.save()
    return question


def question_delete(*, evaluation: Evaluation, question: EvaluationQuestion) -> None:
    if evaluation.sent_at or question.is_core:
        raise ValidationError(_("This question cannot be removed."))
    question.delete()


# --- The end-of-round survey: the study's survey (NTNU, autumn 2021), sent to the core groups --------------

# Parts and items of the study's survey. Part 1's background questions are left out but for the role
# (asked on every form): the municipality's size band or other programmes would, with the role, narrow a
# respondent down to a few people. Every item is part of the shared core (its key), so results compare
# across rounds and regions.
S, C, T = EvaluationQuestion.Kind.SCALE, EvaluationQuestion.Kind.CHOICE, EvaluationQuestion.Kind.TEXT
SURVEY = [
    ("Del 2: Kvalitet og kunnskapsgrunnlag (ståsted)", [
        (S, "s-kunnskap-praksis", "I hvilken grad har programmet vektlagt at folkevalgte skal utvikle mer kunnskap om "
                                  "praksis ved skoler, barnehager og andre deler av oppvekstsektoren?"),
        (S, "s-handlingsrom", "I hvilken grad har programmet vektlagt at folkevalgte, administrasjon og ulike aktører i "
                              "lokalsamfunnet sammen skal utvikle forståelse av handlingsrom?"),
        (S, "s-rolleforstaelse", "I hvilken grad har programmet vektlagt at de sammen skal utvikle rolleforståelse?"),
        (S, "s-ansvar", "I hvilken grad har programmet vektlagt at de sammen skal utvikle kunnskap om ansvar for barn og "
                        "unges utdanning og oppvekst?"),
        (T, "s-staasted", "På hvilken måte har arbeidet med programmet tatt utgangspunkt i kommunens eget "
                          "ståsted/nåsituasjon?"),
        (T, "s-grunnlag", "Hva har dannet det lokale grunnlaget for å realisere intensjoner om å legge til rette for "
                          "gode oppvekstvilkår for barn og unge?"),
        (T, "s-losninger", "Hvordan har arbeidet med programmet bidratt til gode løsninger for å møte barn og unges "
                           "behov?"),
        (T, "s-rollefordeling", "Hvordan har dere arbeidet med å utvikle kunnskap rundt rollefordeling, ansvar og "
                                "handlingsrom?"),
        (S, "s-helhetlig", "I hvilken grad har programmet lagt vekt på at kommunen utvikler en helhetlig utdannings- og "
                           "oppvekstpolitikk?"),
    ]),
    ("Del 3: Fremtidsbilder og samskaping", [
        (S, "s-inkluderende", "I hvilken grad har programmet lagt vekt på at kommunene utvikler en inkluderende "
                              "utdannings- og oppvekstpolitikk?"),
        (S, "s-broer", "I hvilken grad har programmet bidratt til å bygge broer på tvers av tjenestegrenser?"),
        (S, "s-nettverk", "I hvilken grad har arbeidet mellom samlinger bidratt til involvering og nettverksbygging "
                          "mellom sentrale aktører knyttet til barn og unges oppvekst?"),
        (S, "s-planverk", "I hvilken grad finnes det spor av programmets intensjoner i det kommunale planverket?"),
        (S, "s-tiltak", "I hvilken grad har deltakelse i Absolutt ført til nye, konkrete tiltak som ellers ikke ville "
                        "blitt realisert?"),
        (C, "s-interessenter", "Kryss av for hvilke av de følgende interessenter programmet har bidratt til å engasjere:"),
        (T, "s-interessenter-utdyp", "Utdyp, på hvilken måte de ulike interessenter har bidratt:"),
        (S, "s-varig-tjenester", "I hvilken grad bidrar programmet til å gi varige endringer i tjenestestedene "
                                 "(skole/barnehage/andre)?"),
        (S, "s-varig-administrasjon", "I hvilken grad bidrar programmet til å gi varige endringer i administrasjonen?"),
        (S, "s-varig-politisk", "I hvilken grad bidrar programmet til å gi varige endringer på politisk/folkevalgt nivå?"),
        (S, "s-mestring", "I hvilken grad har programmet bidratt til troen på det å mestre utfordringer knyttet til "
                          "arbeid med barn og unges oppvekst?"),
    ]),
    ("Del 4: Utviklingsprosesser og styrket profesjonsfellesskap", [
        (S, "s-relevans", "I hvilken grad har programmet Absolutt vært relevant for din rolle/oppgave i kommunen?"),
        (S, "s-relasjoner", "I hvilken grad har programmet bidratt til gode relasjoner mellom politikere og "
                            "administrasjon?"),
    ]),
    ("Del 5: Suksesser og utfordringer", [
        (T, "s-oppnadd", "Hva er det viktigste dere i din kommune har oppnådd? Hva har dere fått til?"),
        (T, "s-suksess", "Hva er suksessfaktorene i lokal gjennomføring? Hva må til for å få det til?"),
        (T, "s-utfordringer", "Hva har vært de største utfordringene i arbeidet?"),
        (T, "s-tilfoye", "Har du noe å tilføye, kan du gjøre det her:"),
    ]),
]


def survey_questions() -> list[EvaluationQuestion]:
    """The end-of-round survey's questions, unsaved: the study's parts and items (all in the shared core)."""
    questions, order = [], 0
    for part, items in SURVEY:
        for kind, key, text in items:
            questions.append(EvaluationQuestion(
                is_core=True, core_key=key, text=text, order=order, kind=kind, part=part,
                options=list(STAKEHOLDERS) if kind == EvaluationQuestion.Kind.CHOICE else []))
            order += 1
    return questions


@transaction.atomic
def survey_ensure(*, round_) -> Evaluation:
    """The round's end-of-round survey with its questions (``survey_questions``). Only the sending calls this;
    the results page and export of a survey not sent yet read ``survey_questions`` and write nothing."""
    evaluation, created = Evaluation.objects.get_or_create(survey_round=round_)
    if created:
        for q in survey_questions():
            q.evaluation = evaluation
            q.save()
    return evaluation


def survey_send(*, round_, now) -> int:
    """Open the round's end-of-round survey and invite every active member of the round's core groups who
    has an e-mail address (through the outbox). Safe to run twice: invitations are unique per person and
    e-mail, and a survey is opened once. Returns how many e-mails were queued."""
    evaluation = survey_ensure(round_=round_)
    Evaluation.objects.filter(pk=evaluation.pk, sent_at__isnull=True).update(sent_at=now)
    evaluation.refresh_from_db()
    if not evaluation.is_open_at(now):
        raise ValidationError(_("The end-of-round survey is closed."))
    occasions = []
    members = (CoreGroupMember.objects.filter(participant__round=round_, is_active=True).exclude(email="")
               .order_by("pk"))
    for m in members:
        invite, _created = EvaluationInvite.objects.get_or_create(
            evaluation=evaluation, email=m.email.lower(), defaults={"name": m.name, "role_category": m.role_category})
        occasions.append(_occasion(evaluation, invite, OutgoingEmail.Kind.EVALUATION_INVITE))
    return occasions_queue(occasions)


# --- Sending (beat sweep) -----------------------------------------------------------------------

def evaluations_due(*, now) -> int:
    """Invite the people who attended each samling that has ended; remind non-respondents once after the
    evaluation's reminder period; nothing after it closes. Safe to run twice or on two workers: invites
    are unique per person (inserted with ON CONFLICT DO NOTHING) and the reminder engine records each
    e-mail once. A few queries per recently ended samling, none per attendee."""
    occasions: list[Occasion] = []
    ended = Gathering.objects.filter(ends_at__lte=now, ends_at__gte=now - SEND_WINDOW).select_related("round")
    for gathering in ended:
        evaluation = evaluation_ensure(gathering=gathering)
        if now >= evaluation.closes_at:
            continue
        invites = list(evaluation.invites.all())
        invited = {i.email.lower() for i in invites}
        attendees = gathering.registrations.filter(status=Registration.Status.REGISTERED, attended=True)
        new = [EvaluationInvite(evaluation=evaluation, email=r.email.lower(), registration=r, name=r.name,
                                role_category=r.role_category or "")
               for r in attendees if r.email.lower() not in invited]
        if new:
            EvaluationInvite.objects.bulk_create(new, ignore_conflicts=True)
            freshness.touch()  # bulk writes send no signals
            invites = list(evaluation.invites.all())
        attended = {r.email.lower() for r in attendees}
        for invite in invites:
            if invite.email.lower() in attended:
                occasions.append(_occasion(evaluation, invite, OutgoingEmail.Kind.EVALUATION_INVITE))
        if evaluation.sent_at is None:
            Evaluation.objects.filter(pk=evaluation.pk, sent_at__isnull=True).update(sent_at=now)
        if now >= evaluation.opens_at + timedelta(days=evaluation.reminder_after_days):
            occasions.extend(_occasion(evaluation, invite, OutgoingEmail.Kind.EVALUATION_REMINDER)
                             for invite in invites if invite.answered_on is None)
    # End-of-round surveys that are open: one reminder after the reminder period.
    for evaluation in Evaluation.objects.filter(survey_round__isnull=False, sent_at__isnull=False,
                                                sent_at__gte=now - SEND_WINDOW).select_related("survey_round"):
        if evaluation.is_open_at(now) and now >= evaluation.opens_at + timedelta(days=evaluation.reminder_after_days):
            occasions.extend(_occasion(evaluation, invite, OutgoingEmail.Kind.EVALUATION_REMINDER)
                             for invite in evaluation.invites.filter(answered_on__isnull=True))
    return occasions_queue(occasions)


def _occasion(evaluation: Evaluation, invite: EvaluationInvite, kind: str) -> Occasion:
    return Occasion(
        to=invite.email, kind=kind, key=f"{kind}:{invite.pk}", exact_key=True,
        about=evaluation.gathering if evaluation.gathering_id else evaluation.survey_round,
        due_at=evaluation.opens_at,
        context={"name": invite.name, "title": evaluation.gathering.title if evaluation.gathering_id
                 else evaluation.survey_round.title, "closes_at": evaluation.closes_at,
                 "path": reverse("sessions_app:evaluation_answer", kwargs={"token": invite.token})},
    )


# --- Answering: invitation and answer in separate transactions, answers into the pending pool --------------

def evaluation_answer(*, token: str, role_category: str, answers: dict[int, tuple]) -> None:
    """Take one anonymous answer. ``answers`` maps question id → (value 1–3 or None, comment) or, for a
    multiple-choice question, (None, comment, [indexes of the options ticked]).

    Two transactions, never one: the first claims the invitation (a conditional UPDATE that records only
    the date, so a second answer is refused), the second puts the answer in the pending pool with a random
    id and no time. Nothing joins the two: not a key, not a transaction id, not a time. If the second fails,
    the claim is taken back so that the person can try again. The beat releases the pool into the results
    (``evaluations_release``)."""
    invite = EvaluationInvite.objects.select_related("evaluation__gathering").filter(token=token).first()
    if invite is None:
        raise ValidationError(_("This evaluation link is not valid."))
    evaluation = invite.evaluation
    if invite.answered_on is not None:
        raise ValidationError(_("You have already answered this evaluation. Thank you!"))
    if not evaluation.is_open:
        raise ValidationError(_("The evaluation is closed."))
    if role_category not in RoleCategory.values:
        raise ValidationError({"role_category": _("Choose your role.")})
    questions = {q.pk: q for q in evaluation.questions.all()}
    if set(answers) - set(questions):
        raise ValidationError(_("The form does not match this evaluation. Reload the page."))
    payload = {}
    for qid, (value, comment, *rest) in answers.items():
        question, selected = questions[qid], sorted(set(rest[0])) if rest and rest[0] else []
        kind = EvaluationQuestion.Kind
        if value is not None and (question.kind != kind.SCALE or value not in (1, 2, 3)):
            raise ValidationError(_("Answers must be i liten grad, i noen grad or i stor grad."))
        if selected and (question.kind != kind.CHOICE or not all(
                isinstance(i, int) and 0 <= i < len(question.options) for i in selected)):
            raise ValidationError(_("The form does not match this evaluation. Reload the page."))
        comment = comment.strip()[:4000]
        if value is not None or comment or selected:
            payload[str(qid)] = [value, comment, selected]

    with transaction.atomic():
        claimed = EvaluationInvite.objects.filter(pk=invite.pk, answered_on__isnull=True).update(
            answered_on=timezone.localdate())
    if not claimed:
        raise ValidationError(_("You have already answered this evaluation. Thank you!"))
    freshness.touch()  # the response rate changed (an update sends no signal)
    try:
        with transaction.atomic():
            EvaluationPending.objects.create(evaluation=evaluation, role_category=role_category, answers=payload)
    except Exception:
        EvaluationInvite.objects.filter(pk=invite.pk).update(answered_on=None)
        raise


# --- Release: the beat moves the pool into the results in shuffled batches of at least k --------------------

def evaluations_release(*, now) -> int:
    """For each evaluation with answers in the pending pool, in one transaction under a lock on the
    evaluation: when at least k are pending, release them all into ``EvaluationResponse``/``EvaluationAnswer``
    in random order under new random ids; otherwise re-write the pending rows under new ids in random order,
    so that neither their transaction id, their place on disk nor their id tells in which order people
    answered.

    Answers are only ever released in batches of at least k: a smaller batch could be told apart by
    comparing the results (or the database) before and after it. What is left in the pool when the
    evaluation closes — fewer than k — is therefore deleted unreleased.

    Safe to run twice or from two beats: the lock serialises them and a released row is gone from the pool.
    Returns how many answers were released."""
    k = min_answers()
    released = 0
    for evaluation_id in (EvaluationPending.objects.values_list("evaluation_id", flat=True).distinct().order_by()):
        with transaction.atomic():
            evaluation = (Evaluation.objects.select_for_update(of=("self",)).select_related("gathering")
                          .filter(pk=evaluation_id).first())
            if evaluation is None:
                continue
            pending = list(EvaluationPending.objects.filter(evaluation=evaluation))
            if not pending:
                continue
            EvaluationPending.objects.filter(pk__in=[p.pk for p in pending]).delete()
            rng = random.SystemRandom()
            rng.shuffle(pending)
            if len(pending) < k:
                if now < evaluation.closes_at:  # wait for more, under new ids in a new order
                    EvaluationPending.objects.bulk_create([
                        EvaluationPending(evaluation=evaluation, role_category=p.role_category, answers=p.answers)
                        for p in pending])
                continue
            answered = Counter(dict(
                evaluation.invites.filter(answered_on__isnull=False)
                .values_list("role_category").annotate(n=Count("pk")).order_by()))
            keep = kept_roles({role or "": n for role, n in answered.items()})
            questions = set(evaluation.questions.values_list("pk", flat=True))
            responses, rows = [], []
            for p in pending:
                response = EvaluationResponse(evaluation=evaluation,
                                              role_category=p.role_category if p.role_category in keep else "")
                responses.append(response)
                for qid, (value, comment, *rest) in p.answers.items():
                    if int(qid) in questions:
                        rows.append(EvaluationAnswer(response=response, question_id=int(qid), value=value,
                                                     comment=comment, selected=rest[0] if rest else []))
            rng.shuffle(rows)
            EvaluationResponse.objects.bulk_create(responses)
            EvaluationAnswer.objects.bulk_create(rows)
            freshness.touch()  # bulk writes send no signals
            released += len(pending)
    return released
