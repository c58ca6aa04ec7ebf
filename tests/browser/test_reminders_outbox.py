"""In the browser: a regional coordinator sends a reminder by hand from the matrix (choose, preview, send);
the national lead finds a failed e-mail on the outbox page with its reason and sends it again. Both pages
pass axe and label every control."""

import pytest
from django.urls import reverse

from absolutt.notifications.models import OutgoingEmail
from tests.interwork.factories import AssignmentFactory

from .conftest import axe_check, expect, login
from .helpers import assert_own_labels, messages, nb

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]


def test_regional_coordinator_sends_a_reminder_by_hand_from_the_matrix(page, live_server, live_cast):
    a = live_cast.a
    assignment = AssignmentFactory(round=a.round, title="Ståstedsanalyse")
    login(page, live_server, a.regional_coordinator.email)
    page.goto(live_server.url + reverse("interwork:round_work", args=[a.round.pk]))
    page.get_by_role("link", name=nb("Send reminder")).click()
    page.get_by_label(nb("Assignment")).select_option(str(assignment.pk))
    page.get_by_label(a.participant.name).check()
    page.get_by_label(nb("Personal message (optional)")).fill("Husk fristen!")
    page.get_by_role("button", name=nb("Preview")).click()
    expect(page.get_by_role("heading", name=nb("Preview"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Husk fristen!")
    expect(page.locator("main")).to_contain_text(a.municipal_coordinator.email)
    axe_check(page)
    assert_own_labels(page)
    page.get_by_role("button", name=nb("Send reminder")).click()
    expect(messages(page, "success")).to_contain_text(nb("Reminders sent: %(n)s.", n=1))
    assert list(OutgoingEmail.objects.filter(kind="assignment_nudge").values_list("to", flat=True)) == [
        a.municipal_coordinator.email]


def test_national_lead_sends_a_failed_email_again_from_the_outbox_page(page, live_server, live_cast):
    row = OutgoingEmail.objects.create(to="feil@kommune.example", subject="Påminnelse", body_text="Hei",
                                       status="failed", attempts=1, last_error="550 5.1.1 No such user here")
    login(page, live_server, live_cast.national_lead.email)
    page.goto(live_server.url + reverse("notifications:outbox"))
    expect(page.locator("main table")).to_contain_text("550 5.1.1 No such user here")
    axe_check(page)
    assert_own_labels(page)
    page.get_by_role("button", name=nb("Send again")).click()
    expect(messages(page, "success")).to_contain_text(nb("The e-mail will be sent again."))
    row.refresh_from_db()
    assert row.status in ("pending", "sending", "sent")
