"""Forms that explain themselves, in the browser: a refused form comes back with a summary that takes focus
(announced as an alert) and links to each field, the fields are marked, the page does not jump away; a
success message takes focus; destructive actions ask first."""

import pytest
from django.urls import reverse

from sessions_app.models import Registration
from tests.interwork.factories import AssignmentFactory
from tests.sessions_app.factories import GatheringFactory

from .conftest import axe_check, expect, login
from .helpers import messages, nb

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.className)")


def test_registration_errors_are_focused_announced_and_linked_to_their_fields(page, live_server, live_cast):
    a = live_cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=5)
    url = f"{live_server.url}{gathering.get_absolute_url()}"
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(url)
    form = page.locator("#register-form")
    form.locator("#id_title").fill("Rektor")
    form.locator("button[type=submit]").click()

    summary = form.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator("li")).to_have_count(2)
    expect(summary).to_contain_text(nb("Name") + ": " + nb("Choose a core group member or write the person's name."))
    assert "#" not in page.url  # no jump to an anchor away from the errors
    name = form.locator("#id_name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#" + name.get_attribute("aria-describedby"))).to_have_text(
        nb("Choose a core group member or write the person's name."))
    expect(form.locator("#id_title")).to_have_value("Rektor")  # the typing is kept
    axe_check(page)

    summary.locator('a[href="#id_name"]').click()
    expect(name).to_be_focused()
    name.fill("Kari Utenfor")
    form.locator("#id_email").fill("kari@kommune.example")
    form.locator("button[type=submit]").click()
    success = messages(page, "success")
    expect(success).to_have_text(nb("%(name)s is registered.", name="Kari Utenfor"))
    expect(success).to_be_focused()  # focus does not fall back to <body>
    assert Registration.objects.filter(name="Kari Utenfor").exists()


def test_extension_errors_are_focused_at_the_form(page, live_server, live_cast):
    a = live_cast.a
    assignment = AssignmentFactory(round=a.round)
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(f"{live_server.url}{reverse('interwork:submission_detail', args=[assignment.pk, a.participant.pk])}")
    form = page.locator('form[action$="/frist/"]')
    form.locator("textarea[name=reason]").fill("Valgår")
    form.evaluate("f => f.noValidate = true")  # as a browser without the date picker's own check
    form.locator("button[type=submit]").click()
    summary = page.locator('form[action$="/frist/"] [data-error-summary]')
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(nb("New due time") + ": " + nb("This field is required."))
    expect(page.locator('form[action$="/frist/"] textarea[name=reason]')).to_have_value("Valgår")


def test_cancelling_a_registration_asks_first(page, live_server, live_cast):
    a = live_cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=5)
    registration = Registration.objects.create(
        gathering=gathering, participant=a.participant, name="Ola Ordfører", email="ola@kommune.example",
        registered_by=a.municipal_coordinator)
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(f"{live_server.url}{gathering.get_absolute_url()}")
    cancel = page.locator(f'button[formaction="{reverse("sessions_app:registration_cancel", args=[gathering.pk, registration.pk])}"]')
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    cancel.click()
    page.wait_for_timeout(300)
    assert asked == [nb("Cancel the registration of %(name)s?", name="Ola Ordfører")]
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED
    page.once("dialog", lambda d: d.accept())
    cancel.click()
    expect(messages(page, "success")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
