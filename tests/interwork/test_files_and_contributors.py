"""Files on a submission (type, size, names, download, removal) and its contributors (from the participant's
core group; the warning when both levels are required and missing).
Pages are read in English (source strings), so the checks do not depend on the state of the Norwegian
catalogue."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from interwork import services
from interwork.models import Submission, SubmissionFile
from municipalities.models import RoleCategory

from ..factories import (
    CoreGroupMemberFactory,
)
from ..interwork.factories import (
    downloaded,
    follow,
    fresh,
    page,
    pdf,
    stored,
    stored_files,
    sub_url,
    submission,
    write,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "mfa_relaxed")]


# --- Files ----------------------------------------------------------------------------------------

def test_disallowed_file_type_refused_with_message(work, client, media):
    client.force_login(work.mc)
    body = follow(client, sub_url("file_upload", work.assignment, work.participant),
                  {"file": ContentFile(b"MZ\x90\x00", name="virus.exe")})
    assert "Files of type .exe are not allowed." in body and "pdf" in body
    assert not SubmissionFile.objects.exists() and stored_files(media) == []
    assert Submission.objects.get().status == Submission.Status.NOT_STARTED


def test_oversize_file_refused_with_message(work, client, media, settings):
    settings.ABSOLUTT_MATERIAL_MAX_BYTES = 1024 * 1024
    client.force_login(work.mc)
    body = follow(client, sub_url("file_upload", work.assignment, work.participant),
                  {"file": pdf("stor.pdf", b"x" * (2 * 1024 * 1024))})
    assert "The file is too large" in body and "The limit is 1 MB" in body
    assert not SubmissionFile.objects.exists() and stored_files(media) == []


def test_file_at_the_size_limit_is_accepted(work, settings, media):
    settings.ABSOLUTT_MATERIAL_MAX_BYTES = 10
    row = services.file_attach(submission=submission(work.assignment, work.participant),
                               upload=pdf("ok.pdf", b"0123456789"), by_user=work.mc)
    assert row.size == 10 and row.original_name == "ok.pdf" and row.content_type == "application/pdf"
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize("name", ["../x.pdf", "sub/x.pdf", "..\\x.pdf", "/etc/x.pdf", ".."])
def test_file_name_with_path_parts_refused(work, media, name):
    """Django's upload handler already cuts folders off names sent by browsers; the service refuses any
    that get through another way."""
    sub = submission(work.assignment, work.participant)
    with pytest.raises(ValidationError) as exc:
        services.file_attach(submission=sub, upload=ContentFile(b"%PDF", name=name), by_user=work.mc)
    assert "must not contain folders" in " ".join(exc.value.messages)
    assert not SubmissionFile.objects.exists() and stored_files(media) == []


def test_stored_file_name_is_not_the_uploaded_name_and_is_escaped_on_the_page(work, media, client):
    row = services.file_attach(submission=submission(work.assignment, work.participant),
                               upload=pdf("Plan «1» & <co>.pdf"), by_user=work.mc)
    assert row.original_name == "Plan «1» & <co>.pdf"
    assert "Plan" not in row.file.name and row.file.name.startswith(f"submissions/{row.submission_id}/")
    client.force_login(work.mc)
    raw = client.get(sub_url("submission_detail", work.assignment, work.participant)).content.decode()
    assert "<co>" not in raw and "&lt;co&gt;" in raw


def test_file_download_sends_the_original_name_and_no_cache(work, client):
    sub = submission(work.assignment, work.participant)
    row = services.file_attach(submission=sub, upload=pdf("ståsted.pdf", b"%PDF innhold"), by_user=work.mc)
    client.force_login(work.cp)
    response = client.get(sub_url("file_download", work.assignment, work.participant, row.pk))
    assert downloaded(response) == b"%PDF innhold"
    assert "attachment" in response["Content-Disposition"]
    assert "st%C3%A5sted.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_delivered_file_cannot_be_removed(work, client):
    sub = submission(work.assignment, work.participant)
    services.file_attach(submission=sub, upload=pdf(), by_user=work.mc)
    services.submission_deliver(submission=sub, by_user=work.mc)
    services.submission_return(submission=sub, by_user=work.rc, comment="Mer")
    frozen_row = SubmissionFile.objects.get(version__isnull=False)
    client.force_login(work.mc)
    follow(client, sub_url("file_remove", work.assignment, work.participant, frozen_row.pk))
    assert SubmissionFile.objects.filter(pk=frozen_row.pk).exists()
    assert stored(frozen_row) == b"%PDF-1.4 test"


# --- Contributors ---------------------------------------------------------------------------------

def test_contributors_must_be_from_the_participants_core_group(work, cast, client):
    foreign = CoreGroupMemberFactory(participant=cast.a.other_participant, role_category=RoleCategory.ADMINISTRATIVE)
    sub = write(submission(work.assignment, work.participant), "Før", work.mc, [work.elected])
    with pytest.raises(ValidationError, match="core group"):
        services.draft_save(submission=sub, text="Etter", base_revision=fresh(sub).draft_revision, by_user=work.mc,
                            contributors=[work.elected, foreign])
    client.force_login(work.mc)
    response = client.post(sub_url("draft_save", work.assignment, work.participant),
                           {"text": "Etter", "base_revision": fresh(sub).draft_revision, "contributors": [foreign.pk]})
    assert response.status_code == 400 and "Select a valid choice" in page(response)
    sub = fresh(sub)
    assert sub.draft_text == "Før" and list(sub.contributors.all()) == [work.elected]


def test_page_warns_when_both_levels_are_required_and_missing(work, client):
    work.assignment.requires_both_levels = True
    work.assignment.save()
    sub = write(submission(work.assignment, work.participant), "Tekst", work.mc, [work.elected])
    url = sub_url("submission_detail", work.assignment, work.participant)
    client.force_login(work.mc)
    body = page(client.get(url))
    assert "No administrative leader is among the contributors." in body
    assert "This assignment requires both levels." in body
    write(sub, "Tekst 2", work.mc, [work.elected, work.administrative])
    body = page(client.get(url))
    assert "Both the political and the administrative level contributed." in body
    assert "This assignment requires both levels." not in body
    write(sub, "Tekst 3", work.mc, [work.administrative])
    assert "No elected official (folkevalgt) is among the contributors." in page(client.get(url))


def test_no_level_warning_when_not_required_and_nobody_chosen(work, client):
    client.force_login(work.mc)
    body = page(client.get(sub_url("submission_detail", work.assignment, work.participant)))
    assert "requires both levels" not in body and "No elected official" not in body
