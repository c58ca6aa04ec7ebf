"""A national-scale data set for load tests, benchmarks and demonstrations of the national view.

All 357 current municipalities (from the imported register, or else from ``shared/data/kommuner-2024.csv``)
spread over the 11 KS regions; per region two rounds (one completed, one running); per round five samlinger
(fellessamling 1 and 2, a koordinatorsamling, fellessamling 3, the erfaringssamling) and six mellomarbeid
assignments; per participant ten core-group members and a municipal coordinator; registrations and
attendance, submissions in every state (some with extensions, some late, some never delivered), and
anonymous evaluation answers for every held samling.

Everything is made with ``bulk_create`` in one transaction, from a seeded random generator, so the same
scale and seed give the same shape. Generated rounds carry ``MARKER`` in their description and generated
users have addresses at ``EMAIL_DOMAIN``: that is what ``reset`` deletes (regions, municipalities, local
approaches and the national evaluation core are kept).
"""

from __future__ import annotations

import csv
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from absolutt.accounts.models import User
from absolutt.core import freshness
from absolutt.core.safety import refuse_in_production
from interwork.models import Assignment, Phase, Submission, SubmissionVersion
from municipalities.models import CoreGroupMember, County, Municipality, Participant, RoleCategory
from municipalities.register import SNAPSHOT_DIR
from programmes.models import LocalApproach, Region, Round
from sessions_app.evaluations import CORE_QUESTIONS, TEMPLATE_QUESTIONS, core_questions
from sessions_app.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationInvite,
    EvaluationQuestion,
    EvaluationResponse,
    Gathering,
    Registration,
)

OSLO = ZoneInfo("Europe/Oslo")
MARKER = "[Generert nasjonalt datasett]"
EMAIL_DOMAIN = "generert.absolutt.example"
BATCH = 2000

# The 11 KS regions and the counties (fylkesnummer, 2024) whose municipalities they serve.
KS_REGIONS = [
    ("Agder", "agder", ["42"]),
    ("Innlandet", "innlandet", ["34"]),
    ("Møre og Romsdal", "more-og-romsdal", ["15"]),
    ("Nordland", "nordland", ["18"]),
    ("Oslo", "oslo", ["03"]),
    ("Rogaland", "rogaland", ["11"]),
    ("Troms og Finnmark", "troms-og-finnmark", ["55", "56"]),
    ("Trøndelag", "trondelag", ["50"]),
    ("Vestfold og Telemark", "vestfold-og-telemark", ["39", "40"]),
    ("Vestland", "vestland", ["46"]),
    ("Viken", "viken", ["31", "32", "33"]),
]
PARTNERS = ["Universitetet i Agder", "Høgskolen i Innlandet", "Høgskulen i Volda", "Nord universitet",
            "OsloMet", "Universitetet i Stavanger", "UiT Norges arktiske universitet", "NTNU",
            "Universitetet i Sørøst-Norge", "Høgskulen på Vestlandet", "Universitetet i Sørøst-Norge"]
APPROACHES = ["0–24-samarbeidet", "FNs barnekonvensjon", "Fremtidens kulturskole", "Heltidssatsingen"]
FIRST = ["Anne", "Bjørn", "Camilla", "Dag", "Eli", "Frode", "Guro", "Hans", "Ingrid", "Jon", "Kari", "Lars",
         "Marit", "Nils", "Oda", "Per", "Ragnhild", "Sindre", "Tone", "Unni", "Vegard", "Åse", "Øystein", "Sara"]
LAST = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
        "Karlsen", "Berg", "Haugen", "Hagen", "Eriksen", "Bakken", "Lie", "Moen", "Solberg", "Strand", "Dahl"]

E, A, S, U, Y, OTH = (RoleCategory.ELECTED, RoleCategory.ADMINISTRATIVE, RoleCategory.SERVICE_LEADER,
                    RoleCategory.UNION, RoleCategory.YOUTH, RoleCategory.OTHER)
# Ten members, as DOMAIN.md lists them.
CORE_GROUP = [
    ("Ordfører", E), ("Leder, hovedutvalg for oppvekst", E), ("Kommunedirektør", A), ("Kommunalsjef oppvekst", A),
    ("Rektor, grunnskole", S), ("Barnehagestyrer", S), ("Skolefaglig rådgiver", OTH), ("Hovedtillitsvalgt", U),
    ("Leder, ungdomsrådet", Y), ("Rektor, kulturskolen", S),
]
# (title, kind, number, theme, day in the round, days long, format)
GATHERINGS = [
    ("Fellessamling 1", Gathering.Kind.JOINT, 1, "Hvor står vi?", 45, 0, Gathering.Format.DIGITAL),
    ("Fellessamling 2", Gathering.Kind.JOINT, 2, "Behov for endring?", 120, 1, Gathering.Format.PHYSICAL),
    ("Koordinatorsamling", Gathering.Kind.COORDINATORS, 1, "Oppfølging mellom samlingene", 200, 0,
     Gathering.Format.DIGITAL),
    ("Fellessamling 3", Gathering.Kind.JOINT, 3, "Er vi på rett vei?", 300, 1, Gathering.Format.PHYSICAL),
    ("Erfaringssamling", Gathering.Kind.CLOSING, 1, "Hvordan få til varig endring?", 520, 1,
     Gathering.Format.PHYSICAL),
]
# (title, phase, given after samling index or None, due before samling index, days before it)
ASSIGNMENTS = [
    ("Felles oppgave før første samling", Phase.OTHER, None, 0, 3),
    ("Ståstedsanalyse", Phase.CURRENT_SITUATION, 0, 1, 3),
    ("Behov for endring", Phase.NEED_FOR_CHANGE, 1, 2, 3),
    ("Fremtidsbilde", Phase.FUTURE_PICTURE, 2, 3, 7),
    ("Utviklingsarbeid og tiltak", Phase.DEVELOPMENT, 3, 4, 90),
    ("Forankring i kommunens planer", Phase.ANCHORING, 3, 4, 7),
]
ROUND_DAYS = 560
# How a participant engages: share of participants, registered people, attendance, answers, on time/late.
PROFILES = {
    "strong": {"share": 0.55, "people": (5, 7), "attend": 0.93, "answer": 0.75, "on_time": 0.85, "late": 0.10},
    "medium": {"share": 0.30, "people": (3, 5), "attend": 0.85, "answer": 0.60, "on_time": 0.62, "late": 0.20},
    "weak": {"share": 0.15, "people": (0, 3), "attend": 0.60, "answer": 0.40, "on_time": 0.25, "late": 0.20},
}
# The study's survey (n = 47): about 5 % / 55 % / 40 % on liten / noen / stor grad.
SPREAD = [1] * 2 + [2] * 11 + [3] * 8
COMMENTS = ["Gode foredrag om barns utvikling.", "Nyttig å jobbe sammen med politikerne i kjernegruppen.",
            "Mer tid til erfaringsdeling mellom kommunene.", "Vi trenger eksempler på ståstedsanalyser.",
            "Godt å se egne data fra Ungdata sammen med andre kommuner."]


class NationalDataExists(Exception):
    """Generated rounds are already in the database (use ``reset=True`` / ``--reset``)."""


@dataclass
class GenerationReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    municipality_source: str = ""
    deleted: int = 0

    def lines(self) -> list[str]:
        out = [f"Municipalities from {self.municipality_source}."]
        if self.deleted:
            out.append(f"Deleted the earlier generated data set ({self.deleted} rows).")
        out += [f"  {name:<28} {n:>8}" for name, n in self.counts.items()]
        out.append(f"Done in {self.seconds:.1f} s.")
        return out


def generated_rounds():
    return Round.objects.filter(description__startswith=MARKER)


def exists() -> bool:
    return generated_rounds().exists()


@transaction.atomic
def reset() -> int:
    """Delete the generated rounds (with everything in them) and the generated users. Returns rows deleted."""
    n, _ = generated_rounds().delete()
    m, _ = User.objects.filter(email__iendswith=f"@{EMAIL_DOMAIN}").delete()
    freshness.touch()
    return n + m


def default_csv_dir() -> Path:
    return SNAPSHOT_DIR


def _municipalities(csv_dir: Path | None) -> tuple[list[Municipality], str]:
    current = list(Municipality.objects.filter(valid_to__isnull=True).order_by("number"))
    if current:
        return current, f"the register ({len(current)} current municipalities)"
    path = (csv_dir or default_csv_dir()) / "kommuner-2024.csv"
    if not path.exists():
        raise FileNotFoundError(f"No municipalities in the register and no {path}. Run import_register first.")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    counties = {c.number: c for c in County.objects.all()}
    new_counties = []
    for r in rows:
        if r["fylkesnummer"] not in counties:
            counties[r["fylkesnummer"]] = County(number=r["fylkesnummer"], name=r["fylkesnavn"],
                                                 official_name=r["fylkesnavn"], valid_from=date(2024, 1, 1))
            new_counties.append(counties[r["fylkesnummer"]])
    County.objects.bulk_create(new_counties)
    counties = {c.number: c for c in County.objects.all()}
    Municipality.objects.bulk_create([
        Municipality(number=r["kommunenummer"], name=r["navn"], short_name=r["navn_norsk"] or r["navn"],
                     county=counties[r["fylkesnummer"]], population=int(r["folketall_2024"] or 0) or None,
                     administrative_centre=r["administrasjonssenter"],
                     valid_from=date.fromisoformat(r["klass_gyldig_fra"]) if r["klass_gyldig_fra"] else None)
        for r in rows
    ], ignore_conflicts=True)
    current = list(Municipality.objects.filter(valid_to__isnull=True).order_by("number"))
    return current, f"{path.name} ({len(current)} municipalities created)"


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, dtime(hh, mm), tzinfo=OSLO)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _pick_profile(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for name, p in PROFILES.items():
        acc += p["share"]
        if x < acc:
            return name
    return "strong"


@transaction.atomic
def generate(*, scale: float = 1.0, seed: int = 2024, csv_dir: Path | None = None, reset_first: bool = False,
             now: datetime | None = None) -> GenerationReport:
    """Generate the data set. ``scale`` (0 < scale ≤ 1) is the share of each region's municipalities that
    take part (at least one per region); 1 is every municipality in both of its region's rounds."""
    refuse_in_production("The national data generator")
    if not 0 < scale <= 1:
        raise ValueError("scale must be more than 0 and at most 1")
    started = time.perf_counter()
    report = GenerationReport()
    if exists():
        if not reset_first:
            raise NationalDataExists("A generated data set is already in the database. Use --reset to replace it.")
        report.deleted = reset()
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts: Counter = Counter()

    municipalities, report.municipality_source = _municipalities(csv_dir)
    by_county: dict[str, list[Municipality]] = {}
    for m in municipalities:
        by_county.setdefault(m.number[:2], []).append(m)

    regions = []
    for name, slug, _counties in KS_REGIONS:
        region = Region.objects.filter(Q(slug=slug) | Q(name=name)).first() or Region.objects.create(name=name, slug=slug)
        regions.append(region)
    approaches = [LocalApproach.objects.get_or_create(name=n)[0] for n in APPROACHES]
    core_questions()  # the national shared core exists before evaluations copy it

    password = make_password(None)  # unusable: these people log in only through force_login in benchmarks
    national, _ = User.objects.get_or_create(
        email=f"nasjonal@{EMAIL_DOMAIN}",
        defaults={"full_name": "Nina Nasjonal", "is_national_lead": True, "is_staff": True, "password": password})

    # --- Rounds, their people, and participants ------------------------------------------------------------
    rounds, round_people, chosen = [], [], []
    for i, (region, (name, slug, county_numbers)) in enumerate(zip(regions, KS_REGIONS, strict=True)):
        pool = [m for c in county_numbers for m in by_county.get(c, [])]
        if not pool:
            continue
        k = max(1, math.ceil(len(pool) * scale))
        picked = sorted(rng.sample(pool, k), key=lambda m: m.number) if k < len(pool) else pool
        shift = timedelta(days=(i % 6) * 14 - 35)  # regions run a little out of step with each other
        for j, (status, start) in enumerate([
            (Round.Status.COMPLETED, today - timedelta(days=ROUND_DAYS + 400) + shift),
            (Round.Status.RUNNING, today - timedelta(days=240) + shift),
        ]):
            end = start + timedelta(days=ROUND_DAYS)
            rounds.append(Round(
                region=region, title=f"ABSOLUTT {name} {start.year}–{end.year}", status=status,
                description=f"{MARKER} Regional programrunde i {name}.", starts_on=start, ends_on=end,
                signup_deadline=start + timedelta(days=20), competence_partner_organisation=PARTNERS[i],
            ))
            round_people.append([
                User(email=f"region-{slug}-{j + 1}@{EMAIL_DOMAIN}", full_name=_person(rng), is_staff=True,
                     password=password),
                User(email=f"partner-{slug}-{j + 1}@{EMAIL_DOMAIN}", full_name=_person(rng), password=password),
            ])
            chosen.append(picked)
    Round.objects.bulk_create(rounds)
    User.objects.bulk_create([u for pair in round_people for u in pair], batch_size=BATCH)
    Round.regional_coordinators.through.objects.bulk_create(
        [Round.regional_coordinators.through(round_id=r.pk, user_id=pair[0].pk) for r, pair in zip(rounds, round_people, strict=True)])
    Round.competence_partners.through.objects.bulk_create(
        [Round.competence_partners.through(round_id=r.pk, user_id=pair[1].pk) for r, pair in zip(rounds, round_people, strict=True)])
    Round.local_approaches.through.objects.bulk_create(
        [Round.local_approaches.through(round_id=r.pk, localapproach_id=a.pk) for r in rounds for a in approaches])

    coordinators, participants, profiles = [], [], {}
    for r, picked in zip(rounds, chosen, strict=True):
        for m in picked:
            coordinators.append(User(email=f"koordinator-{r.starts_on.year}-{m.number}@{EMAIL_DOMAIN}",
                                     full_name=_person(rng), password=password))
            participants.append(Participant(round=r, municipality=m, local_approach=rng.choice(approaches),
                                            focus_area=rng.choice(["Psykisk helse og trivsel", "Inkludering og utenforskap",
                                                                   "Overganger barnehage–skole", "Medvirkning for barn og unge"])))
    User.objects.bulk_create(coordinators, batch_size=BATCH)
    for p, u in zip(participants, coordinators, strict=True):
        p.coordinator = u
    Participant.objects.bulk_create(participants, batch_size=BATCH)
    for p in participants:
        profiles[p.pk] = _pick_profile(rng)
    counts["regions"] = len({r.region_id for r in rounds})
    counts["rounds"] = len(rounds)
    counts["participants"] = len(participants)
    counts["users"] = len(coordinators) + 2 * len(rounds) + 1

    # --- Core groups: ten members; some lack an elected official, an administrative leader or youth -------
    members: list[CoreGroupMember] = []
    for p in participants:
        lacks_elected, lacks_admin, lacks_youth = rng.random() < 0.06, rng.random() < 0.05, rng.random() < 0.3
        inactive = rng.randrange(10) if rng.random() < 0.08 else None
        for n, (title, category) in enumerate(CORE_GROUP):
            if (category == E and lacks_elected) or (category == A and lacks_admin) or (category == Y and lacks_youth):
                title, category = "Rådgiver", OTH
            members.append(CoreGroupMember(
                participant=p, name=_person(rng), email=f"medlem{n + 1}.{p.pk}@{p.municipality.number}.kommune.example",
                title=title, role_category=category, is_active=n != inactive))
    CoreGroupMember.objects.bulk_create(members, batch_size=BATCH)
    by_participant: dict[int, list[CoreGroupMember]] = {}
    for m in members:
        by_participant.setdefault(m.participant_id, []).append(m)
    counts["core_group_members"] = len(members)

    # --- Samlinger and assignments --------------------------------------------------------------------------
    gatherings: list[Gathering] = []
    for r in rounds:
        for title, kind, number, theme, day, days, fmt in GATHERINGS:
            start = _at(r.starts_on + timedelta(days=day), 9 if days else 10)
            end = _at(r.starts_on + timedelta(days=day + days), 15 if days else 14)
            gatherings.append(Gathering(
                round=r, kind=kind, number=number, title=title, theme_question=theme, starts_at=start, ends_at=end,
                format=fmt, venue="" if fmt == Gathering.Format.DIGITAL else f"Kulturhuset, {r.region.name}",
                video_link="https://video.example/absolutt" if fmt == Gathering.Format.DIGITAL else "",
                registration_opens_at=start - timedelta(days=60), registration_deadline=start - timedelta(days=7),
                seats_per_participant=6 if kind != Gathering.Kind.COORDINATORS else 2,
            ))
    Gathering.objects.bulk_create(gatherings)
    per_round_g = {r.pk: [g for g in gatherings if g.round_id == r.pk] for r in rounds}
    assignments: list[Assignment] = []
    for r in rounds:
        gs = per_round_g[r.pk]
        for title, phase, after, before, days in ASSIGNMENTS:
            opens = gs[after].ends_at if after is not None else _at(r.starts_on, 9)
            due = _at(timezone.localdate(gs[before].starts_at) - timedelta(days=days), 23, 59)
            assignments.append(Assignment(
                round=r, title=title, phase=phase, instructions=f"Beskriv arbeidet med «{title.lower()}» i kjernegruppen.",
                given_after=gs[after] if after is not None else None, due_before=gs[before], opens_at=opens, due_at=due,
                due_days_before_gathering=days, requires_both_levels=phase != Phase.OTHER,
            ))
    Assignment.objects.bulk_create(assignments)
    counts["gatherings"] = len(gatherings)
    counts["assignments"] = len(assignments)

    # --- Registrations and attendance ------------------------------------------------------------------------
    registrations: list[Registration] = []
    p_by_round: dict[int, list[Participant]] = {}
    for p in participants:
        p_by_round.setdefault(p.round_id, []).append(p)
    for g in gatherings:
        held = g.ends_at <= now
        if not held and g.registration_opens_at > now:
            continue  # registration has not opened yet
        for p in p_by_round[g.round_id]:
            prof = PROFILES[profiles[p.pk]]
            if not held and rng.random() < 0.5:
                continue  # not registered yet for a coming samling
            if g.kind == Gathering.Kind.COORDINATORS:
                c = p.coordinator
                people = [(c.full_name, c.email, "Kommunal koordinator", A, None)] if rng.random() < prof["attend"] + 0.05 else []
            else:
                active = [m for m in by_participant[p.pk] if m.is_active]
                k = min(len(active), rng.randint(*prof["people"]))
                people = [(m.name, m.email, m.title, m.role_category, m) for m in rng.sample(active, k)]
            for n, (name, email, title, category, member) in enumerate(people):
                status = Registration.Status.REGISTERED
                if n >= (g.seats_per_participant or 99):
                    status = Registration.Status.WAITING
                elif rng.random() < 0.03:
                    status = Registration.Status.CANCELLED
                attended = None
                if held and status == Registration.Status.REGISTERED:
                    attended = rng.random() < prof["attend"]
                registrations.append(Registration(
                    gathering=g, participant=p, core_group_member=member, name=name, email=email, title=title,
                    role_category=category, status=status, created_at=g.starts_at - timedelta(days=rng.randint(8, 40)),
                    cancelled_at=g.starts_at - timedelta(days=5) if status == Registration.Status.CANCELLED else None,
                    attended=attended, checked_in_at=g.starts_at if attended else None,
                ))
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    counts["registrations"] = len(registrations)

    # --- Submissions in every state ----------------------------------------------------------------------------
    submissions: list[Submission] = []
    for a in assignments:
        if a.opens_at > now:
            continue
        for p in p_by_round[a.round_id]:
            prof = PROFILES[profiles[p.pk]]
            extended = a.due_at + timedelta(days=10) if rng.random() < 0.04 else None
            due = extended or a.due_at
            x = rng.random()
            text = f"{p.municipality.display_name}: {a.title.lower()}. Kjernegruppen har arbeidet med dette sammen."
            s = Submission(assignment=a, participant=p, extended_due_at=extended)
            if due <= now:
                if x < prof["on_time"]:
                    at = max(due - timedelta(hours=rng.randint(2, 200)), a.opens_at + timedelta(hours=1))
                    s.last_delivered_at, s.first_delivered_late = at, False
                elif x < prof["on_time"] + prof["late"]:
                    at = min(due + timedelta(hours=rng.randint(2, 300)), now - timedelta(minutes=5))
                    s.last_delivered_at, s.first_delivered_late = at, at > due
                else:
                    y = rng.random()
                    if y < 0.4:
                        continue  # no row at all: not started
                    s.status = Submission.Status.NOT_STARTED if y < 0.6 else Submission.Status.DRAFT
            else:
                if x < 0.15:
                    s.last_delivered_at = min(now - timedelta(hours=1), a.opens_at + (now - a.opens_at) / 2)
                    s.first_delivered_late = False
                elif x < 0.5:
                    s.status = Submission.Status.DRAFT
                elif x < 0.65:
                    s.status = Submission.Status.NOT_STARTED
                else:
                    continue
            if s.last_delivered_at:
                y = rng.random()
                s.status = (Submission.Status.APPROVED if y < 0.55 else
                            Submission.Status.RETURNED if y < 0.65 else Submission.Status.DELIVERED)
            if s.status != Submission.Status.NOT_STARTED:
                s.draft_text, s.draft_revision, s.draft_saved_at = text, 1, (s.last_delivered_at or now - timedelta(days=1))
            submissions.append(s)
    Submission.objects.bulk_create(submissions, batch_size=BATCH)
    versions = []
    for s in submissions:
        if s.last_delivered_at:
            versions.append(SubmissionVersion(submission=s, number=1, text=s.draft_text, delivered_at=s.last_delivered_at,
                                              is_late=bool(s.first_delivered_late), delivered_by=s.participant.coordinator,
                                              contributors=[]))
    SubmissionVersion.objects.bulk_create(versions, batch_size=BATCH)
    counts["submissions"] = len(submissions)
    for status, n in sorted(Counter(s.status for s in submissions).items()):
        counts[f"  of them {status}"] = n
    counts["delivered versions"] = len(versions)

    # --- Evaluations of every held samling: invites to the present, anonymous answers ---------------------------
    held = [g for g in gatherings if g.ends_at <= now]
    evaluations = [Evaluation(gathering=g, sent_at=g.ends_at) for g in held]
    Evaluation.objects.bulk_create(evaluations)
    template_rows = [EvaluationQuestion(round=r, core_key=k, text=t, order=100 + i)
                     for r in rounds for i, (k, t) in enumerate(TEMPLATE_QUESTIONS)]
    questions: dict[int, list[EvaluationQuestion]] = {}
    rows = []
    for ev in evaluations:
        qs = [EvaluationQuestion(evaluation=ev, is_core=True, core_key=k, text=t, order=i)
              for i, (k, t) in enumerate(CORE_QUESTIONS)]
        qs += [EvaluationQuestion(evaluation=ev, core_key=k, text=t, order=100 + i)
               for i, (k, t) in enumerate(TEMPLATE_QUESTIONS)]
        questions[ev.pk] = qs
        rows += qs
    EvaluationQuestion.objects.bulk_create(template_rows + rows, batch_size=BATCH)
    ev_by_gathering = {ev.gathering_id: ev for ev in evaluations}
    region_mood = {r.pk: rng.choice([-1, 0, 0, 1]) for r in rounds}
    invites, responses, answers = [], [], []
    for reg in registrations:
        ev = ev_by_gathering.get(reg.gathering_id)
        if ev is None or not reg.attended:
            continue
        answered = rng.random() < PROFILES[profiles[reg.participant_id]]["answer"]
        closes = ev.gathering.ends_at + timedelta(days=ev.close_after_days)
        invites.append(EvaluationInvite(
            evaluation=ev, registration=reg, name=reg.name, email=reg.email.lower(), role_category=reg.role_category,
            answered_on=timezone.localdate(min(ev.gathering.ends_at + timedelta(days=rng.randint(0, 10)), closes, now))
            if answered else None))
        if not answered:
            continue
        response = EvaluationResponse(evaluation=ev, role_category=reg.role_category)
        responses.append(response)
        mood = region_mood[ev.gathering.round_id]
        for q in questions[ev.pk]:
            if rng.random() < 0.06:
                continue  # skipped the question
            value = min(3, max(1, rng.choice(SPREAD) + (mood if rng.random() < 0.3 else 0)))
            answers.append(EvaluationAnswer(response=response, question=q, value=value,
                                            comment=rng.choice(COMMENTS) if rng.random() < 0.05 else ""))
    EvaluationInvite.objects.bulk_create(invites, batch_size=BATCH)
    EvaluationResponse.objects.bulk_create(responses, batch_size=BATCH)
    EvaluationAnswer.objects.bulk_create(answers, batch_size=BATCH)
    counts["evaluations"] = len(evaluations)
    counts["evaluation questions"] = len(rows) + len(template_rows)
    counts["evaluation invites"] = len(invites)
    counts["evaluation responses"] = len(responses)
    counts["evaluation answers"] = len(answers)

    report.counts = dict(counts)
    report.seconds = time.perf_counter() - started
    freshness.touch()  # bulk writes send no signals
    return report
