"""Calendars: the .ics of one samling and the personal subscription feed, parsed back with ``icalendar``.
Stable UIDs, SEQUENCE going up on a move, Europe/Oslo times across daylight saving, and a feed that holds
only what its owner may see."""

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from sessions_app import services
from sessions_app.models import CalendarFeed, Gathering

from ..conftest import require
from ..factories import UserFactory
from ..interwork.factories import AssignmentFactory
from ..sessions_app.factories import AgendaItemFactory, GatheringFactory, oslo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]

VIDEO = "https://teams.example/absolutt-agder"


def nb(text: str) -> str:
    with translation.override("nb"):
        return translation.gettext(text)


def ics_url(g) -> str:
    return reverse("sessions_app:gathering_ics", args=[g.pk])


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def only_event(cal: Calendar):
    found = cal.walk("VEVENT")
    assert len(found) == 1
    return found[0]


def feed_url(user) -> str:
    return reverse("sessions_app:feed_ics", args=[services.calendar_feed_get_or_create(user=user).token])


# --- One samling ---------------------------------------------------------------------------------

def test_samling_across_daylight_saving_change(client, cast):
    """26 March 10:00 (winter time, +01:00) to 29 March 15:00 (summer time, +02:00): the clocks go forward in
    the night to Sunday 28 March 2027."""
    gathering = GatheringFactory(round=cast.a.round, starts_at=oslo(2027, 3, 26, 10), ends_at=oslo(2027, 3, 29, 15),
                                 registration_deadline=oslo(2027, 3, 15, 12))
    client.force_login(cast.a.municipal_coordinator)
    response = client.get(ics_url(gathering))
    raw = response.content.decode()
    assert "DTSTART;TZID=Europe/Oslo:20270326T100000" in raw
    assert "DTEND;TZID=Europe/Oslo:20270329T150000" in raw
    assert f'filename="samling-{gathering.pk}.ics"' in response["Content-Disposition"]

    cal = parse(response)
    event = only_event(cal)
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo" and event["DTEND"].params["TZID"] == "Europe/Oslo"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.utcoffset()) == (10, timedelta(hours=1))
    assert (end.hour, end.utcoffset()) == (15, timedelta(hours=2))
    assert start.astimezone(UTC) == datetime(2027, 3, 26, 9, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2027, 3, 29, 13, tzinfo=UTC)

    # The file carries its own VTIMEZONE, and by that definition (not the reader's tz database) the times
    # still convert right: a calendar program without Europe/Oslo must get the same answer.
    vtimezones = cal.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in vtimezones] == ["Europe/Oslo"]
    own_tz = vtimezones[0].to_tz(lookup_tzid=False)
    assert datetime(2027, 3, 26, 10, tzinfo=own_tz).utcoffset() == timedelta(hours=1)
    assert datetime(2027, 3, 29, 15, tzinfo=own_tz).utcoffset() == timedelta(hours=2)


def test_uid_stable_and_sequence_increments_when_moved(client, cast):
    gathering = GatheringFactory(round=cast.a.round, starts_at=oslo(2027, 2, 10, 10), ends_at=oslo(2027, 2, 10, 15),
                                 registration_deadline=None)
    client.force_login(cast.a.core_group_member)
    first = only_event(parse(client.get(ics_url(gathering))))
    assert str(first["UID"]) == f"samling-{gathering.pk}@absolutt.ks.no"
    assert first.decoded("SEQUENCE") == 0

    services.gathering_update(gathering=gathering, data={"title": "Nytt navn"})
    renamed = only_event(parse(client.get(ics_url(gathering))))
    assert renamed.decoded("SEQUENCE") == 0 and "Nytt navn" in str(renamed["SUMMARY"])

    for n, day in enumerate([17, 24], start=1):
        services.gathering_update(gathering=gathering, data={"starts_at": oslo(2027, 2, day, 10),
                                                             "ends_at": oslo(2027, 2, day, 15)})
        moved = only_event(parse(client.get(ics_url(gathering))))
        assert str(moved["UID"]) == str(first["UID"])
        assert moved.decoded("SEQUENCE") == n
        assert moved.decoded("DTSTART") == oslo(2027, 2, day, 10)


def test_event_holds_title_agenda_venue_and_link(client, cast):
    gathering = GatheringFactory(round=cast.a.round, title="Fellessamling 2", theme_question="Er vi på rett vei?",
                                 venue="Clarion Hotel Ernst, Kristiansand")
    AgendaItemFactory(gathering=gathering, starts_at=gathering.starts_at, title="Velkommen", speaker="KS Agder")
    client.force_login(cast.a.municipal_coordinator)
    event = only_event(parse(client.get(ics_url(gathering))))
    assert str(event["SUMMARY"]) == f"Fellessamling 2 ({cast.a.round.title})"
    assert str(event["LOCATION"]) == "Clarion Hotel Ernst, Kristiansand"
    description = str(event["DESCRIPTION"])
    assert "«Er vi på rett vei?»" in description and "10:00 Velkommen – KS Agder" in description
    assert str(event["URL"]).endswith(reverse("sessions_app:gathering_detail", args=[gathering.pk]))


# --- The personal feed ---------------------------------------------------------------------------

@pytest.fixture
def samlinger(cast):
    a, b = cast.a, cast.b
    return {
        "joint": GatheringFactory(round=a.round, kind=Gathering.Kind.JOINT, title="A fellessamling"),
        "coordinators": GatheringFactory(round=a.round, kind=Gathering.Kind.COORDINATORS, title="A koordinatorsamling",
                                         format=Gathering.Format.DIGITAL, venue="", video_link=VIDEO),
        "closing": GatheringFactory(round=a.round, kind=Gathering.Kind.CLOSING, title="A erfaringssamling"),
        "other_region": GatheringFactory(round=b.round, kind=Gathering.Kind.JOINT, title="B fellessamling"),
        "other_region_coord": GatheringFactory(round=b.round, kind=Gathering.Kind.COORDINATORS, title="B koordinator"),
    }


def uids(client, url) -> set[str]:
    return set(events(parse(client.get(url))))


def uid_of(*gatherings) -> set[str]:
    return {g.ical_uid for g in gatherings}


def test_feed_needs_no_login_and_lists_what_the_person_is_invited_to(client, cast, samlinger):
    s = samlinger
    # Municipal coordinator: invited to every samling of the round, the koordinatorsamling included.
    assert uids(client, feed_url(cast.a.municipal_coordinator)) == uid_of(s["joint"], s["coordinators"], s["closing"])
    # Core group member: not to the koordinatorsamling.
    assert uids(client, feed_url(cast.a.core_group_member)) == uid_of(s["joint"], s["closing"])
    # Regional coordinator: every samling of the rounds they run.
    assert uids(client, feed_url(cast.a.regional_coordinator)) == uid_of(s["joint"], s["coordinators"], s["closing"])
    assert uids(client, feed_url(cast.b.municipal_coordinator)) == uid_of(s["other_region"], s["other_region_coord"])
    assert uids(client, feed_url(cast.outsider)) == set()


def test_feed_lists_what_the_person_is_registered_for(client, cast, samlinger):
    s = samlinger
    guest = UserFactory(email="gjest@kommune.example")
    url = feed_url(guest)
    assert uids(client, url) == set()
    registration = services.registration_create(
        gathering=s["joint"], participant=cast.a.participant, by_user=cast.a.municipal_coordinator, name="Gjest",
        email="GJEST@kommune.example")
    # The core group member, registered for the koordinatorsamling by the organiser, gets it too.
    services.registration_create(gathering=s["coordinators"], participant=cast.a.participant,
                                 by_user=cast.a.regional_coordinator, core_group_member=cast.a.member_row)
    # Registering the guest added them to the participant's core group: invited to its joint samlinger from now on.
    assert uids(client, url) == uid_of(s["joint"], s["closing"])
    assert uids(client, feed_url(cast.a.core_group_member)) == uid_of(s["joint"], s["coordinators"], s["closing"])
    services.registration_cancel(registration=registration, by_user=cast.a.municipal_coordinator)
    assert uids(client, url) == uid_of(s["joint"], s["closing"])  # still in the core group
    cast.a.participant.core_group.filter(email="gjest@kommune.example").update(is_active=False)
    assert uids(client, url) == set()


def test_feed_never_shows_another_region(client, cast, samlinger):
    s = samlinger
    for user in [cast.a.regional_coordinator, cast.a.competence_partner, cast.a.municipal_coordinator,
                 cast.a.core_group_member, cast.national_lead]:
        found = uids(client, feed_url(user))
        assert not found & uid_of(s["other_region"], s["other_region_coord"]), user.email


def test_feed_stops_when_no_longer_in_the_core_group(client, cast, samlinger):
    url = feed_url(cast.a.core_group_member)
    assert uids(client, url)
    cast.a.member_row.is_active = False
    cast.a.member_row.save()
    assert uids(client, url) == set()


def test_video_link_in_feed_only_when_registered(client, cast, samlinger):
    coordinators = samlinger["coordinators"]
    url = feed_url(cast.a.municipal_coordinator)

    def feed_text():
        return client.get(url).content.decode().replace("\r\n ", "")  # unfold long lines

    assert VIDEO not in feed_text()
    services.registration_create(gathering=coordinators, participant=cast.a.participant,
                                 by_user=cast.a.municipal_coordinator, name="Meg", email=cast.a.municipal_coordinator.email)
    event = events(parse(client.get(url)))[coordinators.ical_uid]
    assert VIDEO in str(event["DESCRIPTION"]) and str(event["LOCATION"]) == VIDEO
    assert VIDEO in feed_text()
    assert VIDEO in client.get(feed_url(cast.a.regional_coordinator)).content.decode().replace("\r\n ", "")


def test_opening_calendar_settings_writes_nothing_until_the_address_is_asked_for(client, cast):
    """Reading says "no personal address yet"; the button (a POST) makes it, and asking twice keeps it."""
    user = cast.a.municipal_coordinator
    client.force_login(user)
    body = client.get(reverse("sessions_app:feed_settings")).content.decode()
    assert nb("You have no personal calendar address yet.") in body
    assert reverse("sessions_app:feed_create") in body and "webcal://" not in body
    assert not CalendarFeed.objects.exists()
    assert client.post(reverse("sessions_app:feed_create")).status_code == 302
    feed = CalendarFeed.objects.get(user=user)
    body = client.get(reverse("sessions_app:feed_settings")).content.decode()
    assert reverse("sessions_app:feed_ics", args=[feed.token]) in body and "webcal://" in body
    client.post(reverse("sessions_app:feed_create"))
    assert CalendarFeed.objects.get(user=user).token == feed.token


def test_renewing_the_token_makes_the_old_url_404(client, cast, samlinger):
    user = cast.a.municipal_coordinator
    client.force_login(user)
    assert client.post(reverse("sessions_app:feed_create")).status_code == 302  # reading makes no address
    page = client.get(reverse("sessions_app:feed_settings")).content.decode()
    old = CalendarFeed.objects.get(user=user)
    old_url = reverse("sessions_app:feed_ics", args=[old.token])
    assert old_url in page and "webcal://" in page
    client.logout()
    assert client.get(old_url).status_code == 200

    client.force_login(user)
    response = client.post(reverse("sessions_app:feed_renew"))
    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=user)
    assert new.token != old.token and len(new.token) >= 40
    client.logout()
    assert client.get(old_url).status_code == 404
    assert uids(client, reverse("sessions_app:feed_ics", args=[new.token])) == uid_of(
        samlinger["joint"], samlinger["coordinators"], samlinger["closing"])


def test_inactive_user_feed_is_404(client, cast, samlinger):
    url = feed_url(cast.a.municipal_coordinator)
    assert client.get(url).status_code == 200
    cast.a.municipal_coordinator.is_active = False
    cast.a.municipal_coordinator.save()
    assert client.get(url).status_code == 404


def test_unknown_token_is_404(client, cast):
    assert client.get(reverse("sessions_app:feed_ics", args=["ikke-et-gyldig-token"])).status_code == 404


# --- Every calendar program reads the same instants ------------------------------------------------

ICAL_JS = Path(__file__).resolve().parent.parent / "ical_instants.mjs"

# Winter, summer and both daylight-saving weekends (2026: 29 March and 25 October; 2027: 28 March and
# 31 October), with times on the Sunday itself either side of the change, and a samling across the change.
DST_CASES = [
    (oslo(2027, 1, 14, 10), oslo(2027, 1, 14, 15)),
    (oslo(2027, 6, 10, 10), oslo(2027, 6, 10, 15)),
    (oslo(2026, 3, 28, 10), oslo(2026, 3, 29, 15)),
    (oslo(2026, 3, 29, 1, 30), oslo(2026, 3, 29, 3, 30)),
    (oslo(2026, 10, 24, 10), oslo(2026, 10, 25, 15)),
    (oslo(2026, 10, 25, 0, 30), oslo(2026, 10, 25, 3, 30)),
    (oslo(2027, 3, 27, 9), oslo(2027, 3, 28, 16)),
    (oslo(2027, 10, 30, 9), oslo(2027, 10, 31, 16)),
    (oslo(2027, 10, 31, 12), oslo(2027, 11, 1, 12)),
    (oslo(2035, 7, 1, 8), oslo(2035, 7, 1, 20)),
]


def ical_js_instants(content: bytes, tmp_path) -> dict[str, tuple[datetime, datetime]]:
    """Start and end of every event, as ical.js (the parser of many web calendars) reads them, by UID."""
    require(shutil.which("node") is not None and (Path(settings.BASE_DIR) / "node_modules" / "ical.js").is_dir(),
            "this test needs node and the npm package ical.js (npm ci)")
    path = tmp_path / "feed.ics"
    path.write_bytes(content)
    out = subprocess.run(["node", str(ICAL_JS), str(path)], capture_output=True, text=True, check=True, timeout=60)
    return {uid: (datetime.fromisoformat(s), datetime.fromisoformat(e)) for uid, (s, e) in json.loads(out.stdout).items()}


def own_tz_instants(cal: Calendar) -> dict[str, tuple[datetime, datetime]]:
    """The same, by Python ``icalendar`` using the file's own VTIMEZONE (not the reader's tz database)."""
    zones = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}

    def utc(prop):
        naive = prop.dt.replace(tzinfo=None)
        return naive.replace(tzinfo=zones[prop.params["TZID"]]).astimezone(UTC)

    return {str(e["UID"]): (utc(e["DTSTART"]), utc(e["DTEND"])) for e in cal.walk("VEVENT")}


def test_vtimezone_repeats_by_rule_as_calendar_servers_write_it(client, cast):
    gathering = GatheringFactory(round=cast.a.round, starts_at=oslo(2027, 6, 10, 10), ends_at=oslo(2027, 6, 10, 15),
                                 registration_deadline=None)
    client.force_login(cast.a.municipal_coordinator)
    (vtimezone,) = parse(client.get(ics_url(gathering))).walk("VTIMEZONE")
    rules = {c.name: c for c in vtimezone.subcomponents}
    assert set(rules) == {"STANDARD", "DAYLIGHT"}
    for component in rules.values():
        assert "RDATE" not in component
    assert dict(rules["DAYLIGHT"]["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYDAY": ["-1SU"]}
    assert dict(rules["STANDARD"]["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [10], "BYDAY": ["-1SU"]}
    # The rule gives the same offsets as the tz database on every day from 1996 to 2040.
    own, oslo_zone = vtimezone.to_tz(lookup_tzid=False), oslo(2000, 1, 1).tzinfo
    day = datetime(1996, 1, 1, 12)
    while day.year <= 2040:
        assert day.replace(tzinfo=own).utcoffset() == day.replace(tzinfo=oslo_zone).utcoffset(), day
        day += timedelta(days=1)


def test_python_icalendar_and_ical_js_agree_on_every_instant(client, cast, tmp_path):
    """Both parsers, each using only the file's own VTIMEZONE, give the intended UTC instants in winter,
    summer and on the daylight-saving weekends (ical.js read summer times an hour off with RDATE lists)."""
    gatherings = [GatheringFactory(round=cast.a.round, starts_at=s, ends_at=e, registration_deadline=None)
                  for s, e in DST_CASES]
    deadline = AssignmentFactory(round=cast.a.round, opens_at=oslo(2027, 5, 1, 9), due_at=oslo(2027, 6, 7, 23, 59))
    content = client.get(feed_url(cast.a.municipal_coordinator)).content
    intended = {g.ical_uid: (g.starts_at.astimezone(UTC), g.ends_at.astimezone(UTC)) for g in gatherings}
    intended[deadline_uid(deadline)] = (datetime(2027, 6, 7, 21, 29, tzinfo=UTC), datetime(2027, 6, 7, 21, 59, tzinfo=UTC))

    assert own_tz_instants(Calendar.from_ical(content)) == intended
    assert ical_js_instants(content, tmp_path) == intended


def test_newline_in_samling_title_gives_a_working_ics(client, cast):
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("sessions_app:gathering_create", args=[cast.a.round.pk]), {
        "kind": "fellessamling", "number": "1", "title": "Fellessamling 1\r\nBehov for endring", "theme_question": "",
        "description": "Linje én\r\nLinje to", "starts_at": "2027-03-25T10:00", "ends_at": "2027-03-25T15:00",
        "format": "physical", "venue": "Kilden", "video_link": "", "organisers": "", "registration_opens_at": "",
        "registration_deadline": "", "seats_per_participant": "5", "capacity": "",
    })
    assert response.status_code == 302
    gathering = Gathering.objects.get()
    response = client.get(ics_url(gathering))
    assert response.status_code == 200
    event = only_event(parse(response))
    assert "Fellessamling 1" in str(event["SUMMARY"]) and "Behov for endring" in str(event["SUMMARY"])
    assert "Linje én\nLinje to" in str(event["DESCRIPTION"])


def test_year_one_date_in_the_samling_form_is_a_validation_error(client, cast):
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("sessions_app:gathering_create", args=[cast.a.round.pk]), {
        "kind": "fellessamling", "number": "1", "title": "Fellessamling 1", "theme_question": "", "description": "",
        "starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T05:00", "format": "physical", "venue": "Kilden",
        "video_link": "", "organisers": "", "registration_opens_at": "", "registration_deadline": "0001-01-01T00:00",
        "seats_per_participant": "5", "capacity": "",
    })
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"starts_at", "ends_at", "registration_deadline"}
    assert not Gathering.objects.exists()


# --- Mellomarbeid deadlines in the personal feed -----------------------------------------------------

def deadline_uid(assignment) -> str:
    return f"frist-{assignment.pk}@absolutt.ks.no"


def test_feed_holds_mellomarbeid_deadlines_of_the_persons_rounds(client, cast):
    mine = AssignmentFactory(round=cast.a.round, title="Ståstedsanalyse", due_at=oslo(2027, 6, 7, 23, 59),
                             opens_at=oslo(2027, 5, 1, 9))
    theirs = AssignmentFactory(round=cast.b.round, title="Fremtidsbilde")
    for user in [cast.a.municipal_coordinator, cast.a.core_group_member, cast.a.regional_coordinator]:
        found = uids(client, feed_url(user))
        assert deadline_uid(mine) in found and deadline_uid(theirs) not in found, user.email
    assert uids(client, feed_url(cast.outsider)) == set()
    assert deadline_uid(theirs) in uids(client, feed_url(cast.b.municipal_coordinator))

    event = events(parse(client.get(feed_url(cast.a.municipal_coordinator))))[deadline_uid(mine)]
    assert "Ståstedsanalyse" in str(event["SUMMARY"]) and str(event["SUMMARY"]).startswith("Frist")
    assert event.decoded("DTEND") == oslo(2027, 6, 7, 23, 59)
    assert str(event["URL"]).endswith(mine.get_absolute_url())

    # A member who leaves the core group no longer gets the deadlines.
    cast.a.member_row.is_active = False
    cast.a.member_row.save()
    assert deadline_uid(mine) not in uids(client, feed_url(cast.a.core_group_member))
