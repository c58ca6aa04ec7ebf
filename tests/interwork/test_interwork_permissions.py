"""The permission matrix extended to mellomarbeid: the eight roles of tests/absolutt/test_permissions.py on every
assignment, submission and export page and action. Outsiders, other regions and neighbour municipalities get
404, read-only roles 403 on writes, core group members edit the draft but do not deliver, and a refused
write leaves nothing behind. Also the scoped admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interwork import services
from interwork.models import Assignment, Extension, Feedback, Submission, SubmissionFile, SubmissionVersion

from ..absolutt.test_permissions import ROLES, user_for
from ..factories import UserFactory
from ..interwork.factories import AssignmentFactory, pdf, sub_url, submission, write
from ..sessions_app.factories import GatheringFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


@dataclass
class Side:
    """One participant's work: a draft (with a file on it) and a delivered submission with a pending
    extension request."""

    participant: object
    draft: object
    draft_file: object
    delivered: object
    pending: object


@dataclass
class Scene:
    cast: object
    work: object  # the draft assignment
    reviewed: object  # the assignment delivered for review
    own: Side  # the municipal coordinator's participant
    neighbour: Side  # the other participant in the same round
    other_assignment: object  # in region b
    other: Side  # region b's participant


def make_side(participant, work, reviewed, user) -> Side:
    draft = write(submission(work, participant), "Utkast", user)
    draft_file = services.file_attach(submission=draft, upload=pdf("utkast.pdf"), by_user=user)
    delivered = write(submission(reviewed, participant), "Levert tekst", user)
    services.file_attach(submission=delivered, upload=pdf("levert.pdf"), by_user=user)
    services.submission_deliver(submission=delivered, by_user=user)
    pending = Extension.objects.create(submission=delivered, new_due_at=reviewed.due_at + timedelta(days=3),
                                       reason="Trenger tid", requested_by=user)
    return Side(participant, draft, draft_file, Submission.objects.get(pk=delivered.pk), pending)


@pytest.fixture
def scene(cast, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path
    work = AssignmentFactory(round=cast.a.round, title="Ståsted A")
    reviewed = AssignmentFactory(round=cast.a.round, title="Fremtidsbilde A")
    other_assignment = AssignmentFactory(round=cast.b.round, title="Ståsted B")
    return Scene(
        cast=cast, work=work, reviewed=reviewed,
        own=make_side(cast.a.participant, work, reviewed, cast.a.municipal_coordinator),
        neighbour=make_side(cast.a.other_participant, work, reviewed, cast.a.regional_coordinator),
        other_assignment=other_assignment,
        other=make_side(cast.b.participant, other_assignment, AssignmentFactory(round=cast.b.round),
                        cast.b.municipal_coordinator),
    )


READ = [200, 200, 200, 200, 200, 404, 404, 404]
NEIGHBOUR_READ = [200, 200, 200, 404, 404, 404, 404, 404]
MANAGE = [403, 200, 403, 403, 403, 404, 404, 404]
EXPORT = [200, 200, 200, 403, 403, 404, 404, 404]  # they see the round, not its exports

GET_MATRIX = {
    "round_work": (lambda s: reverse("interwork:round_work", args=[s.cast.a.round.pk]), READ),
    "round_work_filtered": (lambda s: reverse("interwork:round_work", args=[s.cast.a.round.pk]) + "?vis=overdue", READ),
    "assignment_detail": (lambda s: s.work.get_absolute_url(), READ),
    "assignment_create": (lambda s: reverse("interwork:assignment_create", args=[s.cast.a.round.pk]), MANAGE),
    "assignment_edit": (lambda s: reverse("interwork:assignment_edit", args=[s.work.pk]), MANAGE),
    "submission_detail": (lambda s: sub_url("submission_detail", s.work, s.own.participant), READ),
    "submission_reviewed": (lambda s: sub_url("submission_detail", s.reviewed, s.own.participant), READ),
    "file_download": (lambda s: sub_url("file_download", s.work, s.own.participant, s.own.draft_file.pk), READ),
    "delivered_file_download": (lambda s: sub_url("file_download", s.reviewed, s.own.participant,
                                                  s.own.delivered.files.get(version__isnull=False).pk), READ),
    "neighbour_submission": (lambda s: sub_url("submission_detail", s.work, s.neighbour.participant), NEIGHBOUR_READ),
    "neighbour_file_download": (lambda s: sub_url("file_download", s.work, s.neighbour.participant,
                                                  s.neighbour.draft_file.pk), NEIGHBOUR_READ),
    "matrix_xlsx": (lambda s: reverse("interwork:matrix_export", args=[s.cast.a.round.pk, "xlsx"]), EXPORT),
    "matrix_csv": (lambda s: reverse("interwork:matrix_export", args=[s.cast.a.round.pk, "csv"]), EXPORT),
    "submissions_zip": (lambda s: reverse("interwork:submissions_zip", args=[s.cast.a.round.pk]), EXPORT),
}


@pytest.mark.parametrize("page", list(GET_MATRIX))
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_interwork_get_matrix(client, scene, page, role_index, role):
    url_for, expected = GET_MATRIX[page]
    client.force_login(user_for(scene.cast, role))
    response = client.get(url_for(scene))
    response.close()  # downloads are streamed from an open file
    assert response.status_code == expected[role_index], f"{role} on {page}"


# --- Writes: status per role, and the write happened exactly when it was allowed --------------------

EDIT = [403, 403, 403, 302, 302, 404, 404, 404]  # municipal coordinator and core group members write drafts
DELIVER = [403, 403, 403, 302, 403, 404, 404, 404]  # only the municipal coordinator delivers
REVIEW = [403, 302, 302, 403, 403, 404, 404, 404]  # regional coordinator and competence partner
COMMENT = [403, 302, 302, 302, 302, 404, 404, 404]
EXTENSION = [403, 302, 403, 302, 403, 404, 404, 404]  # granted by the coordinator, asked for by the municipality
DECIDE = [403, 302, 403, 403, 403, 404, 404, 404]
MANAGE_POST = [403, 302, 403, 403, 403, 404, 404, 404]


def _neighbour(expected):
    """On the neighbour's submission the own municipality's roles are outsiders: 404."""
    return [404 if role in ("municipal_coordinator", "core_group_member") else code
            for role, code in zip(ROLES, expected, strict=True)]


def _sub(pk):
    return Submission.objects.get(pk=pk)


# name -> (url(scene, side), data(scene, side), effect(scene, side) -> a value that changes when it happened)
WRITES = {
    "draft_save": (
        lambda s, x: sub_url("draft_save", s.work, x.participant),
        lambda s, x: {"text": "Ny tekst fra rollen", "base_revision": _sub(x.draft.pk).draft_revision},
        lambda s, x: (_sub(x.draft.pk).draft_text, _sub(x.draft.pk).draft_revision),
        EDIT,
    ),
    "file_upload": (
        lambda s, x: sub_url("file_upload", s.work, x.participant),
        lambda s, x: {"file": pdf("ny.pdf")},
        lambda s, x: SubmissionFile.objects.filter(submission=x.draft).count(),
        EDIT,
    ),
    "file_remove": (
        lambda s, x: sub_url("file_remove", s.work, x.participant, x.draft_file.pk),
        lambda s, x: {},
        lambda s, x: SubmissionFile.objects.filter(pk=x.draft_file.pk).exists(),
        EDIT,
    ),
    "deliver": (
        lambda s, x: sub_url("deliver", s.work, x.participant),
        lambda s, x: {"text": _sub(x.draft.pk).draft_text, "base_revision": _sub(x.draft.pk).draft_revision},
        lambda s, x: (_sub(x.draft.pk).status, SubmissionVersion.objects.filter(submission=x.draft).count()),
        DELIVER,
    ),
    "review_approve": (
        lambda s, x: sub_url("review", s.reviewed, x.participant),
        lambda s, x: {"action": "approve", "text": "Godkjent"},
        lambda s, x: (_sub(x.delivered.pk).status, Feedback.objects.filter(submission=x.delivered).count()),
        REVIEW,
    ),
    "review_return": (
        lambda s, x: sub_url("review", s.reviewed, x.participant),
        lambda s, x: {"action": "return", "text": "Mer"},
        lambda s, x: (_sub(x.delivered.pk).status, Feedback.objects.filter(submission=x.delivered).count()),
        REVIEW,
    ),
    "comment": (
        lambda s, x: sub_url("comment", s.work, x.participant),
        lambda s, x: {"text": "En kommentar"},
        lambda s, x: Feedback.objects.filter(submission=x.draft).count(),
        COMMENT,
    ),
    "extension": (
        lambda s, x: sub_url("extension", s.work, x.participant),
        lambda s, x: {"new_due_at": timezone.localtime(s.work.due_at + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                      "reason": "Trenger mer tid"},
        lambda s, x: Extension.objects.filter(submission=x.draft).count(),
        EXTENSION,
    ),
    "extension_decide": (
        lambda s, x: sub_url("extension_decide", s.reviewed, x.participant, x.pending.pk),
        lambda s, x: {"grant": "1"},
        lambda s, x: Extension.objects.get(pk=x.pending.pk).status,
        DECIDE,
    ),
}


@pytest.mark.parametrize("target", ["own", "neighbour"])
@pytest.mark.parametrize("action", list(WRITES))
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_interwork_write_matrix(client, scene, action, target, role_index, role):
    url_for, data_for, effect, expected = WRITES[action]
    side = getattr(scene, target)
    expected = expected if target == "own" else _neighbour(expected)
    client.force_login(user_for(scene.cast, role))
    before = effect(scene, side)
    other_before = effect(scene, scene.other)
    response = client.post(url_for(scene, side), data_for(scene, side))
    assert response.status_code == expected[role_index], f"{role} on {action} ({target})"
    changed = effect(scene, side) != before
    assert changed == (response.status_code == 302), f"{role} on {action} ({target}): changed={changed}"
    assert effect(scene, scene.other) == other_before  # region b untouched


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_assignment_create_and_edit_posts(client, scene, role_index, role):
    client.force_login(user_for(scene.cast, role))
    data = {"title": "Ny oppgave", "phase": "annet", "instructions": "", "opens_at": "2026-09-01T10:00",
            "due_at": "2026-09-20T23:59"}
    response = client.post(reverse("interwork:assignment_create", args=[scene.cast.a.round.pk]), data)
    assert response.status_code == MANAGE_POST[role_index], role
    assert Assignment.objects.filter(title="Ny oppgave").exists() == (response.status_code == 302)
    response = client.post(reverse("interwork:assignment_edit", args=[scene.work.pk]), {**data, "title": "Endret"})
    assert response.status_code == MANAGE_POST[role_index], role
    scene.work.refresh_from_db()
    assert (scene.work.title == "Endret") == (response.status_code == 302)


# --- Object references that do not belong together: 404 ------------------------------------------

def test_file_of_another_submission_is_404(client, scene):
    """IDOR: a file id of the neighbour under the own participant's URL."""
    client.force_login(scene.cast.a.municipal_coordinator)
    url = sub_url("file_download", scene.work, scene.own.participant, scene.neighbour.draft_file.pk)
    assert client.get(url).status_code == 404
    url = sub_url("file_remove", scene.work, scene.own.participant, scene.neighbour.draft_file.pk)
    assert client.post(url).status_code == 404
    assert SubmissionFile.objects.filter(pk=scene.neighbour.draft_file.pk).exists()


def test_file_of_another_assignment_is_404(client, scene):
    client.force_login(scene.cast.a.municipal_coordinator)
    url = sub_url("file_download", scene.reviewed, scene.own.participant, scene.own.draft_file.pk)
    assert client.get(url).status_code == 404


def test_extension_of_another_submission_is_404(client, scene):
    client.force_login(scene.cast.a.regional_coordinator)
    url = sub_url("extension_decide", scene.reviewed, scene.own.participant, scene.neighbour.pending.pk)
    assert client.post(url, {"grant": "1"}).status_code == 404
    assert Extension.objects.get(pk=scene.neighbour.pending.pk).status == Extension.Status.REQUESTED


@pytest.mark.parametrize("role", ["national_lead", "regional_coordinator", "other_region_coordinator"])
def test_participant_of_another_round_under_an_assignment_is_404(client, scene, role):
    client.force_login(user_for(scene.cast, role))
    assert client.get(sub_url("submission_detail", scene.work, scene.other.participant)).status_code == 404
    assert client.get(sub_url("submission_detail", scene.other_assignment, scene.own.participant)).status_code == 404
    assert not Submission.objects.filter(assignment=scene.work, participant=scene.other.participant).exists()


def test_other_region_coordinator_cannot_write_anything(client, scene):
    client.force_login(scene.cast.b.regional_coordinator)
    for action, (url_for, data_for, effect, _expected) in WRITES.items():
        before = effect(scene, scene.own)
        assert client.post(url_for(scene, scene.own), data_for(scene, scene.own)).status_code == 404, action
        assert effect(scene, scene.own) == before, action


def test_municipal_coordinator_of_neighbour_gets_404_everywhere(client, scene):
    """The neighbour's own coordinator, on the municipal coordinator's submission."""
    neighbour_mc = UserFactory(email="mc-nabo@test.example")
    scene.neighbour.participant.coordinator = neighbour_mc
    scene.neighbour.participant.save()
    client.force_login(neighbour_mc)
    assert client.get(sub_url("submission_detail", scene.work, scene.own.participant)).status_code == 404
    for action, (url_for, data_for, effect, _expected) in WRITES.items():
        before = effect(scene, scene.own)
        assert client.post(url_for(scene, scene.own), data_for(scene, scene.own)).status_code == 404, action
        assert effect(scene, scene.own) == before, action
    # and their own submission works
    assert client.get(sub_url("submission_detail", scene.work, scene.neighbour.participant)).status_code == 200


def test_read_only_roles_get_403_even_with_an_invalid_form(client, scene):
    """The permission is decided before the form is read: no form errors are shown to whoever may not write."""
    for role in ("national_lead", "competence_partner", "core_group_member"):
        client.force_login(user_for(scene.cast, role))
        url = sub_url("extension", scene.work, scene.own.participant)
        assert client.post(url, {"new_due_at": "", "reason": ""}).status_code == 403, role


def test_anonymous_is_sent_to_login(client, scene):
    for url in (reverse("interwork:round_work", args=[scene.cast.a.round.pk]), scene.work.get_absolute_url(),
                sub_url("submission_detail", scene.work, scene.own.participant),
                reverse("interwork:submissions_zip", args=[scene.cast.a.round.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], url
    response = client.post(sub_url("draft_save", scene.work, scene.own.participant), {"text": "x", "base_revision": 1})
    assert response.status_code == 302
    assert Submission.objects.get(pk=scene.own.draft.pk).draft_text == "Utkast"


@pytest.mark.parametrize("name", ["draft_save", "file_upload", "deliver", "review", "comment", "extension"])
def test_writes_refuse_get(client, scene, name):
    client.force_login(scene.cast.a.municipal_coordinator)
    assert client.get(sub_url(name, scene.work, scene.own.participant)).status_code == 405


def test_inactive_core_group_member_loses_access(client, scene):
    row = scene.cast.a.member_row
    row.is_active = False
    row.save()
    client.force_login(scene.cast.a.core_group_member)
    assert client.get(sub_url("submission_detail", scene.work, scene.own.participant)).status_code == 404
    response = client.post(sub_url("draft_save", scene.work, scene.own.participant), {"text": "x", "base_revision": 1})
    assert response.status_code == 404


def test_unknown_export_format_is_404(client, scene):
    client.force_login(scene.cast.a.regional_coordinator)
    assert client.get(reverse("interwork:matrix_export", args=[scene.cast.a.round.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES[:5])))
def test_export_buttons_shown_exactly_to_those_who_may_export(client, scene, role_index, role):
    client.force_login(user_for(scene.cast, role))
    body = client.get(reverse("interwork:round_work", args=[scene.cast.a.round.pk])).content.decode()
    links = [reverse("interwork:matrix_export", args=[scene.cast.a.round.pk, "xlsx"]),
             reverse("interwork:matrix_export", args=[scene.cast.a.round.pk, "csv"]),
             reverse("interwork:submissions_zip", args=[scene.cast.a.round.pk])]
    assert [link in body for link in links] == [EXPORT[role_index] == 200] * 3, role


def test_submission_page_shows_only_the_allowed_forms(client, scene):
    url = sub_url("submission_detail", scene.work, scene.own.participant)
    forms = {"draft_save": "/utkast/", "deliver": "/lever/", "upload": 'type="file" name="file"', "extension": "/frist/\""}
    shown = {}
    for role in ("national_lead", "regional_coordinator", "competence_partner", "municipal_coordinator",
                 "core_group_member"):
        client.force_login(user_for(scene.cast, role))
        body = client.get(url).content.decode()
        shown[role] = {name for name, marker in forms.items() if marker in body}
    assert shown == {
        "national_lead": set(),
        "regional_coordinator": {"extension"},
        "competence_partner": set(),
        "municipal_coordinator": {"draft_save", "deliver", "upload", "extension"},
        "core_group_member": {"draft_save", "upload"},
    }


# --- Admin ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("changelist,model", [("admin:interwork_assignment_changelist", Assignment),
                                              ("admin:interwork_submission_changelist", Submission)])
def test_admin_changelist_scoped_to_own_rounds(client, scene, changelist, model):
    client.force_login(scene.cast.a.regional_coordinator)
    response = client.get(reverse(changelist))
    assert response.status_code == 200
    ids = {obj.pk for obj in response.context["cl"].queryset}
    own = (set(Assignment.objects.filter(round=scene.cast.a.round).values_list("pk", flat=True)) if model is Assignment
           else set(Submission.objects.filter(assignment__round=scene.cast.a.round).values_list("pk", flat=True)))
    assert ids == own and ids
    body = response.content.decode()
    assert "Ståsted B" not in body and scene.cast.b.round.title not in body  # not even in the filters


def test_admin_national_lead_sees_every_round(client, scene):
    client.force_login(scene.cast.national_lead)
    response = client.get(reverse("admin:interwork_assignment_changelist"))
    assert {obj.pk for obj in response.context["cl"].queryset} == set(Assignment.objects.values_list("pk", flat=True))
    response = client.get(reverse("admin:interwork_assignment_change", args=[scene.work.pk]))
    assert response.status_code == 200 and not response.context["has_change_permission"]


@pytest.mark.parametrize("name,obj", [
    ("admin:interwork_assignment_change", lambda s: s.other_assignment),
    ("admin:interwork_submission_change", lambda s: s.other.draft),
])
def test_admin_other_region_object_is_404(client, scene, name, obj):
    client.force_login(scene.cast.a.regional_coordinator)
    assert client.get(reverse(name, args=[obj(scene).pk])).status_code == 404


def test_admin_own_assignment_editable_and_submission_read_only(client, scene):
    client.force_login(scene.cast.a.regional_coordinator)
    response = client.get(reverse("admin:interwork_assignment_change", args=[scene.work.pk]))
    assert response.status_code == 200 and response.context["has_change_permission"]
    response = client.get(reverse("admin:interwork_submission_change", args=[scene.own.draft.pk]))
    assert response.status_code == 200 and not response.context["has_change_permission"]
    assert client.get(reverse("admin:interwork_assignment_add")).status_code == 403


def test_admin_assignment_form_offers_nothing_from_other_regions(client, scene):
    """The samling and user choices on the assignment page do not list region b's samlinger or every user."""
    GatheringFactory(round=scene.cast.a.round, title="Samling i region A")
    GatheringFactory(round=scene.cast.b.round, title="Samling i region B")
    client.force_login(scene.cast.a.regional_coordinator)
    body = client.get(reverse("admin:interwork_assignment_change", args=[scene.work.pk])).content.decode()
    assert "Samling i region A" in body
    assert "Samling i region B" not in body
    assert scene.cast.b.regional_coordinator.email not in body and scene.cast.outsider.email not in body


def test_admin_assignment_save_cannot_move_it_to_another_region(client, scene):
    client.force_login(scene.cast.a.regional_coordinator)
    url = reverse("admin:interwork_assignment_change", args=[scene.work.pk])
    data = {"round": scene.cast.b.round.pk, "title": "Flyttet", "instructions": "", "phase": "annet",
            "opens_at_0": "2026-09-01", "opens_at_1": "10:00", "due_at_0": "2026-09-20", "due_at_1": "23:59",
            "expected_attachments": ""}
    response = client.post(url, data)
    assert response.status_code == 200  # the form is shown again with an error
    scene.work.refresh_from_db()
    assert scene.work.round == scene.cast.a.round and scene.work.title == "Ståsted A"
