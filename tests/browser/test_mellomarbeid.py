"""Mellomarbeid in the browser: the municipal coordinator writes, attaches and delivers; the regional
coordinator finds the delivery in the matrix, returns it, and approves the revision; every version stays on
the page; leaving a draft with unsaved changes warns; the pages pass axe on a desktop and a phone. The editor
never loses text: files upload in place, a colleague's save or delivery shows both texts and keeps the typed one,
and delivery sends exactly what is on the screen."""

import re

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from interwork import services
from interwork.models import Submission
from municipalities.models import RoleCategory
from tests.factories import CoreGroupMemberFactory
from tests.interwork import factories as iw
from tests.interwork.factories import AssignmentFactory

from .conftest import axe_check, expect, login
from .helpers import assert_own_labels, messages, nb, switch_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]

PDF = {"name": "ståstedsanalyse.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% test\n%%EOF\n"}
TEXT_V1 = "Kommunen har et godt oppvekstmiljø, men vi mangler tall for fritid."
TEXT_V2 = "Kommunen har et godt oppvekstmiljø. Tall for fritid fra Ungdata 2025 er lagt til."
RETURN_COMMENT = "Legg inn tallene fra Ungdata før vi godkjenner."


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def work(live_cast, media):
    """An open assignment in region a that needs both levels; a's core group has an elected official (the
    core group member's row), an administrative leader and a youth representative."""
    a = live_cast.a
    assignment = AssignmentFactory(round=a.round, title="Ståstedsanalyse", requires_both_levels=True)
    admin = CoreGroupMemberFactory(participant=a.participant, name="Anne Kommunalsjef", title="Kommunalsjef",
                                   role_category=RoleCategory.ADMINISTRATIVE)
    CoreGroupMemberFactory(participant=a.participant, name="Ylva Ungdomsråd", title="Leder, ungdomsrådet",
                           role_category=RoleCategory.YOUTH)
    return assignment, a.member_row, admin


def submission_url(assignment, participant) -> str:
    return reverse("interwork:submission_detail", args=[assignment.pk, participant.pk])


def status_badge(page):
    return page.locator("main h1 + p .badge").first


def draft_form(page):
    return page.locator("#draft-form")


def save_draft(page, text: str) -> None:
    form = draft_form(page)
    form.locator("textarea[name=text]").fill(text)
    form.locator("#draft-save-button").click()
    expect(messages(page, "success")).to_have_text(nb("The draft was saved."))


def deliver(page, n: int) -> None:
    page.locator("#deliver-button").click()
    expect(messages(page, "success")).to_have_text(nb("Delivered as version %(n)s. Thank you!", n=n))
    expect(status_badge(page)).to_have_text(nb(Submission.Status.DELIVERED.label))


def versions(page):
    return page.locator('main section[aria-labelledby="h-versions"] details')


def version_summary(version) -> str:
    with translation.override("nb"):
        when = dateformat.format(timezone.localtime(version.delivered_at), "j. F Y H:i")
    return nb("Version %(n)s – %(when)s by %(who)s", n=version.number, when=when,
              who=version.delivered_by.get_full_name())


def review(page, action: str, comment: str = "") -> None:
    form = page.locator('main section[aria-labelledby="h-review"] form')
    form.locator("textarea[name=text]").fill(comment)
    form.locator(f'button[name="action"][value="{action}"]').click()


def test_submission_delivered_returned_revised_and_approved(page, live_server, live_cast, work):
    assignment, elected, admin = work
    a = live_cast.a
    mc, rc = a.municipal_coordinator, a.regional_coordinator
    url = submission_url(assignment, a.participant)

    # The municipal coordinator writes a draft with two contributors, attaches a file and delivers.
    login(page, live_server, mc.email)
    page.goto(f"{live_server.url}{url}")
    expect(page.locator("main h1")).to_contain_text(assignment.title)
    expect(status_badge(page)).to_have_text(nb(Submission.Status.NOT_STARTED.label))
    form = draft_form(page)
    form.locator(f'input[name=contributors][value="{elected.pk}"]').check()
    form.locator(f'input[name=contributors][value="{admin.pk}"]').check()
    save_draft(page, TEXT_V1)
    expect(status_badge(page)).to_have_text(nb(Submission.Status.DRAFT.label))
    expect(form.locator("textarea[name=text]")).to_have_value(TEXT_V1)
    expect(form.locator("input[name=contributors]:checked")).to_have_count(2)
    expect(page.locator("main > .alert-success")).to_have_text(  # not a flash message
        nb("Both the political and the administrative level contributed."))

    files = page.locator("#filer")
    files.locator("input[type=file][name=file]").set_input_files(PDF)  # uploads at once, in place
    expect(files.locator("ul a")).to_have_text(PDF["name"])
    expect(page).to_have_url(f"{live_server.url}{url}")

    deliver(page, 1)
    expect(draft_form(page)).to_have_count(0)  # delivered work waits for review
    expect(versions(page)).to_have_count(1)
    submission = Submission.objects.get(assignment=assignment, participant=a.participant)
    v1 = versions(page).nth(0)
    expect(v1.locator("summary")).to_have_text(version_summary(submission.versions.get(number=1)))
    expect(v1).to_contain_text(TEXT_V1)
    expect(v1).to_contain_text(elected.name)
    expect(v1).to_contain_text(admin.name)
    expect(v1.locator("a")).to_have_text(PDF["name"])
    axe_check(page)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DELIVERED
    assert [(v.number, v.text) for v in submission.versions.all()] == [(1, TEXT_V1)]
    assert {c["role_category"] for c in submission.versions.get().contributors} == {"elected", "administrative"}

    # The regional coordinator finds it in the matrix and returns it with a comment.
    switch_user(page, live_server, rc)
    matrix_url = reverse("interwork:round_work", args=[a.round.pk])
    page.goto(f"{live_server.url}{matrix_url}")
    cell = page.locator(f'main table.matrix tbody td a[href="{url}"]')
    expect(cell.locator(".badge.status-delivered")).to_have_text(nb(Submission.Status.DELIVERED.label))
    other_cell = page.locator(f'main table.matrix tbody td a[href="{submission_url(assignment, a.other_participant)}"]')
    expect(other_cell.locator(".badge")).to_have_text(nb(Submission.Status.NOT_STARTED.label))
    axe_check(page)
    cell.click()
    expect(page).to_have_url(f"{live_server.url}{url}")
    review(page, "return", RETURN_COMMENT)
    expect(messages(page, "success")).to_have_text(nb("Returned for revision. The municipal coordinator was told."))
    expect(status_badge(page)).to_have_text(nb(Submission.Status.RETURNED.label))
    feedback = page.locator("#tilbakemeldinger .border-warning")
    expect(feedback).to_contain_text(RETURN_COMMENT)

    # The municipal coordinator sees it on Min side, revises and delivers again.
    switch_user(page, live_server, mc)
    expect(page).to_have_url(f"{live_server.url}/")
    returned = page.locator(f'main section[aria-labelledby="h-work-{a.participant.pk}"] .list-group-item-warning')
    expect(returned).to_have_count(1)
    returned.locator(f'a[href="{url}"]').click()
    expect(page).to_have_url(f"{live_server.url}{url}")
    expect(page.locator("#tilbakemeldinger")).to_contain_text(RETURN_COMMENT)
    expect(draft_form(page).locator("textarea[name=text]")).to_have_value(TEXT_V1)  # the draft is kept
    save_draft(page, TEXT_V2)
    deliver(page, 2)
    expect(versions(page)).to_have_count(2)
    v2, v1 = versions(page).nth(0), versions(page).nth(1)  # the newest first, and open
    expect(v2).to_have_attribute("open", "")
    expect(v2.locator("summary")).to_have_text(version_summary(submission.versions.get(number=2)))
    expect(v2.locator("div")).to_have_text(TEXT_V2)
    expect(v2.locator("a")).to_have_text(PDF["name"])  # the draft's file goes with every delivery
    v1.locator("summary").click()
    expect(v1.locator("div")).to_be_visible()
    expect(v1.locator("div")).to_have_text(TEXT_V1)  # version 1 is unchanged

    # The regional coordinator approves.
    switch_user(page, live_server, rc)
    page.goto(f"{live_server.url}{url}")
    review(page, "approve")
    expect(messages(page, "success")).to_have_text(nb("Approved. The municipal coordinator was told."))
    expect(status_badge(page)).to_have_text(nb(Submission.Status.APPROVED.label))
    expect(page.locator('main section[aria-labelledby="h-review"]')).to_have_count(0)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert [(v.number, v.text) for v in submission.versions.order_by("number")] == [(1, TEXT_V1), (2, TEXT_V2)]


def test_leaving_a_draft_with_unsaved_changes_warns(page, live_server, live_cast, work):
    assignment = work[0]
    a = live_cast.a
    url = submission_url(assignment, a.participant)
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(f"{live_server.url}{url}")
    expect(page.locator('script[src$="js/draft.js"]')).to_have_count(1)
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    draft_form(page).locator("textarea[name=text]").fill("Ikke lagret ennå")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/")
    assert dialogs == ["beforeunload"]
    submission = Submission.objects.filter(assignment=assignment, participant=a.participant).first()
    assert submission is None or submission.draft_text == ""  # leaving does not save

    # Saving is not leaving: no warning, and a clean page can be left without one.
    page.goto(f"{live_server.url}{url}")
    save_draft(page, "Lagret tekst")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/")
    assert dialogs == ["beforeunload"]


def test_submission_page_on_a_phone(phone_page, live_server, live_cast, work):
    page = phone_page
    assignment = work[0]
    a = live_cast.a
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(f"{live_server.url}{submission_url(assignment, a.participant)}")
    expect(page.locator("main h1")).to_contain_text(assignment.title)
    expect(draft_form(page).locator("textarea[name=text]")).to_be_visible()
    expect(page.locator("#deliver-button")).to_be_visible()
    axe_check(page)


def test_min_side_lists_returned_work_once(page, live_server, live_cast, work):
    """Returned work is listed under "Returned for revision" on Min side, and not again among the next tasks."""
    assignment = work[0]
    a = live_cast.a
    sub = iw.submission(assignment, a.participant)
    iw.deliver(sub, TEXT_V1, a.municipal_coordinator)
    services.submission_return(submission=sub, by_user=a.regional_coordinator, comment=RETURN_COMMENT)
    login(page, live_server, a.municipal_coordinator.email)
    section = page.locator(f'main section[aria-labelledby="h-work-{a.participant.pk}"]')
    url = submission_url(assignment, a.participant)
    expect(section.locator(f'.list-group-item-warning a[href="{url}"]')).to_have_count(1)
    expect(section.locator(f'a[href="{url}"]')).to_have_count(1)


def test_every_field_on_the_submission_page_has_its_own_label(page, live_server, live_cast, work):
    """The draft, comment and review forms each have a "text" field; each keeps its own id and label."""
    assignment = work[0]
    a = live_cast.a
    url = f"{live_server.url}{submission_url(assignment, a.participant)}"
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(url)
    expect(draft_form(page)).to_be_visible()
    assert_own_labels(page)

    iw.deliver(iw.submission(assignment, a.participant), TEXT_V1, a.municipal_coordinator)
    switch_user(page, live_server, a.regional_coordinator)
    page.goto(url)
    expect(page.locator('main section[aria-labelledby="h-review"] textarea')).to_be_visible()
    assert_own_labels(page)


# --- The editor never loses text -------------------------------------------------------------------------

TYPED = "Første avsnitt: «barn og unges stemme» – 100 % med.\nAndre linje med æøå ÆØÅ & <tegn> og  doble  mellomrom."


def status(page):
    return page.locator("#draft-status")


def test_write_attach_and_deliver_without_a_lost_character(page, live_server, live_cast, work):
    """Writing, ticking contributors, then choosing a file: the file is attached in place (no leave-page
    dialog, the text saved first), and delivery sends exactly the text on the screen."""
    assignment, elected, admin = work
    a = live_cast.a
    url = submission_url(assignment, a.participant)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(f"{live_server.url}{url}")
    expect(page.locator("main details").first).to_have_attribute("open", "")  # the assignment text is shown
    form = draft_form(page)
    form.locator("textarea[name=text]").fill(TYPED)
    form.locator(f'input[name=contributors][value="{elected.pk}"]').check()
    form.locator(f'input[name=contributors][value="{admin.pk}"]').check()
    form.locator("input[type=file][name=file]").set_input_files(PDF)

    expect(page.locator("#filer ul a")).to_have_text(PDF["name"])
    expect(status(page)).to_have_text(re.compile(r"^" + re.escape(nb("Saved %(time)s", time="")) + r"\d\d:\d\d$"))
    expect(page).to_have_url(f"{live_server.url}{url}")
    expect(form.locator("textarea[name=text]")).to_have_value(TYPED)
    expect(form.locator("input[name=contributors]:checked")).to_have_count(2)
    submission = Submission.objects.get(assignment=assignment, participant=a.participant)
    assert submission.draft_text == TYPED  # the text was saved before the file
    assert submission.files.get().original_name == PDF["name"]

    form.locator("textarea[name=text]").press("End")
    form.locator("textarea[name=text]").type(" Siste ord.")
    deliver(page, 1)
    assert dialogs == []
    version = submission.versions.get()
    assert version.text == TYPED + " Siste ord."
    assert [f.original_name for f in version.files.all()] == [PDF["name"]]
    assert {c["name"] for c in version.contributors} == {elected.name, admin.name}


def test_autosave_shows_its_state_and_a_save_after_delivery_keeps_the_typed_text(page, live_server, live_cast, work):
    """The core group member writes while the coordinator delivers: the autosave says it could not save,
    shows the delivered text beside the typed one, and the typed text stays."""
    assignment = work[0]
    a = live_cast.a
    sub = iw.write(iw.submission(assignment, a.participant), "Utkastet slik det var", a.municipal_coordinator)
    login(page, live_server, a.core_group_member.email)
    page.goto(f"{live_server.url}{submission_url(assignment, a.participant)}")
    textarea = draft_form(page).locator("textarea[name=text]")
    textarea.fill("Første autolagring")
    expect(status(page)).to_have_text(re.compile(re.escape(nb("Saved %(time)s", time="")) + r"\d\d:\d\d"))
    assert Submission.objects.get(pk=sub.pk).draft_text == "Første autolagring"

    services.submission_deliver(submission=Submission.objects.get(pk=sub.pk), by_user=a.municipal_coordinator)
    textarea.fill("Første autolagring og et nytt avsnitt fra kjernegruppen")
    conflict = page.locator("#draft-live-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_be_focused()
    expect(status(page)).to_have_text(nb("Not saved: the draft was changed by someone else"))
    expect(conflict.locator("[data-role=mine]")).to_have_value("Første autolagring og et nytt avsnitt fra kjernegruppen")
    expect(conflict.locator("[data-role=theirs]")).to_have_value("Første autolagring")
    expect(conflict).to_contain_text(nb("The submission is delivered and waiting for review. It can be changed if it is returned."))
    expect(textarea).to_have_value("Første autolagring og et nytt avsnitt fra kjernegruppen")
    assert Submission.objects.get(pk=sub.pk).versions.get().text == "Første autolagring"
    axe_check(page)

    # Saving on purpose shows the same: both texts, the typed one ready to copy.
    page.locator("#draft-save-button").click()
    expect(page.locator("#draft-conflict-mine")).to_have_value("Første autolagring og et nytt avsnitt fra kjernegruppen")
    expect(page.locator("#draft-conflict-theirs")).to_have_value("Første autolagring")


def test_delivery_after_a_concurrent_change_is_refused_and_keeps_the_typed_text(page, live_server, live_cast, work):
    assignment = work[0]
    a = live_cast.a
    sub = iw.write(iw.submission(assignment, a.participant), "Utgangspunkt", a.municipal_coordinator)
    login(page, live_server, a.municipal_coordinator.email)
    page.goto(f"{live_server.url}{submission_url(assignment, a.participant)}")
    textarea = draft_form(page).locator("textarea[name=text]")
    textarea.fill("Koordinatorens ferdige tekst")
    iw.write(Submission.objects.get(pk=sub.pk), "Kjernegruppens endring et sekund før", a.core_group_member)
    page.locator("#deliver-button").click()

    expect(messages(page, "warning")).to_contain_text(a.core_group_member.get_full_name())
    expect(page.locator("#draft-conflict-theirs")).to_have_value("Kjernegruppens endring et sekund før")
    expect(page.locator("#draft-conflict-mine")).to_have_value("Koordinatorens ferdige tekst")
    expect(draft_form(page).locator("textarea[name=text]")).to_have_value("Koordinatorens ferdige tekst")
    assert not Submission.objects.get(pk=sub.pk).versions.exists()

    # Having seen both, the coordinator delivers the text on the screen.
    deliver(page, 1)
    assert Submission.objects.get(pk=sub.pk).versions.get().text == "Koordinatorens ferdige tekst"
