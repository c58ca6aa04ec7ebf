"""Demo samlinger: the Møre og Romsdal round's gatherings with their real dates (from KS's slides), with
registrations and attendance, and coming samlinger in Agder where registration is open."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from municipalities.models import CoreGroupMember, RoleCategory

from .models import AgendaItem, Gathering, Registration

OSLO = ZoneInfo("Europe/Oslo")


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=OSLO)


K, C, E = Gathering.Kind.JOINT, Gathering.Kind.COORDINATORS, Gathering.Kind.CLOSING
P, D, H = Gathering.Format.PHYSICAL, Gathering.Format.DIGITAL, Gathering.Format.HYBRID
VIDEO = "https://teams.example/absolutt-mr"

MR = [
    # kind, number, title, theme, start, end, format, venue
    (K, 1, "Fellessamling 1", "Oppstart – hva er ABSOLUTT?", at(2020, 11, 17, 9), at(2020, 11, 17, 14), D, ""),
    (K, 2, "Fellessamling 2", "Behov for endring?", at(2020, 12, 10, 10), at(2020, 12, 11, 15), P, "Scandic Seilet, Molde"),
    (C, 1, "Koordinatorsamling januar 2021", "Oppfølging av koordinatorer", at(2021, 1, 6, 10), at(2021, 1, 6, 12), D, ""),
    (K, 3, "Fellessamling 3", "Er vi på rett vei?", at(2021, 3, 24, 10), at(2021, 3, 25, 15), P, "Quality Hotel Ålesund"),
    (C, 2, "Koordinatorsamling september 2021", "Oppfølging av koordinatorer", at(2021, 9, 9, 10), at(2021, 9, 9, 12), D, ""),
    (K, 4, "Fellessamling 4", "Hvordan få til varig endring?", at(2021, 11, 18, 10), at(2021, 11, 19, 15), H, "Thon Hotel Kristiansund"),
    (C, 3, "Koordinatorsamling januar 2022", "Oppfølging av koordinatorer", at(2022, 1, 12, 10), at(2022, 1, 12, 12), D, ""),
    (E, 5, "Erfaringssamling", "Erfaringsdeling og veien videre", at(2022, 4, 20, 10), at(2022, 4, 21, 15), P, "Scandic Seilet, Molde"),
]

AGDER = [
    (K, 1, "Fellessamling 1", "Behov for endring?", at(2026, 12, 10, 9), at(2026, 12, 10, 15, 30), P,
     "Kilden, Sjølystveien 2, Kristiansand", at(2026, 12, 1, 23, 59)),
    (C, 1, "Koordinatorsamling januar 2027", "Oppfølging av koordinatorer", at(2027, 1, 14, 13), at(2027, 1, 14, 15), D,
     "", at(2027, 1, 12, 12)),
    (K, 2, "Fellessamling 2", "Er vi på rett vei?", at(2027, 3, 26, 10), at(2027, 3, 29, 15), P,
     "Clarion Hotel Ernst, Kristiansand", at(2027, 3, 15, 12)),
]

AGENDA = [(0, 0, "Velkommen og mål for dagen", "Regional koordinator"),
          (0, 30, "Ståstedsanalyse: hva forteller Ungdata oss?", "Kompetansemiljøet"),
          (2, 0, "Gruppearbeid i kjernegruppene", ""),
          (3, 30, "Lunsj", ""),
          (4, 30, "Erfaringsdeling på tvers av kommunene", "Deltakerkommunene")]


def _add_agenda(g: Gathering) -> None:
    if g.agenda.exists():
        return
    for hh, mm, title, speaker in AGENDA:
        AgendaItem.objects.create(gathering=g, starts_at=g.starts_at + timedelta(hours=hh, minutes=mm), title=title,
                                  speaker=speaker)


def _gathering(round_, kind, number, title, theme, start, end, fmt, venue, deadline=None) -> tuple[Gathering, bool]:
    joint = kind != Gathering.Kind.COORDINATORS
    return Gathering.objects.get_or_create(
        round=round_, title=title,
        defaults={
            "kind": kind, "number": number, "theme_question": theme, "starts_at": start, "ends_at": end, "format": fmt,
            "venue": venue, "video_link": VIDEO if fmt != P else "", "organisers": "KS Møre og Romsdal og Høgskulen i Volda"
            if round_.region.slug == "more-og-romsdal" else "KS Agder og Universitetet i Agder",
            "registration_deadline": deadline or (start - timedelta(days=10)),
            "seats_per_participant": 5 if joint else None, "capacity": 14 if round_.region.slug == "agder" and joint else None,
            "require_mix": joint,
            "summary": "Koordinatorene delte status fra kommunene. Flere ønsket eksempler på ståstedsanalyser; "
                       "disse legges ut som materiell." if kind == C and start < timezone.now() else "",
        },
    )


def demo_gatherings(*, mr_round, agder_round) -> None:
    for row in MR:
        g, created = _gathering(mr_round, *row)
        if not created:
            continue
        _add_agenda(g)
        _register_and_attend(g)
    for row in AGDER:
        g, created = _gathering(agder_round, *row)
        if created:
            _add_agenda(g)
    fs1 = Gathering.objects.get(round=agder_round, title="Fellessamling 1")
    if not fs1.registrations.exists():
        # Arendal has registered one person; Kristiansand nobody yet (the demo coordinator's task).
        for m in CoreGroupMember.objects.filter(participant__round=agder_round, participant__municipality__number="4203"):
            Registration.objects.create(gathering=fs1, participant=m.participant, core_group_member=m, name=m.name,
                                        email=m.email, title=m.title, role_category=m.role_category)


def _register_and_attend(g: Gathering) -> None:
    """Past samlinger: core groups registered (coordinators only for koordinatorsamlinger), most attended."""
    participants = g.round.participants.select_related("coordinator").prefetch_related("core_group")
    for index, p in enumerate(participants):
        if g.kind == Gathering.Kind.COORDINATORS:
            people = [(p.coordinator.get_full_name(), p.coordinator.email, "", "administrative", None)] if p.coordinator else []
        else:
            people = [(m.name, m.email, m.title, m.role_category, m) for m in p.core_group.all() if m.is_active][:5]
        for n, (name, email, title, category, member) in enumerate(people):
            Registration.objects.create(
                gathering=g, participant=p, core_group_member=member, name=name, email=email, title=title,
                role_category=category, created_at=g.starts_at - timedelta(days=14),
                attended=(n + index + g.pk) % 6 != 0,  # about one in six did not come
            )


# Answers spread like the study's survey (n = 47): roughly 5 % / 55 % / 40 % on liten / noen / stor grad.
SURVEY_SPREAD = [1] * 2 + [2] * 11 + [3] * 8
COMMENTS = ["Gode foredrag om barns utvikling.", "Nyttig å jobbe sammen med politikerne i kjernegruppen.",
            "Mer tid til erfaringsdeling mellom kommunene.", "Vi trenger eksempler på ståstedsanalyser."]


def demo_evaluations(*, mr_round) -> None:
    """The Møre og Romsdal round's first fellessamlinger evaluated by the people who attended."""
    from .evaluations import evaluation_ensure, evaluations_release
    from .models import EvaluationInvite, EvaluationPending

    rng = random.Random(2020)
    for title in ("Fellessamling 1", "Fellessamling 2"):
        g = Gathering.objects.filter(round=mr_round, title=title).first()
        if g is None or hasattr(g, "evaluation"):
            continue
        evaluation = evaluation_ensure(gathering=g)
        evaluation.sent_at = g.ends_at
        evaluation.save(update_fields=["sent_at"])
        questions = list(evaluation.questions.all())
        attendees = list(g.registrations.filter(status=Registration.Status.REGISTERED, attended=True))
        for n, r in enumerate(attendees):
            answered = n % 5 != 4  # about four in five answered
            EvaluationInvite.objects.create(evaluation=evaluation, registration=r, name=r.name, email=r.email.lower(),
                                            role_category=r.role_category or "",
                                            answered_on=g.ends_at.date() + timedelta(days=1) if answered else None)
            if not answered:
                continue
            EvaluationPending.objects.create(  # through the pool, as a real answer
                evaluation=evaluation, role_category=r.role_category if r.role_category in RoleCategory.values else "other",
                answers={str(q.pk): [rng.choice(SURVEY_SPREAD), rng.choice(COMMENTS) if rng.random() < 0.15 else ""]
                         for q in questions})
    evaluations_release(now=timezone.now())  # the samlinger are long closed: released as one batch each
