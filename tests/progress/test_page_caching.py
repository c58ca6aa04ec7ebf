"""Pages kept as fragments under the data's version (absolutt/core/fragments.py): Min side, the round list's table,
the round page, the mellomarbeid matrix and the progress pages. A write shows at once (also a bulk one, and a
reminder the engine queued without a signal); viewers whose scope differs (other participants visible, other
rights in the round, another person) never get each other's fragment; and no fragment holds a CSRF token or
comes from the request."""

import html
import re
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse

from absolutt.core import fragments, freshness
from absolutt.notifications.models import OutgoingEmail
from municipalities.models import RoleCategory

from ..factories import CoreGroupMemberFactory, ParticipantFactory, UserFactory
from ..interwork.factories import AssignmentFactory, deliver, submission
from ..sessions_app.factories import GatheringFactory, MaterialFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def body(client, user, url) -> str:
    """The page as the user sees it, without its CSRF token (a new one on every request)."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.unescape(response.content.decode()))


def matrix_url(side) -> str:
    return reverse("interwork:round_work", args=[side.round.pk])


# --- A write shows at once ----------------------------------------------------------------------------------

def test_matrix_shows_a_delivery_right_after_it(client, cast):
    a = cast.a
    assignment = AssignmentFactory(round=a.round)
    before = body(client, a.regional_coordinator, matrix_url(a))
    assert "status-not_started" in before and "status-delivered" not in before
    assert body(client, a.regional_coordinator, matrix_url(a)) == before  # from the cache

    deliver(submission(assignment, a.participant), "Vår tekst", a.municipal_coordinator)
    assert "status-delivered" in body(client, a.regional_coordinator, matrix_url(a))


def test_matrix_counts_a_reminder_the_engine_queued_in_bulk(client, cast):
    """The reminder engine fills the outbox with bulk inserts (no signal, the data's version stays): the matrix
    still counts the reminder at once."""
    a = cast.a
    assignment = AssignmentFactory(round=a.round)
    client.cookies["django_language"] = "en"
    assert "reminded once" not in body(client, a.regional_coordinator, matrix_url(a))
    v = freshness.version()
    OutgoingEmail.objects.bulk_create([OutgoingEmail(
        to=a.municipal_coordinator.email, subject="Påminnelse", body_text="Husk",
        kind=OutgoingEmail.Kind.ASSIGNMENT_REMINDER, about=assignment, party=a.participant)])
    assert freshness.version() == v
    assert "reminded once" in body(client, a.regional_coordinator, matrix_url(a))


def test_round_page_min_side_and_round_list_show_a_new_participant_at_once(client, cast):
    a = cast.a
    round_url = reverse("programmes:round_detail", args=[a.round.pk])
    progress_url = reverse("progress:round", args=[a.round.pk])
    pages = {url: body(client, a.regional_coordinator, url) for url in (round_url, progress_url, reverse("home"))}
    new = ParticipantFactory(round=a.round, coordinator=None)  # no coordinator: it needs attention on Min side
    for url, before in pages.items():
        assert new.name not in before
        assert new.name in body(client, a.regional_coordinator, url), url


def test_losing_the_national_role_shows_on_min_side_at_once(client, cast):
    """A person's account is part of the data: taking away the national lead's flag changes Min side at once."""
    lead = cast.national_lead
    assert cast.b.round.title in body(client, lead, reverse("home"))
    lead.is_national_lead = False
    lead.save()
    assert cast.b.round.title not in body(client, lead, reverse("home"))


def test_a_write_moves_the_version_again_when_it_commits(cast, django_capture_on_commit_callbacks):
    """A request that computed a page between the write and its commit kept it under the new number; the
    commit moves the number once more."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        CoreGroupMemberFactory(participant=cast.a.participant)
        during = freshness.version()
    assert freshness.version() > during


def test_signing_in_does_not_move_the_version(client, cast):
    v = freshness.version()
    client.force_login(cast.a.regional_coordinator)
    assert freshness.version() == v


def test_samling_page_shows_a_registration_and_a_new_agenda_item_at_once(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=5)
    before = body(client, a.regional_coordinator, gathering.get_absolute_url())
    client.force_login(a.municipal_coordinator)
    response = client.post(reverse("sessions_app:registration_create", args=[gathering.pk]), {
        "participant": a.participant.pk, "name": "Kari Nyregistrert", "email": "kari@kommune.example"})
    assert response.status_code == 302
    gathering.agenda.create(starts_at=gathering.starts_at, title="Velkommen til ny økt")
    after = body(client, a.regional_coordinator, gathering.get_absolute_url())
    assert "Kari Nyregistrert" not in before and "Kari Nyregistrert" in after
    assert "Velkommen til ny økt" not in before and "Velkommen til ny økt" in after


def test_participant_page_shows_a_new_core_group_member_at_once(client, cast):
    a = cast.a
    url = a.participant.get_absolute_url()
    before = body(client, a.municipal_coordinator, url)
    client.force_login(a.municipal_coordinator)
    response = client.post(reverse("municipalities:member_create", args=[a.participant.pk]), {
        "name": "Ny Ungdomsrepresentant", "email": "ung@kommune.example", "title": "Ungdomsråd",
        "role_category": RoleCategory.YOUTH, "is_active": "on"})
    assert response.status_code == 302
    assert "Ny Ungdomsrepresentant" not in before
    assert "Ny Ungdomsrepresentant" in body(client, a.municipal_coordinator, url)


# --- Different scopes never share a fragment ------------------------------------------------------------------

@pytest.mark.parametrize("coordinator_first", [True, False])
def test_matrix_of_a_municipality_never_shows_the_other_rows(client, cast, coordinator_first):
    """The regional coordinator sees every row; each municipal coordinator (the same rights: neither manages
    the round) sees only their own, in whatever order they came."""
    a = cast.a
    AssignmentFactory(round=a.round)
    other_coordinator = UserFactory(email="mc-other@test.example")
    a.other_participant.coordinator = other_coordinator
    a.other_participant.save()
    nudge = reverse("interwork:nudge", args=[a.round.pk])
    viewers = [a.regional_coordinator, a.municipal_coordinator, other_coordinator]
    seen = {user.pk: body(client, user, matrix_url(a)) for user in (viewers if coordinator_first else viewers[::-1])}
    rc, mc, other = (seen[u.pk] for u in viewers)
    assert a.participant.name in rc and a.other_participant.name in rc and nudge in rc
    assert a.participant.name in mc and a.other_participant.name not in mc and nudge not in mc
    assert a.other_participant.name in other and a.participant.name not in other and nudge not in other


@pytest.mark.parametrize("coordinator_first", [True, False])
def test_round_page_shows_each_viewer_their_own_scope_and_rights(client, cast, coordinator_first):
    a = cast.a
    other_coordinator = UserFactory(email="mc-other@test.example")
    a.other_participant.coordinator = other_coordinator
    a.other_participant.save()
    url = reverse("programmes:round_detail", args=[a.round.pk])
    edit = reverse("programmes:round_edit", args=[a.round.pk])
    viewers = [a.regional_coordinator, cast.national_lead, a.municipal_coordinator, other_coordinator]
    seen = {user.pk: body(client, user, url) for user in (viewers if coordinator_first else viewers[::-1])}
    rc, lead, mc, other = (seen[u.pk] for u in viewers)
    assert edit in rc and a.other_participant.name in rc
    assert edit not in lead and a.other_participant.name in lead
    assert edit not in mc and a.other_participant.name not in mc and a.participant.name in mc
    assert edit not in other and a.participant.name not in other and a.other_participant.name in other


@pytest.mark.parametrize("manager_first", [True, False])
def test_participant_page_offers_changes_only_to_those_who_may_make_them(client, cast, manager_first):
    a = cast.a
    url = a.participant.get_absolute_url()
    add = reverse("municipalities:member_create", args=[a.participant.pk])
    viewers = [a.municipal_coordinator, a.core_group_member]
    seen = {user.pk: body(client, user, url) for user in (viewers if manager_first else viewers[::-1])}
    assert add in seen[a.municipal_coordinator.pk] and add not in seen[a.core_group_member.pk]


def test_participant_progress_page_keeps_each_viewers_way_back(client, cast):
    """The round's progress is linked for those who may see it (the regional coordinator), not for the
    participant's own municipal coordinator, whoever came first."""
    a = cast.a
    url = reverse("progress:participant", args=[a.participant.pk])
    round_progress = reverse("progress:round", args=[a.round.pk])
    assert round_progress in body(client, a.regional_coordinator, url)
    assert round_progress not in body(client, a.municipal_coordinator, url)
    assert round_progress in body(client, a.regional_coordinator, url)


def test_min_side_is_each_persons_own(client, cast):
    first = body(client, cast.a.regional_coordinator, reverse("home"))
    second = body(client, cast.b.regional_coordinator, reverse("home"))
    assert cast.a.round.title in first and cast.b.round.title not in first
    assert cast.b.round.title in second and cast.a.round.title not in second
    assert cast.b.regional_coordinator.get_short_name() in second
    assert cast.a.regional_coordinator.get_short_name() not in second


def test_round_list_shows_each_viewer_their_rounds(client, cast):
    url = reverse("programmes:round_list")
    mine = body(client, cast.a.municipal_coordinator, url)
    theirs = body(client, cast.b.municipal_coordinator, url)
    everything = body(client, cast.national_lead, url)
    assert cast.a.round.title in mine and cast.b.round.title not in mine
    assert cast.b.round.title in theirs and cast.a.round.title not in theirs
    assert cast.a.round.title in everything and cast.b.round.title in everything


def test_samling_page_offers_each_viewer_only_the_cancellations_they_may_make(client, cast):
    """The round's coordinator may cancel every registration; a core group member only their own; a municipal
    coordinator sees only their own municipality's registrations; whoever came first."""
    a = cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=5)
    own = RegistrationFactory(gathering=gathering, participant=a.participant, name="Kjernegruppe Selv",
                              email=a.core_group_member.email, user=a.core_group_member)
    colleague = RegistrationFactory(gathering=gathering, participant=a.participant, name="Kollega Kommune",
                                    email="kollega@kommune.example")
    neighbour = RegistrationFactory(gathering=gathering, participant=a.other_participant, name="Nabo Kommune",
                                    email="nabo@kommune.example")

    def cancel(r):
        return reverse("sessions_app:registration_cancel", args=[gathering.pk, r.pk])

    url = gathering.get_absolute_url()
    for viewers in ([a.regional_coordinator, a.core_group_member, a.municipal_coordinator],
                    [a.municipal_coordinator, a.core_group_member, a.regional_coordinator]):
        freshness.touch()
        seen = {user.pk: body(client, user, url) for user in viewers}
        rc, cg, mc = (seen[u.pk] for u in (a.regional_coordinator, a.core_group_member, a.municipal_coordinator))
        assert all(cancel(r) in rc for r in (own, colleague, neighbour))
        assert cancel(own) in cg and cancel(colleague) not in cg and "Nabo Kommune" not in cg
        assert cancel(own) in mc and cancel(colleague) in mc and "Nabo Kommune" not in mc
        for page in (rc, cg, mc):  # a cancel button submits the page's own form, which has the token
            assert 'id="registration-cancel"' in page


# --- What a fragment may hold -----------------------------------------------------------------------------------

def test_no_fragment_holds_a_csrf_token_or_comes_from_the_request(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the samling's material is a file
    a = cast.a
    assignment = AssignmentFactory(round=a.round)
    deliver(submission(assignment, a.participant), "Vår tekst", a.municipal_coordinator)
    stored = []
    store = fragments.caches["fragments"]
    real_set = store.set

    def keep(key, value, *args, **kwargs):
        stored.append(value)
        return real_set(key, value, *args, **kwargs)

    gathering = GatheringFactory(round=a.round, seats_per_participant=5)
    RegistrationFactory(gathering=gathering, participant=a.participant, email="ola@kommune.example")
    material = MaterialFactory(gathering=gathering, title="Lysark")
    urls = [reverse("home"), reverse("programmes:round_list"), reverse("programmes:round_detail", args=[a.round.pk]),
            matrix_url(a), reverse("progress:round", args=[a.round.pk]),
            reverse("progress:participant", args=[a.participant.pk]), gathering.get_absolute_url()]
    with mock.patch.object(store, "set", keep):
        for url in urls:
            client.force_login(a.regional_coordinator)
            page = client.get(url).content.decode()
            assert "csrfmiddlewaretoken" in page  # the page itself has its forms (the language switch) ...
    assert len(stored) >= len(urls)
    removal = reverse("sessions_app:material_delete", args=[gathering.pk, material.pk])
    assert any(removal in fragment for fragment in stored)  # the samling's removal buttons are in a fragment
    for fragment in stored:  # ... but what is kept for others has no token, and nothing of the request
        assert "csrfmiddlewaretoken" not in fragment and client.cookies["csrftoken"].value not in fragment
        assert "sessionid" not in fragment


def test_a_fragment_is_rendered_without_the_request(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "APP_DIRS": False, "OPTIONS": {
        **settings.TEMPLATES[0]["OPTIONS"],
        "loaders": [("django.template.loaders.locmem.Loader", {
            "probe.html": "[{% csrf_token %}][{{ user }}][{{ request.path }}][{{ messages }}][{{ x }}]"})]}}]
    assert fragments.render("probe.html", {"x": "ok"}, scope=["probe"]) == "[][][][][ok]"
    # the same template, version, language and scope: the first rendering, from the cache
    assert fragments.render("probe.html", {"x": "changed"}, scope=["probe"]) == "[][][][][ok]"
    assert fragments.render("probe.html", lambda: {"x": "other scope"}, scope=["probe", 2]) == "[][][][][other scope]"
    user = UserFactory()
    CoreGroupMemberFactory(role_category=RoleCategory.YOUTH, user=user)  # any write: a new version
    assert fragments.render("probe.html", {"x": "changed"}, scope=["probe"]) == "[][][][][changed]"
