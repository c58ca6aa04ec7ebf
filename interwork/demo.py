"""Demo mellomarbeid: the Møre og Romsdal round's work between samlinger (ståsted, fremtidsbilde,
utviklingsarbeid, as in KS's slides) in varied states, and a coming deadline in Agder so that the running
worker and beat visibly send reminders."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from sessions_app.models import Gathering

from . import services
from .models import Assignment, Phase, Submission

OSLO = ZoneInfo("Europe/Oslo")

INSTR = {
    "felles": "Før første samling: skriv **kort** om hvorfor kommunen deltar, og hvem som sitter i kjernegruppen.\n\n"
              "- Hva ønsker dere å få ut av programmet?\n- Hvilken tilnærming har dere valgt?",
    "staasted": "Lag en **ståstedsanalyse** for barn og unge i kommunen, bygd på data:\n\n"
                "- tilstandsrapport for grunnskolen\n- Ungdata\n- kartlegginger og dialogmøter\n\n"
                "Oppgaven skal løses av politisk og administrativt nivå **sammen**.",
    "fremtidsbilde": "Beskriv kommunens felles **fremtidsbilde**: hvordan skal det være å vokse opp her om ti år? "
                     "Vis hvordan barn, unge og foreldre er involvert.",
    "utvikling": "Beskriv **utviklingsarbeidet**: konkrete tiltak, hvem som har ansvar, og hvordan arbeidet forankres "
                 "i kommuneplanens samfunnsdel, oppvekstplan eller handlingsplaner.",
}


def _g(round_, title):
    return Gathering.objects.filter(round=round_, title=title).first()


def demo_assignments(*, mr_round, agder_round, coordinator, mr_users) -> None:
    if Assignment.objects.filter(round__in=[mr_round, agder_round]).exists():
        return
    fs = {n: _g(mr_round, f"Fellessamling {n}") for n in (1, 2, 3, 4)}
    plan = [
        ("Felles oppgave før første samling", Phase.OTHER, "felles", None, fs[1], 3, False),
        ("Ståstedsanalyse", Phase.CURRENT_SITUATION, "staasted", fs[1], fs[2], 3, True),
        ("Fremtidsbilde", Phase.FUTURE_PICTURE, "fremtidsbilde", fs[2], fs[3], 7, True),
        ("Utviklingsarbeid og forankring", Phase.DEVELOPMENT, "utvikling", fs[3], fs[4], 7, True),
    ]
    assignments = []
    for title, phase, key, after, before, days, both in plan:
        opens = after.ends_at if after else mr_round.gatherings.order_by("starts_at").first().starts_at - timedelta(days=30)
        assignments.append(services.assignment_create(round_=mr_round, by_user=coordinator, data={
            "title": title, "phase": phase, "instructions": INSTR[key], "given_after": after, "due_before": before,
            "opens_at": opens, "due_days_before_gathering": days, "requires_both_levels": both,
            "expected_attachments": "Gjerne vedlegg: tilstandsrapport, planutkast" if key != "felles" else "",
        }))
    participants = list(mr_round.participants.select_related("municipality", "county", "coordinator").order_by("pk"))
    # states: Molde delivers everything (one returned then approved), others vary
    for i, p in enumerate(participants):
        actor = p.coordinator or coordinator
        for j, a in enumerate(assignments):
            pattern = (i + j) % 5
            if pattern == 4 and i != 0:
                continue  # not started
            s = services.submission_for(assignment=a, participant=p)
            text = f"{p.name}: {a.title.lower()} – arbeid i kjernegruppen. " * 3
            Submission.objects.filter(pk=s.pk).update(draft_text=text, status=Submission.Status.DRAFT)
            s.refresh_from_db()
            if pattern == 3 and i != 0:
                continue  # draft only
            members = list(p.core_group.filter(is_active=True, role_category__in=["elected", "administrative"]))
            s.contributors.set(members)
            v = services.submission_deliver(submission=s, by_user=actor)
            late = pattern == 2
            delivered_at = a.due_at + (timedelta(days=2) if late else -timedelta(days=2))
            v.delivered_at, v.is_late = delivered_at, late
            v.save(update_fields=["delivered_at", "is_late"])
            Submission.objects.filter(pk=s.pk).update(last_delivered_at=delivered_at, first_delivered_late=late)
            if pattern == 1 or i == 0:
                s.refresh_from_db()
                if j == 1 and i == 0:
                    services.submission_return(submission=s, by_user=coordinator,
                                               comment="Godt utgangspunkt. Ta med tall fra Ungdata og vis hvem som deltok.")
                    s.refresh_from_db()
                    Submission.objects.filter(pk=s.pk).update(draft_text=s.draft_text + "\n\nUngdata 2020: 82 % trives på skolen.")
                    services.submission_deliver(submission=s, by_user=actor)
                    s.refresh_from_db()
                if i == 4 and j == 2:
                    services.submission_return(submission=s, by_user=coordinator,
                                               comment="Beskriv hvordan barn og unge er involvert, og legg ved planutkastet.")
                else:
                    services.submission_approve(submission=s, by_user=coordinator, comment="Takk – godkjent.")

    # The review notices above are history (2021): nobody needs them in their inbox now.
    OutgoingEmail.objects.filter(kind__in=[OutgoingEmail.Kind.SUBMISSION_RETURNED, OutgoingEmail.Kind.SUBMISSION_APPROVED],
                                 about_type=ContentType.objects.get_for_model(Assignment),
                                 about_id__in=Assignment.objects.filter(round=mr_round).values("pk")).delete()

    # Agder: a task due in six days, so the 7-day reminder goes out at the first sweep of the running beat.
    now = timezone.localtime(timezone.now(), OSLO)
    due = datetime.combine(now.date() + timedelta(days=6), time(23, 59), tzinfo=OSLO)
    fs1 = _g(agder_round, "Fellessamling 1")
    services.assignment_create(round_=agder_round, by_user=coordinator, data={
        "title": "Felles oppgave før første samling", "phase": Phase.OTHER, "instructions": INSTR["felles"],
        "opens_at": now - timedelta(days=7), "due_at": due, "due_before": fs1, "requires_both_levels": False,
    })
    if fs1:
        services.assignment_create(round_=agder_round, by_user=coordinator, data={
            "title": "Ståstedsanalyse", "phase": Phase.CURRENT_SITUATION, "instructions": INSTR["staasted"],
            "given_after": fs1, "due_before": _g(agder_round, "Fellessamling 2"), "opens_at": fs1.ends_at,
            "due_days_before_gathering": 7, "requires_both_levels": True,
        })
