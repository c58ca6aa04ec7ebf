"""Regional coordinators must set up an authenticator app (TOTP) before they can use the platform."""

import pytest

from .conftest import axe_check, expect, login

pytestmark = pytest.mark.browser

TOTP_ACTIVATE = "/accounts/2fa/totp/activate/"


def test_regional_coordinator_is_sent_to_totp_activation(page, live_server, live_cast, settings):
    settings.ABSOLUTT_REQUIRE_MFA_FOR_STAFF = True
    login(page, live_server, live_cast.a.regional_coordinator.email)

    # Straight from the login form to the activation page: the password was typed seconds ago, so no
    # second password prompt (allauth's /accounts/reauthenticate/) on the way.
    expect(page).to_have_url(f"{live_server.url}{TOTP_ACTIVATE}")
    # allauth's activation form: the secret's QR code and the field for the first code from the app.
    form = page.locator("main form")
    expect(form.locator("input[name=code]")).to_be_visible()
    expect(page.locator("main .messages [role=alert]")).to_have_count(1)  # the middleware's warning
    axe_check(page)

    # Min side (and everything else outside /accounts/) stays closed until TOTP is set up.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}{TOTP_ACTIVATE}")
    page.goto(f"{live_server.url}{live_cast.a.round.get_absolute_url()}")
    expect(page).to_have_url(f"{live_server.url}{TOTP_ACTIVATE}")
