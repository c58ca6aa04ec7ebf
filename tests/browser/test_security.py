"""Issue 8 in a real browser: the admin's login asks for the authenticator code, and the error pages are in
Bokmål, styled like the site and accessible (axe) on a desktop and a phone."""

import re

import pytest

from ..absolutt.test_security import code_for, enrol_totp
from .conftest import PASSWORD, axe_check, expect

pytestmark = pytest.mark.browser


def test_admin_login_goes_through_the_second_factor(page, live_server, live_cast, settings):
    settings.ABSOLUTT_REQUIRE_MFA_FOR_STAFF = True
    user = live_cast.a.regional_coordinator
    secret = enrol_totp(user)
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(user.email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    axe_check(page)
    page.goto(f"{live_server.url}/admin/")  # no way round the code
    expect(page).not_to_have_url(re.compile(r"/admin/$"))
    page.goto(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(code_for(secret))
    page.get_by_role("button", name="Logg inn").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_contain_text("Absolutt")


@pytest.mark.parametrize("width", [1280, 390])
def test_error_pages_are_norwegian_styled_and_accessible(page, live_server, live_cast, width, mfa_relaxed):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/finnes-ikke/")
    expect(page.locator("h1")).to_have_text("Vi fant ikke siden")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    axe_check(page)
    # Logged in as a municipal coordinator: a round's progress page is not theirs (403).
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(live_cast.a.municipal_coordinator.email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/nasjonalt/runder/{live_cast.a.round.pk}/")
    expect(page.locator("h1")).to_have_text("Du har ikke tilgang til dette")
    expect(page.get_by_role("link", name="Gå til Min side")).to_be_visible()
    axe_check(page)
