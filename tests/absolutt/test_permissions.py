"""The permission matrix: five roles in two regions. Outsiders to an object get 404, read-only roles get
403 on writes, and nothing leaks across regions or municipalities — in web views and in the admin."""

import pytest
from django.urls import reverse

from municipalities.models import CoreGroupMember

pytestmark = pytest.mark.usefixtures("mfa_relaxed")

ROLES = ["national_lead", "regional_coordinator", "competence_partner", "municipal_coordinator",
         "core_group_member", "other_region_coordinator", "other_region_municipal", "outsider"]


def user_for(cast, role):
    return {
        "national_lead": cast.national_lead,
        "regional_coordinator": cast.a.regional_coordinator,
        "competence_partner": cast.a.competence_partner,
        "municipal_coordinator": cast.a.municipal_coordinator,
        "core_group_member": cast.a.core_group_member,
        "other_region_coordinator": cast.b.regional_coordinator,
        "other_region_municipal": cast.b.municipal_coordinator,
        "outsider": cast.outsider,
    }[role]


# url builder, expected status per role (in ROLES order)
READ_MATRIX = {
    "round_detail": (lambda c: reverse("programmes:round_detail", args=[c.a.round.pk]),
                     [200, 200, 200, 200, 200, 404, 404, 404]),
    "region_detail": (lambda c: reverse("programmes:region_detail", args=[c.a.region.slug]),
                      [200, 200, 200, 200, 200, 404, 404, 404]),
    "own_participant": (lambda c: reverse("municipalities:participant_detail", args=[c.a.participant.pk]),
                        [200, 200, 200, 200, 200, 404, 404, 404]),
    "neighbour_participant": (lambda c: reverse("municipalities:participant_detail", args=[c.a.other_participant.pk]),
                              [200, 200, 200, 404, 404, 404, 404, 404]),
    "round_edit": (lambda c: reverse("programmes:round_edit", args=[c.a.round.pk]),
                   [403, 200, 403, 403, 403, 404, 404, 404]),
    "participant_create": (lambda c: reverse("municipalities:participant_create", args=[c.a.round.pk]),
                           [403, 200, 403, 403, 403, 404, 404, 404]),
    "participant_edit": (lambda c: reverse("municipalities:participant_edit", args=[c.a.participant.pk]),
                         [403, 200, 403, 200, 403, 404, 404, 404]),
    "member_create": (lambda c: reverse("municipalities:member_create", args=[c.a.participant.pk]),
                      [403, 200, 403, 200, 403, 404, 404, 404]),
    "member_edit": (lambda c: reverse("municipalities:member_edit", args=[c.a.participant.pk, c.a.member_row.pk]),
                    [403, 200, 403, 200, 403, 404, 404, 404]),
    "neighbour_member_create": (lambda c: reverse("municipalities:member_create", args=[c.a.other_participant.pk]),
                                [403, 200, 403, 404, 404, 404, 404, 404]),
    "invite": (lambda c: reverse("accounts:invitation_create", args=[c.a.participant.pk]),
               [403, 200, 403, 200, 403, 404, 404, 404]),
}


@pytest.mark.parametrize("page", list(READ_MATRIX))
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_permission_matrix(client, cast, page, role_index, role):
    url_for, expected = READ_MATRIX[page]
    client.force_login(user_for(cast, role))
    response = client.get(url_for(cast))
    assert response.status_code == expected[role_index], f"{role} on {page}"


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(reverse("programmes:round_detail", args=[cast.a.round.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_member_of_one_participant_cannot_be_edited_through_another(client, cast):
    """IDOR: a member id from participant A under participant B's URL is a 404, even for a coordinator of B."""
    client.force_login(cast.b.regional_coordinator)
    url = reverse("municipalities:member_edit", args=[cast.b.participant.pk, cast.a.member_row.pk])
    assert client.get(url).status_code == 404


def test_other_region_coordinator_cannot_add_member(client, cast):
    client.force_login(cast.b.regional_coordinator)
    url = reverse("municipalities:member_create", args=[cast.a.participant.pk])
    response = client.post(url, {"name": "Inntrenger", "email": "x@x.example", "role_category": "elected", "is_active": "on"})
    assert response.status_code == 404
    assert not CoreGroupMember.objects.filter(name="Inntrenger").exists()


def test_municipal_coordinator_cannot_write_to_neighbour(client, cast):
    client.force_login(cast.a.municipal_coordinator)
    url = reverse("municipalities:member_create", args=[cast.a.other_participant.pk])
    response = client.post(url, {"name": "Nabo", "email": "n@x.example", "role_category": "elected", "is_active": "on"})
    assert response.status_code == 404
    assert not CoreGroupMember.objects.filter(name="Nabo").exists()


def test_core_group_member_cannot_write(client, cast):
    client.force_login(cast.a.core_group_member)
    url = reverse("municipalities:member_create", args=[cast.a.participant.pk])
    response = client.post(url, {"name": "Meg", "email": "m@x.example", "role_category": "elected", "is_active": "on"})
    assert response.status_code == 403
    assert not CoreGroupMember.objects.filter(name="Meg").exists()


def test_revoke_invitation_wrong_method(client, cast):
    client.force_login(cast.a.regional_coordinator)
    url = reverse("accounts:invitation_revoke", args=[cast.a.participant.pk, 1])
    assert client.get(url).status_code == 405


def test_round_list_shows_only_own_rounds(client, cast):
    client.force_login(cast.a.regional_coordinator)
    body = client.get(reverse("programmes:round_list")).content.decode()
    assert cast.a.round.title in body
    assert cast.b.round.title not in body


def test_national_lead_sees_all_rounds(client, cast):
    client.force_login(cast.national_lead)
    body = client.get(reverse("programmes:round_list")).content.decode()
    assert cast.a.round.title in body and cast.b.round.title in body


def test_municipal_coordinator_round_page_lists_only_own_participant(client, cast):
    client.force_login(cast.a.municipal_coordinator)
    body = client.get(reverse("programmes:round_detail", args=[cast.a.round.pk])).content.decode()
    assert cast.a.participant.name in body
    assert cast.a.other_participant.name not in body


# --- Admin ---------------------------------------------------------------------------------------

ADMIN_CHANGELISTS = ["admin:programmes_round_changelist", "admin:municipalities_participant_changelist",
                     "admin:municipalities_coregroupmember_changelist", "admin:accounts_invitation_changelist"]


@pytest.mark.parametrize("changelist", ADMIN_CHANGELISTS)
def test_admin_changelist_scoped_to_own_region(client, cast, changelist):
    client.force_login(cast.a.regional_coordinator)
    response = client.get(reverse(changelist))
    assert response.status_code == 200
    ids = {obj.pk for obj in response.context["cl"].queryset}
    model = response.context["cl"].model
    own = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert own == ids
    foreign = {
        "round": {cast.b.round.pk},
        "participant": {cast.b.participant.pk, cast.b.other_participant.pk},
        "coregroupmember": set(CoreGroupMember.objects.filter(participant__round=cast.b.round).values_list("pk", flat=True)),
        "invitation": set(),
    }[model._meta.model_name]
    assert not ids & foreign


@pytest.mark.parametrize("name,obj", [
    ("admin:programmes_round_change", lambda c: c.b.round),
    ("admin:municipalities_participant_change", lambda c: c.b.participant),
    ("admin:municipalities_coregroupmember_change", lambda c: c.b.member_row),
])
def test_admin_other_region_object_is_404(client, cast, name, obj):
    client.force_login(cast.a.regional_coordinator)
    assert client.get(reverse(name, args=[obj(cast).pk])).status_code == 404


def test_admin_own_region_object_editable(client, cast):
    client.force_login(cast.a.regional_coordinator)
    response = client.get(reverse("admin:municipalities_participant_change", args=[cast.a.participant.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"]


def test_admin_national_lead_reads_but_cannot_change_rounds(client, cast):
    client.force_login(cast.national_lead)
    response = client.get(reverse("admin:programmes_round_change", args=[cast.b.round.pk]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_admin_users_hidden_from_non_superusers(client, cast):
    client.force_login(cast.a.regional_coordinator)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_admin_closed_to_non_staff(client, cast):
    client.force_login(cast.a.municipal_coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_admin_list_filters_show_only_own_region(client, cast):
    client.force_login(cast.a.regional_coordinator)
    body = client.get(reverse("admin:municipalities_participant_changelist")).content.decode()
    assert cast.a.round.title in body
    assert cast.b.round.title not in body and cast.b.region.name not in body
