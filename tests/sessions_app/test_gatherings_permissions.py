"""The permission matrix extended to samlinger: the eight roles of tests/absolutt/test_permissions.py on every samling
page and action. Outsiders and other regions get 404, read-only roles 403 on management, and a refused
write leaves nothing behind."""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from sessions_app.models import AgendaItem, Gathering, Material, Registration

from ..absolutt.test_permissions import ROLES, user_for
from ..sessions_app.factories import AgendaItemFactory, GatheringFactory, MaterialFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


@dataclass
class Scene:
    cast: object
    gathering: object
    item: object
    material: object
    own_registration: object  # of the municipal coordinator's participant (registered by them)
    neighbour_registration: object  # of the other participant in the same round
    other_gathering: object  # in region b
    other_registration: object


@pytest.fixture
def scene(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    gathering = GatheringFactory(round=cast.a.round, title="Fellessamling A")
    other_gathering = GatheringFactory(round=cast.b.round, title="Fellessamling B")
    return Scene(
        cast=cast,
        gathering=gathering,
        item=AgendaItemFactory(gathering=gathering, title="Velkommen"),
        material=MaterialFactory(gathering=gathering),
        own_registration=RegistrationFactory(gathering=gathering, participant=cast.a.participant,
                                             registered_by=cast.a.municipal_coordinator, email="egen@kommune.example"),
        neighbour_registration=RegistrationFactory(gathering=gathering, participant=cast.a.other_participant,
                                                   email="nabo@kommune.example"),
        other_gathering=other_gathering,
        other_registration=RegistrationFactory(gathering=other_gathering, participant=cast.b.participant,
                                               email="region-b@kommune.example"),
    )


READ = [200, 200, 200, 200, 200, 404, 404, 404]
MANAGE = [403, 200, 403, 403, 403, 404, 404, 404]

GET_MATRIX = {
    "timeline": (lambda s: reverse("interwork:timeline", args=[s.gathering.round_id]), READ),
    "gathering_detail": (lambda s: reverse("sessions_app:gathering_detail", args=[s.gathering.pk]), READ),
    "gathering_ics": (lambda s: reverse("sessions_app:gathering_ics", args=[s.gathering.pk]), READ),
    "material_download": (lambda s: s.material.get_absolute_url(), READ),
    "gathering_create": (lambda s: reverse("sessions_app:gathering_create", args=[s.gathering.round_id]), MANAGE),
    "gathering_edit": (lambda s: reverse("sessions_app:gathering_edit", args=[s.gathering.pk]), MANAGE),
    "checkin": (lambda s: reverse("sessions_app:checkin", args=[s.gathering.pk]), MANAGE),
    "attendance": (lambda s: reverse("sessions_app:attendance", args=[s.gathering.round_id]), MANAGE),
    "agenda_item_create": (lambda s: reverse("sessions_app:agenda_item_create", args=[s.gathering.pk]), MANAGE),
    "agenda_item_edit": (lambda s: reverse("sessions_app:agenda_item_edit", args=[s.gathering.pk, s.item.pk]), MANAGE),
    "material_upload": (lambda s: reverse("sessions_app:material_upload", args=[s.gathering.pk]), MANAGE),
    "summary_edit": (lambda s: reverse("sessions_app:summary_edit", args=[s.gathering.pk]), MANAGE),
    "export_xlsx": (lambda s: reverse("sessions_app:registrations_export", args=[s.gathering.pk, "xlsx"]), MANAGE),
    "export_csv": (lambda s: reverse("sessions_app:registrations_export", args=[s.gathering.pk, "csv"]), MANAGE),
}


@pytest.mark.parametrize("page", list(GET_MATRIX))
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_gathering_get_matrix(client, scene, page, role_index, role):
    url_for, expected = GET_MATRIX[page]
    client.force_login(user_for(scene.cast, role))
    response = client.get(url_for(scene))
    assert response.status_code == expected[role_index], f"{role} on {page}"


# --- Writes: status per role, and what is left in the database ------------------------------------

W_MANAGE = [403, 302, 403, 403, 403, 404, 404, 404]


def _gathering_form(s, **overrides):
    data = {"kind": "fellessamling", "number": "1", "title": "Flyttet", "theme_question": "", "description": "",
            "starts_at": "2027-05-03T10:00", "ends_at": "2027-05-03T15:00", "format": "physical", "venue": "Kilden",
            "video_link": "", "organisers": "", "registration_opens_at": "", "registration_deadline": "",
            "seats_per_participant": "", "capacity": ""}
    data.update(overrides)
    return data


def _reg_form(participant, name, email):
    return {"participant": str(participant.pk), "member": "", "name": name, "email": email, "title": "",
            "role_category": "", "dietary_needs": "", "accessibility_needs": ""}


# name: (url, data, expected statuses, did_it_happen(scene) -> bool)
POST_MATRIX = {
    "gathering_create": (
        lambda s: reverse("sessions_app:gathering_create", args=[s.gathering.round_id]),
        lambda s: _gathering_form(s, title="Ny samling"), W_MANAGE,
        lambda s: Gathering.objects.filter(title="Ny samling").exists(),
    ),
    "gathering_edit": (
        lambda s: reverse("sessions_app:gathering_edit", args=[s.gathering.pk]),
        lambda s: _gathering_form(s), W_MANAGE,
        lambda s: Gathering.objects.get(pk=s.gathering.pk).title == "Flyttet",
    ),
    "checkin_mark": (
        lambda s: reverse("sessions_app:checkin_mark", args=[s.gathering.pk, s.own_registration.pk]),
        lambda s: {"attended": "1"}, W_MANAGE,
        lambda s: Registration.objects.get(pk=s.own_registration.pk).attended is True,
    ),
    "agenda_item_create": (
        lambda s: reverse("sessions_app:agenda_item_create", args=[s.gathering.pk]),
        lambda s: {"starts_at": localtime(s.gathering.starts_at).strftime("%Y-%m-%dT%H:%M"), "title": "Innbrudd", "speaker": ""},
        W_MANAGE, lambda s: AgendaItem.objects.filter(title="Innbrudd").exists(),
    ),
    "agenda_item_delete": (
        lambda s: reverse("sessions_app:agenda_item_edit", args=[s.gathering.pk, s.item.pk]),
        lambda s: {"delete": "1"}, W_MANAGE, lambda s: not AgendaItem.objects.filter(pk=s.item.pk).exists(),
    ),
    "material_delete": (
        lambda s: reverse("sessions_app:material_delete", args=[s.gathering.pk, s.material.pk]),
        lambda s: {}, W_MANAGE, lambda s: not Material.objects.filter(pk=s.material.pk).exists(),
    ),
    "summary_edit": (
        lambda s: reverse("sessions_app:summary_edit", args=[s.gathering.pk]),
        lambda s: {"summary": "Overskrevet"}, W_MANAGE,
        lambda s: Gathering.objects.get(pk=s.gathering.pk).summary == "Overskrevet",
    ),
    # The neighbour's participant: the regional coordinator manages every participant of the round; the
    # municipal coordinator is refused (302 back with an error); read-only roles 403.
    "register_for_neighbour": (
        lambda s: reverse("sessions_app:registration_create", args=[s.gathering.pk]),
        lambda s: _reg_form(s.cast.a.other_participant, "Innsmett", "innsmett@kommune.example"),
        [403, 302, 403, 200, 403, 404, 404, 404],  # 200: the form again, with the refusal at its field
        lambda s: Registration.objects.filter(email="innsmett@kommune.example").exists(),
    ),
    # Another region's participant: refused for everybody.
    "register_for_other_region": (
        lambda s: reverse("sessions_app:registration_create", args=[s.gathering.pk]),
        lambda s: _reg_form(s.cast.b.participant, "Fremmed", "fremmed@kommune.example"),
        [403, 200, 403, 200, 403, 404, 404, 404],  # 200: the form again, with the refusal at its field
        lambda s: Registration.objects.filter(email="fremmed@kommune.example").exists(),
    ),
    "cancel_neighbour_registration": (
        lambda s: reverse("sessions_app:registration_cancel", args=[s.gathering.pk, s.neighbour_registration.pk]),
        lambda s: {}, [403, 302, 403, 404, 404, 404, 404, 404],
        lambda s: Registration.objects.get(pk=s.neighbour_registration.pk).status == "cancelled",
    ),
    "cancel_own_municipality_registration": (
        lambda s: reverse("sessions_app:registration_cancel", args=[s.gathering.pk, s.own_registration.pk]),
        lambda s: {}, [403, 302, 403, 302, 403, 404, 404, 404],
        lambda s: Registration.objects.get(pk=s.own_registration.pk).status == "cancelled",
    ),
}

# Which roles' writes go through (the rest must leave no trace).
SUCCEEDS = {
    "register_for_neighbour": {"regional_coordinator"},
    "register_for_other_region": set(),
    "cancel_own_municipality_registration": {"regional_coordinator", "municipal_coordinator"},
}


@pytest.mark.parametrize("action", list(POST_MATRIX))
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_gathering_post_matrix(client, scene, action, role_index, role):
    url_for, data_for, expected, happened = POST_MATRIX[action]
    client.force_login(user_for(scene.cast, role))
    response = client.post(url_for(scene), data_for(scene))
    assert response.status_code == expected[role_index], f"{role} on {action}"
    should_happen = role in SUCCEEDS.get(action, {"regional_coordinator"})
    assert happened(scene) is should_happen, f"{role} on {action}: happened={happened(scene)}"


def test_refused_registration_leaves_nothing(client, scene):
    """Nobody of the eight roles manages to register for another region's participant."""
    before = Registration.objects.count()
    for role in ROLES:
        client.force_login(user_for(scene.cast, role))
        client.post(reverse("sessions_app:registration_create", args=[scene.gathering.pk]),
                    _reg_form(scene.cast.b.participant, "Fremmed", "fremmed@kommune.example"))
        client.post(reverse("sessions_app:registration_create", args=[scene.other_gathering.pk]),
                    _reg_form(scene.cast.a.participant, "Fremmed", "fremmed2@kommune.example"))
    # Only region b's own coordinator may register in region b, and not for region a's participant.
    assert Registration.objects.count() == before


@pytest.mark.parametrize("url_for", [
    lambda s: reverse("sessions_app:gathering_detail", args=[s.gathering.pk]),
    lambda s: reverse("interwork:timeline", args=[s.gathering.round_id]),
    lambda s: s.material.get_absolute_url(),
    lambda s: reverse("sessions_app:gathering_ics", args=[s.gathering.pk]),
    lambda s: reverse("sessions_app:registrations_export", args=[s.gathering.pk, "csv"]),
    lambda s: reverse("sessions_app:feed_settings"),
], ids=["detail", "timeline", "material", "ics", "export", "feed_settings"])
def test_anonymous_is_sent_to_login(client, scene, url_for):
    response = client.get(url_for(scene))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Ids from one samling under another's URL (IDOR) --------------------------------------------------

def test_registration_of_another_samling_is_404_even_for_organiser(client, scene):
    """Region b's coordinator manages region b's samling; a registration id from region a under it is 404."""
    client.force_login(scene.cast.b.regional_coordinator)
    b = scene.other_gathering
    assert client.post(reverse("sessions_app:registration_cancel", args=[b.pk, scene.own_registration.pk])).status_code == 404
    assert client.post(reverse("sessions_app:checkin_mark", args=[b.pk, scene.own_registration.pk]),
                       {"attended": "1"}).status_code == 404
    scene.own_registration.refresh_from_db()
    assert scene.own_registration.status == "registered" and scene.own_registration.attended is None


def test_material_and_agenda_item_of_another_samling_are_404(client, scene):
    second = GatheringFactory(round=scene.cast.a.round)
    client.force_login(scene.cast.a.regional_coordinator)
    assert client.get(reverse("sessions_app:material_download", args=[second.pk, scene.material.pk])).status_code == 404
    assert client.post(reverse("sessions_app:material_delete", args=[second.pk, scene.material.pk])).status_code == 404
    assert client.get(reverse("sessions_app:agenda_item_edit", args=[second.pk, scene.item.pk])).status_code == 404
    assert Material.objects.filter(pk=scene.material.pk).exists()


def test_unknown_export_format_is_404(client, scene):
    client.force_login(scene.cast.a.regional_coordinator)
    assert client.get(reverse("sessions_app:registrations_export", args=[scene.gathering.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("name,args", [
    ("sessions_app:checkin_mark", lambda s: [s.gathering.pk, s.own_registration.pk]),
    ("sessions_app:material_delete", lambda s: [s.gathering.pk, s.material.pk]),
    ("sessions_app:registration_cancel", lambda s: [s.gathering.pk, s.own_registration.pk]),
    ("sessions_app:registration_create", lambda s: [s.gathering.pk]),
    ("sessions_app:registration_self", lambda s: [s.gathering.pk]),
    ("sessions_app:feed_renew", lambda s: []),
    ("sessions_app:feed_create", lambda s: []),
])
def test_writes_need_post(client, scene, name, args):
    client.force_login(scene.cast.a.regional_coordinator)
    assert client.get(reverse(name, args=args(scene))).status_code == 405


def test_self_registration_needs_a_core_group_row(client, scene):
    """Only core group members may use "register me"; others are refused and nothing is saved."""
    before = Registration.objects.count()
    for role, expected in [("municipal_coordinator", 403), ("competence_partner", 403), ("national_lead", 403),
                           ("other_region_municipal", 404)]:
        client.force_login(user_for(scene.cast, role))
        assert client.post(reverse("sessions_app:registration_self", args=[scene.gathering.pk])).status_code == expected
    assert Registration.objects.count() == before


def test_core_group_member_cannot_cancel_someone_elses_registration(client, scene):
    client.force_login(scene.cast.a.core_group_member)
    response = client.post(reverse("sessions_app:registration_cancel",
                                   args=[scene.gathering.pk, scene.own_registration.pk]))
    assert response.status_code == 403
    scene.own_registration.refresh_from_db()
    assert scene.own_registration.status == "registered"
