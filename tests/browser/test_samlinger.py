"""Samlinger in the browser: the regional coordinator schedules a fellessamling and its agenda through the
forms; municipal coordinators register core group members against the seat limit and the capacity (with
the waiting list moving up on a cancellation); the check-in list works on a phone."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from municipalities.models import RoleCategory
from sessions_app.models import Gathering, Registration
from tests.factories import CoreGroupMemberFactory, UserFactory
from tests.sessions_app.factories import OSLO, GatheringFactory, RegistrationFactory, in_days

from .conftest import axe_check, expect, login
from .helpers import assert_own_labels, messages, nb, switch_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]


def local_input(when) -> str:
    """The value a ``datetime-local`` input takes: Oslo wall-clock time to the minute."""
    return timezone.localtime(when, OSLO).strftime("%Y-%m-%dT%H:%M")


def nb_date(when, fmt: str) -> str:
    with translation.override("nb"):
        return dateformat.format(timezone.localtime(when, OSLO), fmt)


def test_regional_coordinator_schedules_a_samling_with_its_agenda(page, live_server, live_cast):
    round_ = live_cast.a.round
    starts = in_days(40, 10)
    ends = starts + timedelta(hours=6)
    deadline = starts - timedelta(days=10)
    title = "Fellessamling 1 – Kristiansand"
    login(page, live_server, live_cast.a.regional_coordinator.email)

    timeline_url = reverse("interwork:timeline", args=[round_.pk])
    create_url = reverse("sessions_app:gathering_create", args=[round_.pk])
    page.goto(f"{live_server.url}{timeline_url}")
    page.locator(f'main a[href="{create_url}"]').click()
    expect(page).to_have_url(f"{live_server.url}{create_url}")
    form = page.locator("main form")
    expect(form.locator("#id_seats_per_participant")).to_have_value("5")  # the form's initial value
    axe_check(page)

    form.locator("#id_kind").select_option(Gathering.Kind.JOINT.value)
    form.locator("#id_number").fill("1")
    form.locator("#id_title").fill(title)
    form.locator("#id_theme_question").fill("Behov for endring?")
    form.locator("#id_starts_at").fill(local_input(starts))
    form.locator("#id_ends_at").fill(local_input(ends))
    form.locator("#id_format").select_option(Gathering.Format.PHYSICAL.value)
    form.locator("#id_venue").fill("Kilden teater- og konserthus, Kristiansand")
    form.locator("#id_registration_deadline").fill(local_input(deadline))
    form.locator("#id_seats_per_participant").fill("2")
    form.locator("#id_capacity").fill("3")
    form.locator("button[type=submit]").click()

    gathering = Gathering.objects.get(round=round_, title=title)
    detail_url = gathering.get_absolute_url()
    expect(page).to_have_url(f"{live_server.url}{detail_url}")
    expect(messages(page, "success")).to_have_text(nb("The samling was created. Add the agenda next."))
    assert (gathering.kind, gathering.number, gathering.theme_question) == (
        Gathering.Kind.JOINT, 1, "Behov for endring?")
    assert (gathering.starts_at, gathering.ends_at, gathering.registration_deadline) == (starts, ends, deadline)
    assert (gathering.format, gathering.seats_per_participant, gathering.capacity) == (
        Gathering.Format.PHYSICAL, 2, 3)
    expect(page.locator("main h1")).to_have_text(title)
    agenda = page.locator('main section[aria-labelledby="h-agenda"]')
    expect(agenda.locator("li")).to_have_count(0)

    # Two agenda items, the later one first: "Save and add another" returns to an empty form.
    item_url = reverse("sessions_app:agenda_item_create", args=[gathering.pk])
    agenda.locator(f'a[href="{item_url}"]').click()
    expect(page).to_have_url(f"{live_server.url}{item_url}")
    form = page.locator("main form")
    expect(form.locator("#id_starts_at")).to_have_value(local_input(starts))  # starts with the samling
    form.locator("#id_starts_at").fill(local_input(starts + timedelta(minutes=30)))
    form.locator("#id_title").fill("Behov for endring – gruppearbeid")
    form.locator("#id_speaker").fill("KS")
    axe_check(page)
    form.locator('button[name="add_another"]').click()
    expect(page).to_have_url(f"{live_server.url}{item_url}")
    expect(messages(page, "success")).to_have_text(nb("The agenda was updated."))
    expect(form.locator("#id_title")).to_have_value("")
    form.locator("#id_title").fill("Velkommen og kaffe")
    form.locator("#id_speaker").fill("Regional koordinator")
    form.locator("button[type=submit]:not([name])").click()  # "Save"

    expect(page).to_have_url(f"{live_server.url}{detail_url}#program")
    items = agenda.locator("li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(nb_date(starts, "H:i"))
    expect(items.nth(0)).to_contain_text("Velkommen og kaffe")
    expect(items.nth(0)).to_contain_text("Regional koordinator")
    expect(items.nth(1)).to_contain_text(nb_date(starts + timedelta(minutes=30), "H:i"))
    expect(items.nth(1)).to_contain_text("Behov for endring – gruppearbeid")
    assert list(gathering.agenda.values_list("title", flat=True)) == [
        "Velkommen og kaffe", "Behov for endring – gruppearbeid"]
    when = page.locator("main dl dd").first
    expect(when).to_have_text(f'{nb_date(starts, "l j. F Y, H:i")}–{nb_date(ends, "H:i")}')
    expect(page.locator("main dl")).to_contain_text("Kilden teater- og konserthus, Kristiansand")
    expect(page.locator("main dl")).to_contain_text(nb("%(n)s of %(cap)s seats taken.", n=0, cap=3))
    axe_check(page)

    # The timeline lists it, linking to its page.
    page.locator(f'main nav a[href="{timeline_url}"]').click()
    expect(page).to_have_url(f"{live_server.url}{timeline_url}")
    card = page.locator("main ol.timeline > li").filter(has=page.locator(f'a[href="{detail_url}"]'))
    expect(card).to_have_count(1)
    expect(card.locator("h2")).to_have_text(title)
    expect(card).to_contain_text(nb_date(starts, "l j. F Y, H:i"))
    expect(card).to_contain_text("«Behov for endring?»")
    expect(card.locator(".badge")).to_have_text(nb("Coming"))
    axe_check(page)
    card.locator(f'a[href="{detail_url}"]').click()
    expect(page).to_have_url(f"{live_server.url}{detail_url}")
    expect(page.locator('main section[aria-labelledby="h-agenda"] li')).to_have_count(2)


# --- Registration: seats per municipality, capacity and the waiting list ------------------------------------

@pytest.fixture
def samling(live_cast):
    """A fellessamling in region a with two seats per municipality and three in all; the municipal
    coordinator of a's participant has three core group members, and the other participant gets a
    coordinator of its own with two members."""
    a = live_cast.a
    gathering = GatheringFactory(round=a.round, title="Fellessamling om ståsted", seats_per_participant=2,
                                 capacity=3, require_mix=True)
    own = [
        a.member_row,  # elected, the core group member's own row
        CoreGroupMemberFactory(participant=a.participant, name="Anne Kommunalsjef", email="anne@kommune.example",
                               title="Kommunalsjef", role_category=RoleCategory.ADMINISTRATIVE),
        CoreGroupMemberFactory(participant=a.participant, name="Ivar Tredjemann", email="ivar@kommune.example",
                               title="Rådgiver", role_category=RoleCategory.OTHER),
    ]
    other_coordinator = UserFactory(email="mc-other@test.example")
    a.other_participant.coordinator = other_coordinator
    a.other_participant.save(update_fields=["coordinator"])
    others = [
        CoreGroupMemberFactory(participant=a.other_participant, name="Olav Ordfører", email="olav@annen.example",
                               title="Ordfører", role_category=RoleCategory.ELECTED),
        CoreGroupMemberFactory(participant=a.other_participant, name="Randi Rådmann", email="randi@annen.example",
                               title="Kommunedirektør", role_category=RoleCategory.ADMINISTRATIVE),
    ]
    return gathering, own, other_coordinator, others


def delegation(page, participant):
    """The card of one municipality in the registration section (names like "Kommune 1" and "Kommune 12"
    are prefixes of each other, so the heading must start with the exact name)."""
    heading = page.locator("h3").filter(has_text=re.compile(rf"^\s*{re.escape(participant.name)}(\s|$)"))
    return page.locator("#pamelding .card").filter(has=heading)


def register(page, member) -> None:
    form = page.locator("#register-form")
    form.locator("select[name=member]").select_option(str(member.pk))
    form.locator("button[type=submit]").click()


def test_registration_respects_seats_capacity_and_the_waiting_list(page, live_server, live_cast, samling):
    gathering, (elected, administrative, third), other_coordinator, (olav, randi) = samling
    a = live_cast.a
    detail = f"{live_server.url}{gathering.get_absolute_url()}"
    after_post = re.compile(re.escape(detail) + "#pamelding$")

    login(page, live_server, a.municipal_coordinator.email)
    page.goto(detail)
    own = delegation(page, a.participant)
    expect(own).to_have_count(1)
    expect(delegation(page, a.other_participant)).to_have_count(0)  # not theirs to see
    seats = own.locator("h3 .badge")
    expect(seats).to_have_text(nb("%(used)s of %(seats)s seats used", used=0, seats=2))
    # Only their own municipality, so the municipality choice is a hidden field.
    expect(page.locator('#register-form input[type=hidden][name="participant"]')).to_have_value(str(a.participant.pk))
    axe_check(page)

    register(page, elected)
    expect(page).to_have_url(after_post)
    expect(messages(page, "success")).to_have_text(nb("%(name)s is registered.", name=elected.name))
    register(page, administrative)
    expect(messages(page, "success")).to_have_text(nb("%(name)s is registered.", name=administrative.name))
    names = own.locator("li")
    expect(names).to_have_count(2)
    expect(names.nth(0)).to_contain_text(elected.name)
    expect(names.nth(1)).to_contain_text(administrative.name)
    expect(seats).to_contain_text("2")
    expect(seats).to_have_text(nb("%(used)s of %(seats)s seats used", used=2, seats=2))
    expect(seats).to_have_class(re.compile(r"(^|\s)text-bg-warning(\s|$)"))  # no seats left

    # A third person from the same municipality is refused; nothing changes.
    register(page, third)
    refused = page.locator("#register-form [data-error-summary]")
    expect(refused).to_contain_text(
        nb("%(name)s has used all its %(n)s seats. Cancel someone to register another.", name=a.participant.name, n=2))
    expect(refused).to_be_focused()
    expect(names).to_have_count(2)
    assert not gathering.registrations.filter(email=third.email).exists()
    axe_check(page)

    # The other municipality's coordinator takes the last seat, and the next person waits.
    switch_user(page, live_server, other_coordinator)
    page.goto(detail)
    theirs = delegation(page, a.other_participant)
    expect(delegation(page, a.participant)).to_have_count(0)
    expect(page.locator("main dl")).to_contain_text(nb("%(n)s of %(cap)s seats taken.", n=2, cap=3))
    register(page, olav)
    expect(messages(page, "success")).to_have_text(nb("%(name)s is registered.", name=olav.name))
    register(page, randi)
    expect(page).to_have_url(after_post)
    expect(messages(page, "warning")).to_have_text(nb(
        "The samling is full. %(name)s is on the waiting list as number %(n)s and will be told by e-mail if a seat "
        "becomes free.", name=randi.name, n=1))
    olav_row, randi_row = (theirs.locator("li").filter(has_text=p.name) for p in (olav, randi))
    expect(randi_row.locator(".badge")).to_have_text(nb("Waiting list"))
    expect(olav_row.locator(".badge")).to_have_count(0)
    expect(page.locator("main dl")).to_contain_text(nb("%(n)s of %(cap)s seats taken.", n=3, cap=3))
    assert gathering.registrations.get(email=randi.email).status == Registration.Status.WAITING
    axe_check(page)

    # Cancelling a registered person (after saying yes to the question) gives the freed seat to the first on
    # the waiting list.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    olav_row.locator("button[type=submit]").click()
    expect(page).to_have_url(after_post)
    expect(messages(page, "success")).to_have_text(nb("%(name)s is no longer registered.", name=olav.name))
    assert asked == [nb("Cancel the registration of %(name)s?", name=olav.name)]
    expect(messages(page, "info")).to_have_text(
        nb("%(name)s got the free seat from the waiting list.", name=randi.name))
    expect(theirs.locator("li")).to_have_count(1)
    expect(randi_row.locator(".badge")).to_have_count(0)
    expect(page.locator("main dl")).to_contain_text(nb("%(n)s of %(cap)s seats taken.", n=3, cap=3))
    assert dict(gathering.registrations.values_list("email", "status")) == {
        elected.email: Registration.Status.REGISTERED,
        administrative.email: Registration.Status.REGISTERED,
        olav.email: Registration.Status.CANCELLED,
        randi.email: Registration.Status.REGISTERED,
    }


def test_registering_a_core_group_member_keeps_their_role_category(page, live_server, live_cast, samling):
    """Choosing a core group member in the select registers them as what they are in the core group: an
    elected official and an administrative leader make a delegation without mix warnings."""
    gathering, (elected, administrative, _third), _coordinator, _others = samling
    a = live_cast.a
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(f"{live_server.url}{gathering.get_absolute_url()}")
    for member in (elected, administrative):
        register(page, member)
        expect(messages(page, "success")).to_have_text(nb("%(name)s is registered.", name=member.name))
    own = delegation(page, a.participant)
    expect(own.locator("li")).to_have_count(2)
    assert dict(gathering.registrations.values_list("email", "role_category")) == {
        elected.email: RoleCategory.ELECTED, administrative.email: RoleCategory.ADMINISTRATIVE}
    expect(own.locator("p.text-danger-emphasis")).to_have_count(0)


def test_coordinator_in_the_core_group_gets_two_forms_with_their_own_labels(page, live_server, live_cast, samling):
    """A municipal coordinator who is also in the core group sees "Register yourself" and "Register someone"
    on the same page; each field keeps its own id and label."""
    gathering = samling[0]
    a = live_cast.a
    CoreGroupMemberFactory(participant=a.participant, name="Mona Koordinator", email=a.municipal_coordinator.email,
                           user=a.municipal_coordinator, role_category=RoleCategory.ADMINISTRATIVE)
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(f"{live_server.url}{gathering.get_absolute_url()}")
    self_form = page.locator(f'form[action="{reverse("sessions_app:registration_self", args=[gathering.pk])}"]')
    expect(self_form.locator("textarea, input[type=text]")).not_to_have_count(0)
    expect(page.locator("#register-form")).to_be_visible()
    assert_own_labels(page)
    axe_check(page)


# --- Check-in on a phone ----------------------------------------------------------------------------------

def test_check_in_on_a_phone(phone_page, live_server, live_cast):
    page = phone_page
    a = live_cast.a
    gathering = GatheringFactory(round=a.round, title="Fellessamling i dag", starts_at=in_days(0, 9),
                                 ends_at=in_days(0, 16), registration_deadline=in_days(-7, 12))
    kari = RegistrationFactory(gathering=gathering, participant=a.participant, name="Kari Nordmann",
                               title="Ordfører", role_category=RoleCategory.ELECTED)
    per = RegistrationFactory(gathering=gathering, participant=a.other_participant, name="Per Hansen")
    waiting = RegistrationFactory(gathering=gathering, participant=a.other_participant, name="Vera Venter",
                                  status=Registration.Status.WAITING)
    login(page, live_server, a.regional_coordinator.email)

    url = reverse("sessions_app:checkin", args=[gathering.pk])
    page.goto(f"{live_server.url}{url}")
    expect(page.locator("main h1")).to_contain_text(gathering.title)
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)  # the waiting list is not on the check-in list
    expect(page.locator(f"#r{waiting.pk}")).to_have_count(0)
    row = page.locator(f"#r{kari.pk}")
    expect(row.locator("td").nth(0)).to_contain_text("Kari Nordmann")
    expect(row.locator("td").nth(0)).to_contain_text(a.participant.name)
    mark = row.get_by_role("button", name=f'{nb("Mark present")} Kari Nordmann')
    expect(mark).to_be_visible()
    axe_check(page)

    mark.tap()  # marked in place: no reload, the page stays where it is
    expect(row.locator(".badge")).to_have_text(nb("Present"))
    expect(page).to_have_url(f"{live_server.url}{url}")
    undo = row.get_by_role("button", name=f'{nb("Undo")} Kari Nordmann')
    expect(undo).to_be_visible()
    expect(page.locator(f"#r{per.pk} .badge")).to_have_count(0)  # only the tapped row changed
    kari.refresh_from_db()
    assert kari.attended is True and kari.checked_in_by == a.regional_coordinator
    axe_check(page)

    undo.tap()
    expect(row.locator(".badge")).to_have_count(0)
    expect(mark).to_be_visible()
    kari.refresh_from_db()
    assert kari.attended is False and kari.checked_in_at is None
    axe_check(page)
