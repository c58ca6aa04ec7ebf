"""Pages at real size, in the browser: check-in for 200 people on a phone (search, marking in place without a
reload, a count of who is here) and the mellomarbeid matrix of 51 participants × 6 assignments on a 1280 px
screen (it fits, and its header row and first column stay in view while it scrolls)."""

import pytest
from django.urls import reverse

from sessions_app.models import Registration
from tests.factories import ParticipantFactory
from tests.interwork.factories import AssignmentFactory, hour
from tests.sessions_app.factories import GatheringFactory, in_days

from .conftest import axe_check, expect, login
from .helpers import nb

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]


def test_check_in_for_200_people_on_a_phone(phone_page, live_server, live_cast):
    page = phone_page
    a = live_cast.a
    gathering = GatheringFactory(round=a.round, title="Fellessamling i dag", starts_at=in_days(0, 9),
                                 ends_at=in_days(0, 16), registration_deadline=in_days(-7, 12))
    people = Registration.objects.bulk_create([
        Registration(gathering=gathering, participant=a.participant if i % 2 else a.other_participant,
                     name=f"Deltaker {i:03}", email=f"deltaker{i:03}@kommune.example", title="Rådgiver",
                     registered_by=a.regional_coordinator)
        for i in range(200)
    ])
    login(page, live_server, a.regional_coordinator.email)
    url = f"{live_server.url}{reverse('sessions_app:checkin', args=[gathering.pk])}"
    page.goto(url)
    count = page.locator("#checkin-count")
    expect(count).to_have_text(nb("%(present)s of %(total)s are here", present=0, total=200))
    expect(page.locator("main table tbody tr")).to_have_count(200)
    axe_check(page)
    page.evaluate("window.__stillTheSamePage = true")

    search = page.get_by_label(nb("Find a person (name, title or municipality)"))
    search.fill("deltaker 137")
    expect(page.locator("main table tbody tr:visible")).to_have_count(1)
    expect(page.locator("#checkin-shown")).to_have_text(nb("%(n)s shown", n=1))
    person = next(r for r in people if r.name == "Deltaker 137")
    row = page.locator(f"#r{person.pk}")
    row.get_by_role("button", name=f'{nb("Mark present")} Deltaker 137').tap()
    expect(page.locator(f"#r{person.pk} .badge")).to_have_text(nb("Present"))
    expect(count).to_have_text(nb("%(present)s of %(total)s are here", present=1, total=200))
    assert page.evaluate("window.__stillTheSamePage === true")  # no reload
    person.refresh_from_db()
    assert person.attended is True and person.checked_in_by == a.regional_coordinator

    for name in ("Deltaker 000", "Deltaker 002"):
        search.fill(name.lower())
        expect(page.locator("main table tbody tr:visible")).to_have_count(1)
        page.get_by_role("button", name=f'{nb("Mark present")} {name}').tap()
        expect(page.get_by_role("button", name=f'{nb("Undo")} {name}')).to_be_visible()
    expect(count).to_have_text(nb("%(present)s of %(total)s are here", present=3, total=200))
    page.get_by_role("button", name=f'{nb("Undo")} Deltaker 002').tap()
    expect(count).to_have_text(nb("%(present)s of %(total)s are here", present=2, total=200))
    assert page.evaluate("window.__stillTheSamePage === true")
    assert Registration.objects.filter(gathering=gathering, attended=True).count() == 2
    axe_check(page)

    page.reload()  # the count is the same after a reload
    expect(count).to_have_text(nb("%(present)s of %(total)s are here", present=2, total=200))


def test_matrix_of_51_participants_and_6_assignments_fits_and_keeps_its_headers(page, live_server, live_cast):
    a = live_cast.a
    for _ in range(49):
        ParticipantFactory(round=a.round)
    for i in range(6):
        AssignmentFactory(round=a.round, title=f"Mellomarbeid {i + 1}: ståsted og fremtidsbilde",
                          opens_at=hour(-30 + i), due_at=hour(-20 + 10 * i))
    login(page, live_server, a.regional_coordinator.email)
    page.goto(f"{live_server.url}{reverse('interwork:round_work', args=[a.round.pk])}")
    region = page.get_by_role("region", name=nb("Status per participant and assignment. Click a cell to open the submission."))
    expect(region.locator("tbody tr")).to_have_count(51)
    # The page itself does not scroll sideways, and the six columns fit the box on 1280 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    box = region.evaluate("el => ({sw: el.scrollWidth, cw: el.clientWidth, sh: el.scrollHeight, ch: el.clientHeight})")
    assert box["sw"] <= box["cw"] + 1, box
    assert box["sh"] > box["ch"], box  # 51 rows scroll inside the box ...
    region.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    header = region.locator("thead th").nth(1)
    top_of_box = region.evaluate("el => el.getBoundingClientRect().top")
    assert abs(header.evaluate("el => el.getBoundingClientRect().top") - top_of_box) < 2  # ... under a fixed header
    last = region.locator("tbody tr").last.locator("th")
    expect(last).to_be_in_viewport()
    region.focus()  # reachable from the keyboard
    axe_check(page)
