"""The submission editor: concurrent draft edits (409, nothing overwritten), autosave, and the editor as one
form (text, contributors and files together; delivery of the text on the screen).
Pages are read in English (source strings), so the checks do not depend on the state of the Norwegian
catalogue."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from interwork import services
from interwork.models import Submission, SubmissionVersion

from ..interwork.factories import (
    base_revision,
    deliver,
    deliver_from_page,
    editor_data,
    en_client,
    fresh,
    page,
    pdf,
    sub_url,
    submission,
    textarea,
    write,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "mfa_relaxed")]


# --- Concurrent draft edits -----------------------------------------------------------------------

def test_concurrent_draft_edit_gives_409_and_overwrites_nothing(work):
    a, p = work.assignment, work.participant
    sub = write(submission(a, p), "Utgangspunkt", work.mc)
    mc, cg = en_client(work.mc), en_client(work.cg)
    url = sub_url("submission_detail", a, p)
    rev_mc = base_revision(mc.get(url).content.decode())
    rev_cg = base_revision(cg.get(url).content.decode())
    assert rev_mc == rev_cg == 1

    assert cg.post(sub_url("draft_save", a, p), {"text": "Kjernegruppens tekst", "base_revision": rev_cg}).status_code == 302
    response = mc.post(sub_url("draft_save", a, p), {"text": "Koordinatorens <tekst> & mer", "base_revision": rev_mc})
    assert response.status_code == 409
    raw = response.content.decode()
    assert textarea(raw) == "Koordinatorens <tekst> & mer"  # their own text is kept in the form
    body = page(response)
    assert "Kjernegruppens tekst" in body  # the text the other person saved
    assert "saved this draft while you were writing" in body and work.cg.get_full_name() in body
    sub = fresh(sub)
    assert (sub.draft_text, sub.draft_revision, sub.draft_saved_by) == ("Kjernegruppens tekst", 2, work.cg)

    # saving again from the conflict page (it carries the new revision) succeeds
    assert base_revision(raw) == 2
    assert mc.post(sub_url("draft_save", a, p), {"text": "Flettet tekst", "base_revision": 2}).status_code == 302
    assert fresh(sub).draft_text == "Flettet tekst"


def test_autosave_json_returns_revision_and_409_on_conflict(work):
    a, p = work.assignment, work.participant
    sub = submission(a, p)
    mc, cg = en_client(work.mc), en_client(work.cg)
    json = {"HTTP_ACCEPT": "application/json"}
    response = cg.post(sub_url("draft_save", a, p), {"text": "Autolagret", "base_revision": 0}, **json)
    assert response.status_code == 200
    assert response.json()["revision"] == 1 and re.fullmatch(r"\d\d:\d\d", response.json()["saved_at"])
    response = cg.post(sub_url("draft_save", a, p), {"text": "Autolagret igjen", "base_revision": 1}, **json)
    assert response.status_code == 200 and response.json()["revision"] == 2

    response = mc.post(sub_url("draft_save", a, p), {"text": "Gammel base", "base_revision": 1}, **json)
    assert response.status_code == 409
    assert response.json()["conflict"] is True and "saved this draft" in response.json()["message"]
    sub = fresh(sub)
    assert (sub.draft_text, sub.draft_revision) == ("Autolagret igjen", 2)

    # refused while delivered: 409 with the reason and the delivered text (to show beside the typed one)
    deliver(sub, "Levert", work.mc)
    response = mc.post(sub_url("draft_save", a, p), {"text": "Etter", "base_revision": 3}, **json)
    assert response.status_code == 409 and "waiting for review" in response.json()["message"]
    assert response.json()["locked"] is True and response.json()["stored_text"] == "Levert"
    assert fresh(sub).draft_text == "Levert"


def test_same_text_from_an_old_revision_is_not_a_conflict(work):
    sub = write(submission(work.assignment, work.participant), "Lik", work.mc)
    services.draft_save(submission=sub, text="Lik", base_revision=0, by_user=work.cg)
    assert fresh(sub).draft_revision == 2


def test_stale_save_with_other_contributors_is_a_conflict_too(cast):
    from interwork.models import Assignment
    from municipalities.models import RoleCategory

    from ..factories import CoreGroupMemberFactory

    a = Assignment.objects.create(round=cast.a.round, title="Fremtidsbilde", opens_at=timezone.now() - timedelta(days=1),
                                  due_at=timezone.now() + timedelta(days=9))
    s = services.submission_for(assignment=a, participant=cast.a.participant)
    admin = CoreGroupMemberFactory(participant=cast.a.participant, role_category=RoleCategory.ADMINISTRATIVE)
    services.draft_save(submission=s, text="Felles tekst", base_revision=0, by_user=cast.a.municipal_coordinator,
                        contributors=[cast.a.member_row])
    with pytest.raises(services.DraftConflict):
        services.draft_save(submission=s, text="Felles tekst", base_revision=0, by_user=cast.a.core_group_member,
                            contributors=[admin])
    s.refresh_from_db()
    assert list(s.contributors.all()) == [cast.a.member_row]


# --- The editor as one form: text, contributors and files together; delivery of what is shown ----------------

def test_one_post_saves_text_contributors_and_files_together(work, media):
    a, p = work.assignment, work.participant
    mc = en_client(work.mc)
    data = editor_data(mc, a, p, text="Tekst før vedlegg", contributors=[work.elected.pk])
    response = mc.post(sub_url("draft_save", a, p), {**data, "file": [pdf("ungdata.pdf"), pdf("plan.pdf")]})
    assert response.status_code == 302 and response["Location"].endswith("#filer")
    sub = Submission.objects.get(assignment=a, participant=p)
    assert sub.draft_text == "Tekst før vedlegg" and list(sub.contributors.all()) == [work.elected]
    assert sorted(sub.files.values_list("original_name", flat=True)) == ["plan.pdf", "ungdata.pdf"]

    # Removing a file from the same form keeps the text typed since.
    row = sub.files.get(original_name="plan.pdf")
    data = editor_data(mc, a, p, text="Tekst etter fjerning")
    assert mc.post(sub_url("draft_save", a, p), {**data, "remove_file": str(row.pk)}).status_code == 302
    sub = fresh(sub)
    assert sub.draft_text == "Tekst etter fjerning" and list(sub.files.values_list("original_name", flat=True)) == [
        "ungdata.pdf"]


def test_autosave_with_a_file_returns_the_new_file_list(work, media):
    a, p = work.assignment, work.participant
    mc = en_client(work.mc)
    data = editor_data(mc, a, p, text="Skrevet, så valgt fil")
    response = mc.post(sub_url("draft_save", a, p), {**data, "file": pdf("ståsted.pdf")}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1 and body["problems"] == [] and "ståsted.pdf" in body["files_html"]
    response = mc.post(sub_url("draft_save", a, p), {**data, "base_revision": 1, "file": ContentFile(b"MZ", name="x.exe")},
                       HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and "Files of type .exe are not allowed." in " ".join(response.json()["problems"])
    assert fresh(submission(a, p)).draft_text == "Skrevet, så valgt fil"


def test_delivery_sends_the_text_on_the_screen_even_if_not_yet_saved(work):
    a, p = work.assignment, work.participant
    write(submission(a, p), "Lagret tidligere", work.mc)
    mc = en_client(work.mc)
    body = page(deliver_from_page(mc, a, p, text="Skrevet rett før levering – «æøå» & <b>"))
    assert "Delivered as version 1" in body
    assert SubmissionVersion.objects.get().text == "Skrevet rett før levering – «æøå» & <b>"


def test_delivery_after_a_concurrent_change_is_refused_with_both_texts(work):
    a, p = work.assignment, work.participant
    sub = write(submission(a, p), "Utgangspunkt", work.mc)
    mc = en_client(work.mc)
    data = editor_data(mc, a, p, text="Koordinatorens versjon")
    write(sub, "Kjernegruppens endring", work.cg)  # a colleague saves a second before "Deliver"
    response = mc.post(sub_url("deliver", a, p), data)
    assert response.status_code == 409
    raw = response.content.decode()
    assert textarea(raw) == "Koordinatorens versjon"  # the typed text stays in the editor
    body = page(response)
    assert "Kjernegruppens endring" in body and "nothing was delivered" in body and work.cg.get_full_name() in body
    assert not SubmissionVersion.objects.exists() and fresh(sub).status == Submission.Status.DRAFT
    assert fresh(sub).draft_text == "Kjernegruppens endring"

    # Delivering again from that page (it carries the new revision) delivers the text on the screen.
    response = mc.post(sub_url("deliver", a, p), {"text": "Flettet versjon", "base_revision": base_revision(raw)},
                       follow=True)
    assert "Delivered as version 1" in page(response)
    assert SubmissionVersion.objects.get().text == "Flettet versjon"


def test_delivery_without_the_revision_on_the_screen_delivers_nothing(work):
    sub = write(submission(work.assignment, work.participant), "Lagret", work.mc)
    mc = en_client(work.mc)
    response = mc.post(sub_url("deliver", work.assignment, work.participant))
    assert response.status_code == 400 and "Nothing was delivered" in page(response)
    assert fresh(sub).status == Submission.Status.DRAFT and not SubmissionVersion.objects.exists()


def test_save_after_someone_delivered_shows_both_texts_and_keeps_the_typed_one(work):
    a, p = work.assignment, work.participant
    sub = write(submission(a, p), "Utkast", work.mc)
    cg = en_client(work.cg)
    data = editor_data(cg, a, p, text="Kjernegruppens nye avsnitt")
    services.submission_deliver(submission=fresh(sub), by_user=work.mc)
    response = cg.post(sub_url("draft_save", a, p), data)
    assert response.status_code == 409
    raw = response.content.decode()
    assert 'id="draft-form"' not in raw  # delivered: no editor, but the typed text is there to copy
    mine = re.search(r'<textarea[^>]*id="draft-conflict-mine"[^>]*>(.*?)</textarea>', raw, re.S).group(1)
    assert html.unescape(mine).strip("\r\n") == "Kjernegruppens nye avsnitt"
    body = page(response)
    assert "waiting for review" in body and "Utkast" in body
