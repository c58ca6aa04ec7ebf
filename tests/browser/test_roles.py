"""Each of the five roles logs in through the real form, lands on "Min side" and sees what belongs to
their role and nothing from the other region; the main pages pass axe-core (serious/critical)."""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from .conftest import DESKTOP, axe_check, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]

HOME_SECTIONS = ["h-national", "h-coord", "h-partner", "h-own"]


def participant_url(participant) -> str:
    return reverse("municipalities:participant_detail", args=[participant.pk])


@dataclass
class MinSide:
    """What one role's "Min side" must and must not show. Participant names ("Kommune 1", "Kommune 12")
    can be prefixes of each other, so they are checked as links; round titles are safe as text."""

    user: object
    sections: set[str]
    texts: list[str]
    other_texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    other_links: list[str] = field(default_factory=list)


def for_national_lead(c):
    return MinSide(
        c.national_lead, {"h-national"}, [c.a.round.title, c.b.round.title, c.a.region.name, c.b.region.name],
        links=[c.a.round.get_absolute_url(), c.b.round.get_absolute_url()],
    )


def for_regional_coordinator(c):
    return MinSide(
        c.a.regional_coordinator, {"h-coord"}, [c.a.round.title, c.a.participant.name], [c.b.round.title],
        # a's participant lacks an administrative leader, so it is listed under "needs follow-up".
        links=[c.a.round.get_absolute_url(), participant_url(c.a.participant)],
        other_links=[c.b.round.get_absolute_url(), participant_url(c.b.participant)],
    )


def for_competence_partner(c):
    return MinSide(
        c.a.competence_partner, {"h-partner"}, [c.a.round.title], [c.b.round.title],
        links=[c.a.round.get_absolute_url()],
        other_links=[c.b.round.get_absolute_url(), participant_url(c.b.participant)],
    )


def for_municipality(user, c):
    return MinSide(
        user, {"h-own"}, [c.a.participant.name, c.a.round.title], [c.b.round.title],
        links=[participant_url(c.a.participant)],
        other_links=[participant_url(c.a.other_participant), participant_url(c.b.participant),
                     c.b.round.get_absolute_url()],
    )


ROLES = {
    "national_lead": for_national_lead,
    "regional_coordinator": for_regional_coordinator,
    "competence_partner": for_competence_partner,
    "municipal_coordinator": lambda c: for_municipality(c.a.municipal_coordinator, c),
    "core_group_member": lambda c: for_municipality(c.a.core_group_member, c),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_role_logs_in_and_sees_own_min_side(page, live_server, live_cast, role):
    want = ROLES[role](live_cast)
    login(page, live_server, want.user.email)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_count(1)
    for section in HOME_SECTIONS:
        count = 1 if section in want.sections else 0
        expect(main.locator(f'section[aria-labelledby="{section}"]')).to_have_count(count)
    for text in want.texts:
        expect(main).to_contain_text(text)
    for text in want.other_texts:
        expect(main).not_to_contain_text(text)
    for href in want.links:
        expect(main.locator(f'a[href="{href}"]').first).to_be_visible()
    for href in want.other_links:
        expect(main.locator(f'a[href="{href}"]')).to_have_count(0)

    own_add_member = main.locator(
        f'a[href="{reverse("municipalities:member_create", args=[live_cast.a.participant.pk])}"]'
    )
    expect(own_add_member).to_have_count(1 if role == "municipal_coordinator" else 0)
    # Staff (national lead, regional coordinators) get the admin link in the navbar.
    expect(page.locator(f'#mainnav a[href="{reverse("admin:index")}"]')).to_have_count(
        1 if role in {"national_lead", "regional_coordinator"} else 0
    )

    axe_check(page)


# page: (who looks, url, expected <h1> or None, texts on the page)
PAGES = {
    "round": lambda c: (
        c.a.regional_coordinator, c.a.round.get_absolute_url(), c.a.round.title,
        [c.a.participant.name, c.a.other_participant.name],
    ),
    "participant": lambda c: (
        c.a.municipal_coordinator, participant_url(c.a.participant), c.a.participant.name,
        [c.a.member_row.name, c.a.round.title],
    ),
    "region_list": lambda c: (
        c.national_lead, reverse("programmes:region_list"), None,
        [c.a.region.name, c.b.region.name, c.a.round.title, c.b.round.title],
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_passes_axe(page, live_server, live_cast, name):
    user, url, heading, texts = PAGES[name](live_cast)
    login(page, live_server, user.email)
    page.goto(f"{live_server.url}{url}")
    expect(page).to_have_url(f"{live_server.url}{url}")
    if heading:
        expect(page.locator("main h1")).to_have_text(heading)
    for text in texts:
        expect(page.locator("main")).to_contain_text(text)
    axe_check(page)


def test_login_page_passes_axe(page, live_server, db):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("main form input[name=login]")).to_be_visible()
    expect(page.locator("main form input[name=password]")).to_be_visible()
    axe_check(page)


def test_static_files_load_under_the_real_csp(browser, live_server, live_cast):
    """Bootstrap's CSS, JS and icon font come from node_modules through the staticfiles finders; with the
    app's real Content-Security-Policy (no bypass_csp) nothing is blocked and no script fails."""
    context = browser.new_context(viewport=DESKTOP, locale="nb-NO")
    try:
        page = context.new_page()
        statics, problems = {}, []

        def on_response(response):
            if "/static/" in response.url:
                statics[response.url.removeprefix(live_server.url)] = response.status

        def on_console(message):
            # A missing favicon is the browser's own request, not the page's.
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
                problems.append(message.text)

        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(str(error)))

        page.goto(f"{live_server.url}/accounts/login/")
        assert statics.get("/static/vendor/bootstrap/css/bootstrap.min.css") == 200, statics
        assert statics.get("/static/vendor/bootstrap/js/bootstrap.bundle.min.js") == 200, statics
        # Bootstrap's reboot zeroes the body margin, and its bundle defines window.bootstrap.
        assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"
        assert page.evaluate("typeof window.bootstrap") == "object"

        # A page with icons: the icon font loads too (font-src 'self').
        login(page, live_server, live_cast.a.municipal_coordinator.email)
        page.goto(f"{live_server.url}{participant_url(live_cast.a.participant)}")
        expect(page.locator("main .bi").first).to_be_visible()
        page.evaluate("document.fonts.ready.then(() => true)")
        assert any("/static/vendor/bootstrap-icons/fonts/" in url for url in statics), statics

        assert {url: status for url, status in statics.items() if status != 200} == {}
        assert problems == []
    finally:
        context.close()
