"""No writes on GET: every page of the project, read by every role (and by nobody), runs no INSERT, UPDATE or
DELETE. A read shows "nothing yet"; the first write (a POST, through a service) creates the row. Only the
session may change on a GET (a login redirect, the evaluation link that puts its token in the session).

The walk covers every named URL of the project's apps; a new page must be added to ``PAGES`` (the test
``test_the_walk_covers_every_page`` says which), with the objects it needs in the scene below."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from absolutt.accounts.models import Invitation
from interwork import services as interwork_services
from interwork.models import Extension
from sessions_app import evaluations
from sessions_app.models import CalendarFeed

from ..interwork.factories import AssignmentFactory, deliver, pdf, submission
from ..sessions_app.factories import AgendaItemFactory, GatheringFactory, MaterialFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]

WRITES = ("INSERT", "UPDATE", "DELETE")
ALLOWED_TABLES = ('"django_session"',)  # the session is the browser's, not the domain's


@dataclass
class Scene:
    cast: object
    upcoming: object  # a samling next month: no evaluation yet (it ends later)
    held: object  # a samling that ended an hour ago, attended, not yet evaluated (the sweep has not run)
    evaluated: object  # a samling whose evaluation was sent by the sweep
    registration: object
    item: object
    material: object
    assignment: object
    extension: object
    invitation: object
    evaluation_token: str
    feed_token: str


@pytest.fixture
def scene(cast, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path
    a = cast.a
    upcoming = GatheringFactory(round=a.round)
    registration = RegistrationFactory(gathering=upcoming, participant=a.participant, email=a.core_group_member.email)
    start = timezone.now() - timedelta(hours=7)
    held = GatheringFactory(round=a.round, starts_at=start, ends_at=start + timedelta(hours=6),
                            registration_deadline=start - timedelta(days=3))
    RegistrationFactory(gathering=held, participant=a.participant, attended=True)
    evaluated = GatheringFactory(round=a.round, starts_at=start - timedelta(days=2),
                                 ends_at=start - timedelta(days=2) + timedelta(hours=6), registration_deadline=None)
    RegistrationFactory(gathering=evaluated, participant=a.participant, email="present@kommune.example", attended=True)
    evaluations.evaluations_due(now=evaluated.ends_at + timedelta(minutes=1))
    assert not held.__class__.objects.filter(pk=held.pk, evaluation__isnull=False).exists()
    assignment = AssignmentFactory(round=a.round)
    sub = submission(assignment, a.participant)
    interwork_services.file_attach(submission=sub, upload=pdf(), by_user=a.municipal_coordinator)
    deliver(sub, "Levert", a.municipal_coordinator)
    extension = Extension.objects.create(submission=sub, requested_by=a.municipal_coordinator,
                                         new_due_at=assignment.due_at + timedelta(days=3), reason="Syk")
    invitation = Invitation.objects.create(participant=a.participant, email="ny@kommune.example",
                                           role=Invitation.Role.CORE_GROUP_MEMBER, invited_by=a.municipal_coordinator)
    return Scene(
        cast=cast, upcoming=upcoming, held=held, evaluated=evaluated, registration=registration,
        item=AgendaItemFactory(gathering=upcoming), material=MaterialFactory(gathering=upcoming),
        assignment=assignment, extension=extension, invitation=invitation,
        evaluation_token=evaluated.evaluation.invites.get().token,
        feed_token=CalendarFeed.objects.create(user=a.regional_coordinator).token,
    )


def _sub(name, s, *extra):
    return reverse(f"interwork:{name}", args=[s.assignment.pk, s.cast.a.participant.pk, *extra])


# Every named URL of the project's apps: how to build it from the scene (several where one page has several
# states, e.g. a samling's evaluation made and not made yet).
PAGES = {
    "home": lambda s: [reverse("home"), reverse("home") + "?vis=alle"],
    "health": lambda s: [reverse("health")],
    "totp_activate": lambda s: [reverse("totp_activate")],
    "recovery_codes_generate": lambda s: [reverse("recovery_codes_generate")],
    "recovery_codes_view": lambda s: [reverse("recovery_codes_view")],
    "recovery_codes_download": lambda s: [reverse("recovery_codes_download")],
    "accounts:invitation_accept": lambda s: [reverse("accounts:invitation_accept", args=[s.invitation.token])],
    "accounts:profile": lambda s: [reverse("accounts:profile")],
    "accounts:invitation_create": lambda s: [reverse("accounts:invitation_create", args=[s.cast.a.participant.pk])],
    "accounts:invitation_revoke": lambda s: [reverse("accounts:invitation_revoke",
                                                     args=[s.cast.a.participant.pk, s.invitation.pk])],
    "programmes:region_list": lambda s: [reverse("programmes:region_list")],
    "programmes:region_detail": lambda s: [reverse("programmes:region_detail", args=[s.cast.a.region.slug])],
    "programmes:round_list": lambda s: [reverse("programmes:round_list")],
    "programmes:round_detail": lambda s: [reverse("programmes:round_detail", args=[s.cast.a.round.pk])],
    "programmes:round_edit": lambda s: [reverse("programmes:round_edit", args=[s.cast.a.round.pk])],
    "municipalities:participant_create": lambda s: [reverse("municipalities:participant_create",
                                                            args=[s.cast.a.round.pk])],
    "municipalities:participant_detail": lambda s: [reverse("municipalities:participant_detail",
                                                            args=[s.cast.a.participant.pk])],
    "municipalities:participant_edit": lambda s: [reverse("municipalities:participant_edit",
                                                          args=[s.cast.a.participant.pk])],
    "municipalities:member_create": lambda s: [reverse("municipalities:member_create", args=[s.cast.a.participant.pk])],
    "municipalities:member_edit": lambda s: [reverse("municipalities:member_edit",
                                                     args=[s.cast.a.participant.pk, s.cast.a.member_row.pk])],
    "sessions_app:gathering_create": lambda s: [reverse("sessions_app:gathering_create", args=[s.cast.a.round.pk])],
    "sessions_app:attendance": lambda s: [reverse("sessions_app:attendance", args=[s.cast.a.round.pk])],
    "sessions_app:gathering_detail": lambda s: [reverse("sessions_app:gathering_detail", args=[g.pk])
                                                for g in (s.upcoming, s.held, s.evaluated)],
    "sessions_app:gathering_edit": lambda s: [reverse("sessions_app:gathering_edit", args=[s.upcoming.pk])],
    "sessions_app:registration_create": lambda s: [reverse("sessions_app:registration_create", args=[s.upcoming.pk])],
    "sessions_app:registration_self": lambda s: [reverse("sessions_app:registration_self", args=[s.upcoming.pk])],
    "sessions_app:registration_cancel": lambda s: [reverse("sessions_app:registration_cancel",
                                                           args=[s.upcoming.pk, s.registration.pk])],
    "sessions_app:checkin": lambda s: [reverse("sessions_app:checkin", args=[s.upcoming.pk])],
    "sessions_app:checkin_mark": lambda s: [reverse("sessions_app:checkin_mark", args=[s.upcoming.pk, s.registration.pk])],
    "sessions_app:agenda_item_create": lambda s: [reverse("sessions_app:agenda_item_create", args=[s.upcoming.pk])],
    "sessions_app:agenda_item_edit": lambda s: [reverse("sessions_app:agenda_item_edit", args=[s.upcoming.pk, s.item.pk])],
    "sessions_app:material_upload": lambda s: [reverse("sessions_app:material_upload", args=[s.upcoming.pk])],
    "sessions_app:material_download": lambda s: [reverse("sessions_app:material_download",
                                                         args=[s.upcoming.pk, s.material.pk])],
    "sessions_app:material_delete": lambda s: [reverse("sessions_app:material_delete",
                                                       args=[s.upcoming.pk, s.material.pk])],
    "sessions_app:summary_edit": lambda s: [reverse("sessions_app:summary_edit", args=[s.held.pk])],
    "sessions_app:registrations_export": lambda s: [reverse("sessions_app:registrations_export", args=[s.upcoming.pk, f])
                                                    for f in ("csv", "xlsx")],
    "sessions_app:gathering_ics": lambda s: [reverse("sessions_app:gathering_ics", args=[s.upcoming.pk])],
    "sessions_app:evaluation_results": lambda s: [reverse("sessions_app:evaluation_results", args=[g.pk])
                                                  for g in (s.upcoming, s.held, s.evaluated)],
    "sessions_app:evaluation_questions": lambda s: [reverse("sessions_app:evaluation_questions", args=[g.pk])
                                                    for g in (s.upcoming, s.held, s.evaluated)],
    "sessions_app:evaluation_export": lambda s: [reverse("sessions_app:evaluation_export", args=[g.pk, f])
                                                 for g in (s.upcoming, s.held, s.evaluated) for f in ("csv", "xlsx")],
    "sessions_app:round_evaluations": lambda s: [reverse("sessions_app:round_evaluations", args=[s.cast.a.round.pk])],
    "sessions_app:survey_results": lambda s: [reverse("sessions_app:survey_results", args=[s.cast.a.round.pk])],
    "sessions_app:survey_send": lambda s: [reverse("sessions_app:survey_send", args=[s.cast.a.round.pk])],
    "sessions_app:survey_export": lambda s: [reverse("sessions_app:survey_export", args=[s.cast.a.round.pk, f])
                                             for f in ("csv", "xlsx")],
    "sessions_app:evaluation_form": lambda s: [reverse("sessions_app:evaluation_form")],
    "sessions_app:evaluation_answer": lambda s: [reverse("sessions_app:evaluation_answer", args=[s.evaluation_token])],
    "sessions_app:feed_settings": lambda s: [reverse("sessions_app:feed_settings")],
    "sessions_app:feed_create": lambda s: [reverse("sessions_app:feed_create")],
    "sessions_app:feed_renew": lambda s: [reverse("sessions_app:feed_renew")],
    "sessions_app:feed_ics": lambda s: [reverse("sessions_app:feed_ics", args=[s.feed_token])],
    "interwork:timeline": lambda s: [reverse("interwork:timeline", args=[s.cast.a.round.pk])],
    "interwork:round_work": lambda s: [reverse("interwork:round_work", args=[s.cast.a.round.pk])],
    "interwork:assignment_create": lambda s: [reverse("interwork:assignment_create", args=[s.cast.a.round.pk])],
    "interwork:nudge": lambda s: [reverse("interwork:nudge", args=[s.cast.a.round.pk]) + f"?oppgave={s.assignment.pk}"],
    "interwork:matrix_export": lambda s: [reverse("interwork:matrix_export", args=[s.cast.a.round.pk, f])
                                          for f in ("csv", "xlsx")],
    "interwork:submissions_zip": lambda s: [reverse("interwork:submissions_zip", args=[s.cast.a.round.pk])],
    "interwork:assignment_detail": lambda s: [reverse("interwork:assignment_detail", args=[s.assignment.pk])],
    "interwork:assignment_edit": lambda s: [reverse("interwork:assignment_edit", args=[s.assignment.pk])],
    "interwork:submission_detail": lambda s: [
        _sub("submission_detail", s),
        reverse("interwork:submission_detail", args=[s.assignment.pk, s.cast.a.other_participant.pk])],  # none yet
    "interwork:draft_save": lambda s: [_sub("draft_save", s)],
    "interwork:file_upload": lambda s: [_sub("file_upload", s)],
    "interwork:file_download": lambda s: [_sub("file_download", s, 1)],
    "interwork:file_remove": lambda s: [_sub("file_remove", s, 1)],
    "interwork:deliver": lambda s: [_sub("deliver", s)],
    "interwork:review": lambda s: [_sub("review", s)],
    "interwork:comment": lambda s: [_sub("comment", s)],
    "interwork:extension": lambda s: [_sub("extension", s)],
    "interwork:extension_decide": lambda s: [_sub("extension_decide", s, s.extension.pk)],
    "progress:national": lambda s: [reverse("progress:national")],
    "progress:national_xlsx": lambda s: [reverse("progress:national_xlsx")],
    "progress:region": lambda s: [reverse("progress:region", args=[s.cast.a.region.slug])],
    "progress:region_xlsx": lambda s: [reverse("progress:region_xlsx", args=[s.cast.a.region.slug])],
    "progress:round": lambda s: [reverse("progress:round", args=[s.cast.a.round.pk])],
    "progress:round_xlsx": lambda s: [reverse("progress:round_xlsx", args=[s.cast.a.round.pk])],
    "progress:participant": lambda s: [reverse("progress:participant", args=[s.cast.a.participant.pk])],
    "progress:participant_xlsx": lambda s: [reverse("progress:participant_xlsx", args=[s.cast.a.participant.pk])],
    "notifications:outbox": lambda s: [reverse("notifications:outbox"), reverse("notifications:outbox") + "?vis=waiting"],
    "notifications:outbox_retry": lambda s: [reverse("notifications:outbox_retry", args=[1])],
}

PROJECT_MODULES = ("absolutt", "programmes", "municipalities", "sessions_app", "interwork", "progress")
NOT_PAGES = {"admin_view_on_site"}  # the admin's "view on site" redirect (the admin is walked in test_admin_scope)


def project_url_names() -> set[str]:
    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                yield from walk(p.url_patterns, f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and p.callback.__module__.split(".")[0] in PROJECT_MODULES:
                yield f"{namespace}:{p.name}" if namespace else p.name

    return set(walk(get_resolver().url_patterns, "")) - NOT_PAGES


def test_the_walk_covers_every_page():
    assert project_url_names() - set(PAGES) == set(), "add the new page to PAGES"
    assert set(PAGES) - project_url_names() == set(), "a page in PAGES is gone from the URLconf"


def writes_during(client, url) -> tuple[int, set[str]]:
    """The status and the writes (statement and table, e.g. 'INSERT INTO "sessions_app_evaluation"')."""
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    return status, {" ".join(q["sql"].split()[:3]) for q in ctx.captured_queries
                    if q["sql"].lstrip().upper().startswith(WRITES) and not any(t in q["sql"] for t in ALLOWED_TABLES)}


ROLES = ["national_lead", "regional_coordinator", "competence_partner", "municipal_coordinator",
         "core_group_member", "other_region_coordinator", "outsider", "anonymous"]


def user_for(cast, role):
    return {"national_lead": cast.national_lead, "regional_coordinator": cast.a.regional_coordinator,
            "competence_partner": cast.a.competence_partner, "municipal_coordinator": cast.a.municipal_coordinator,
            "core_group_member": cast.a.core_group_member, "other_region_coordinator": cast.b.regional_coordinator,
            "outsider": cast.outsider, "anonymous": None}[role]


@pytest.mark.parametrize("role", ROLES)
def test_reading_any_page_writes_nothing(client, scene, role):
    user = user_for(scene.cast, role)
    if user is not None:
        client.force_login(user)
    found = {}
    for urls in PAGES.values():
        for url in urls(scene):
            status, writes = writes_during(client, url)
            assert status < 500, f"{url}: {status}"
            if writes:
                found[f"{url} ({status})"] = writes
    assert found == {}


@pytest.mark.parametrize("role", ["national_lead", "regional_coordinator"])
def test_reading_the_admin_writes_nothing(client, scene, role):
    """The admin's index, and every registered model's list, add form and the change form of its first row."""
    client.force_login(user_for(scene.cast, role))
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
        if (first := model._default_manager.order_by("pk").first()) is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    found = {}
    for url in urls:
        status, writes = writes_during(client, url)
        assert status < 500, f"{url}: {status}"
        if writes:
            found[f"{url} ({status})"] = writes
    assert found == {}
