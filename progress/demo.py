"""Demo data: ABSOLUTT Møre og Romsdal 2020–2022 (from KS's slides) and a second region, Agder, so that
scoping is visible. Idempotent: running it again changes nothing that is already there."""

from datetime import date

from allauth.account.models import EmailAddress
from django.db import transaction

from absolutt.accounts.models import User
from absolutt.core.safety import refuse_in_production
from interwork.demo import demo_assignments
from municipalities.models import CoreGroupMember, County, Municipality, Participant, RoleCategory
from programmes.models import LocalApproach, Region, Round
from sessions_app.demo import demo_evaluations, demo_gatherings

DEMO_PASSWORD = "absolutt-demo"

DEMO_USERS = [
    # email, full name, role description, national lead, staff
    ("nasjonal@absolutt.example", "Nora Nasjonal", "National lead (nasjonal programleder)", True, True),
    ("region.mr@absolutt.example", "Hilde Regional", "Regional coordinator, Møre og Romsdal", False, True),
    ("partner.mr@absolutt.example", "Petter Partner", "Competence partner, Møre og Romsdal", False, False),
    ("koordinator.molde@absolutt.example", "Mona Molde", "Municipal coordinator, Molde", False, False),
    ("kjernegruppe.molde@absolutt.example", "Kjell Kjerne", "Core group member, Molde", False, False),
    ("region.agder@absolutt.example", "Arne Agder", "Regional coordinator, Agder (other region)", False, True),
    ("koordinator.kristiansand@absolutt.example", "Kristin Sand", "Municipal coordinator, Kristiansand (Agder: coming samlinger)", False, False),
]

COUNTIES = [("15", "Møre og Romsdal", 270624), ("42", "Agder", 318872)]
# number, name, county, population 1.1.2024, valid_to, successors
MUNICIPALITIES = [
    ("1505", "Kristiansund", "15", 24315, None, []),
    ("1506", "Molde", "15", 32969, None, []),
    ("1508", "Ålesund", "15", 58375, None, []),
    ("1515", "Herøy (Møre og Romsdal)", "15", 8951, None, []),
    ("1577", "Volda", "15", 10771, None, []),
    ("1580", "Haram", "15", 9395, None, []),
    ("1507", "Ålesund", "15", None, date(2024, 1, 1), ["1508", "1580"]),
    ("4202", "Grimstad", "42", 24402, None, []),
    ("4203", "Arendal", "42", 46010, None, []),
    ("4204", "Kristiansand", "42", 116986, None, []),
]
APPROACHES = ["0–24-samarbeidet", "FNs barnekonvensjon", "Fremtidens kulturskole", "Heltidssatsingen"]

E, A, S, U, Y, OTH = (RoleCategory.ELECTED, RoleCategory.ADMINISTRATIVE, RoleCategory.SERVICE_LEADER,
                    RoleCategory.UNION, RoleCategory.YOUTH, RoleCategory.OTHER)
# Core groups: Molde complete; Kristiansund lacks an elected official; Volda lacks a youth representative;
# Herøy has nobody yet and no coordinator.
CORE_GROUPS = {
    "1506": [
        ("Torgeir Ordfører", "ordforer@molde.example", "Ordfører", E),
        ("Kjell Kjerne", "kjernegruppe.molde@absolutt.example", "Leder, hovedutvalg for oppvekst", E),
        ("Anne Kommunalsjef", "oppvekst@molde.example", "Kommunalsjef oppvekst", A),
        ("Rune Rektor", "rektor@molde.example", "Rektor, Kvam skole", S),
        ("Hege Tillitsvalgt", "tillit@molde.example", "Hovedtillitsvalgt, Utdanningsforbundet", U),
        ("Ida Ungdomsråd", "ungdomsrad@molde.example", "Leder, ungdomsrådet", Y),
    ],
    "1505": [
        ("Kari Kommunedirektør", "kd@kristiansund.example", "Kommunedirektør", A),
        ("Berit Barnehagestyrer", "bhg@kristiansund.example", "Barnehagestyrer", S),
    ],
    "1577": [
        ("Olav Ordfører", "ordforer@volda.example", "Ordfører", E),
        ("Siri Skolefaglig", "skole@volda.example", "Skolefagleg rådgjevar", A),
    ],
    "1507": [
        ("Eva Ordfører", "ordforer@alesund.example", "Ordfører", E),
        ("Per Kommunalsjef", "oppvekst@alesund.example", "Kommunalsjef oppvekst", A),
        ("Sara Elevråd", "elevrad@alesund.example", "Elevrådsleder", Y),
    ],
    "4204": [
        ("Jan Ordfører", "ordforer@kristiansand.example", "Ordfører", E),
        ("Liv Direktør", "oppvekst@kristiansand.example", "Direktør oppvekst", A),
        ("Kari Komité", "komite@kristiansand.example", "Leder, oppvekstutvalget", E),
        ("Odd Rektor", "rektor@kristiansand.example", "Rektor, Vågsbygd skole", S),
        ("Emma Ungdomsråd", "ungdomsrad@kristiansand.example", "Ungdomsrådet", Y),
        ("Trond Tillitsvalgt", "tillit@kristiansand.example", "Hovedtillitsvalgt", U),
    ],
    "4203": [("Tone Rådgiver", "radgiver@arendal.example", "Rådgiver", OTH)],
}


def _user(email: str, name: str, national: bool, staff: bool) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": name, "is_national_lead": national, "is_staff": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def demo_load() -> None:
    refuse_in_production("The demo data")
    users = {email: _user(email, name, national, staff) for email, name, _r, national, staff in DEMO_USERS}
    counties = {}
    for number, name, population in COUNTIES:
        counties[number], _ = County.objects.get_or_create(
            number=number, defaults={"name": name, "official_name": name, "population": population,
                                     "valid_from": date(2024, 1, 1)},
        )
    munis = {}
    for number, name, county, population, valid_to, _succ in MUNICIPALITIES:
        munis[number], _ = Municipality.objects.get_or_create(
            number=number,
            defaults={"name": name, "short_name": name.split(" (")[0], "county": counties[county],
                      "population": population, "valid_to": valid_to},
        )
    for number, *_rest, successors in MUNICIPALITIES:
        if successors and not munis[number].successors.exists():
            munis[number].successors.set([munis[s] for s in successors])
    approaches = {n: LocalApproach.objects.get_or_create(name=n)[0] for n in APPROACHES}

    mr, _ = Region.objects.get_or_create(slug="more-og-romsdal", defaults={"name": "Møre og Romsdal"})
    agder, _ = Region.objects.get_or_create(slug="agder", defaults={"name": "Agder"})
    mr_round, created = Round.objects.get_or_create(
        region=mr, title="ABSOLUTT Møre og Romsdal",
        defaults={
            "starts_on": date(2020, 9, 25), "ends_on": date(2022, 4, 30), "signup_deadline": date(2020, 10, 23),
            "status": Round.Status.COMPLETED, "competence_partner_organisation": "Høgskulen i Volda",
            "description": "Ut fra det nasjonale rammeverket skaper vi vår egen innretning. "
                           "Fundamentet: FNs bærekraftsmål. Viktigst: arbeidet på hjemmebane!",
        },
    )
    if created:
        mr_round.local_approaches.set(approaches.values())
        mr_round.regional_coordinators.add(users["region.mr@absolutt.example"])
        mr_round.competence_partners.add(users["partner.mr@absolutt.example"])
    agder_round, created = Round.objects.get_or_create(
        region=agder, title="ABSOLUTT Agder 2026–2027",
        defaults={
            "starts_on": date(2026, 9, 1), "ends_on": date(2027, 12, 15), "signup_deadline": date(2026, 10, 1),
            "status": Round.Status.RUNNING, "competence_partner_organisation": "Universitetet i Agder",
        },
    )
    if created:
        agder_round.local_approaches.set([approaches["0–24-samarbeidet"], approaches["FNs barnekonvensjon"]])
        agder_round.regional_coordinators.add(users["region.agder@absolutt.example"])

    plan = [
        (mr_round, "1506", "0–24-samarbeidet", "Tidlig innsats og helhetlige tjenester for barn og unge 0–24 år.",
         "koordinator.molde@absolutt.example"),
        (mr_round, "1505", "Heltidssatsingen", "Heltidskultur i barnehagene.", None),
        (mr_round, "1577", "Fremtidens kulturskole", "Kulturskolen som ressurssenter.", None),
        (mr_round, "1515", "FNs barnekonvensjon", "", None),
        (mr_round, "1507", "FNs barnekonvensjon", "Barns medvirkning i planarbeidet.", None),
        (agder_round, "4204", "0–24-samarbeidet", "Samordnede tjenester for utsatte barn og unge.",
         "koordinator.kristiansand@absolutt.example"),
        (agder_round, "4203", "FNs barnekonvensjon", "", None),
    ]
    for round_, number, approach, focus, coordinator in plan:
        participant, created = Participant.objects.get_or_create(
            round=round_, municipality=munis[number],
            defaults={"local_approach": approaches[approach], "focus_area": focus,
                      "coordinator": users.get(coordinator) if coordinator else None},
        )
        if created:
            for name, email, title, category in CORE_GROUPS.get(number, []):
                CoreGroupMember.objects.create(
                    participant=participant, name=name, email=email, title=title, role_category=category,
                    user=users.get(email),
                )
    Participant.objects.get_or_create(
        round=mr_round, county=counties["15"],
        defaults={"local_approach": approaches["Fremtidens kulturskole"], "focus_area": "Fremtidens kulturskole i videregående."},
    )
    demo_gatherings(mr_round=mr_round, agder_round=agder_round)
    demo_evaluations(mr_round=mr_round)
    demo_assignments(mr_round=mr_round, agder_round=agder_round, coordinator=users["region.mr@absolutt.example"],
                     mr_users=users)
