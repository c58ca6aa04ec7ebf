"""The language form in the navbar switches the whole page between Norwegian Bokmål and English."""

import pytest

from .conftest import expect, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]


def switch_language(page, code):
    page.locator("#language-select").select_option(code)
    page.locator("header form").filter(has=page.locator("#language-select")).locator(
        "button[type=submit]"
    ).click()


def test_switch_language_with_the_navbar_form(page, live_server, live_cast):
    login(page, live_server, live_cast.a.municipal_coordinator.email)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nb")
    expect(page.locator("#language-select")).to_have_value("nb")

    switch_language(page, "en")
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/")  # back where we were ("next")
    expect(page.locator("#language-select")).to_have_value("en")
    expect(page.locator("main h1")).to_have_text("My page")  # the msgid itself: no catalogue involved

    # The choice sticks (language cookie) on the next page, and can be switched back.
    page.goto(f"{live_server.url}{live_cast.a.participant.get_absolute_url()}")
    expect(html).to_have_attribute("lang", "en")
    switch_language(page, "nb")
    expect(html).to_have_attribute("lang", "nb")
    expect(page).to_have_url(f"{live_server.url}{live_cast.a.participant.get_absolute_url()}")


def test_anonymous_visitor_can_switch_language_on_the_login_page(page, live_server, db):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("main form button[type=submit]")).to_have_text("Sign In")  # allauth's own English
