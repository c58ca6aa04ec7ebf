"""Core groups: the programme rule (an elected official and an administrative leader; a youth
representative wanted), the services that change them, and the forms' messages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from municipalities import services
from municipalities.models import CoreGroupMember, RoleCategory
from municipalities.selectors import participants_with_composition

from ..factories import CoreGroupMemberFactory, MunicipalityFactory, ParticipantFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_empty_core_group_breaks_the_rule():
    p = ParticipantFactory()
    c = p.composition()
    assert not c.meets_rule
    assert len(c.warnings) == 4


def test_rule_met_with_elected_and_administrative_but_youth_still_wanted():
    p = ParticipantFactory()
    CoreGroupMemberFactory(participant=p, role_category=RoleCategory.ELECTED)
    CoreGroupMemberFactory(participant=p, role_category=RoleCategory.ADMINISTRATIVE)
    c = p.composition()
    assert c.meets_rule
    assert len(c.warnings) == 1 and "barn og unge" in c.warnings[0].lower() or "youth" in c.warnings[0].lower()


def test_inactive_members_do_not_count():
    p = ParticipantFactory()
    CoreGroupMemberFactory(participant=p, role_category=RoleCategory.ELECTED, is_active=False)
    CoreGroupMemberFactory(participant=p, role_category=RoleCategory.ADMINISTRATIVE)
    assert not p.composition().meets_rule


def test_annotated_composition_matches_computed():
    p = ParticipantFactory()
    CoreGroupMemberFactory(participant=p, role_category=RoleCategory.ELECTED)
    CoreGroupMemberFactory(participant=p, role_category=RoleCategory.YOUTH)
    CoreGroupMemberFactory(participant=p, role_category=RoleCategory.ADMINISTRATIVE, is_active=False)
    annotated = participants_with_composition(type(p).objects.filter(pk=p.pk)).get()
    a, b = annotated.composition(), p.composition()
    assert (a.active, a.elected, a.administrative, a.youth) == (b.active, b.elected, b.administrative, b.youth) == (2, 1, 0, 1)


def test_member_email_unique_within_core_group_case_insensitive():
    p = ParticipantFactory()
    services.core_group_member_create(participant=p, name="A", email="Ola@Kommune.example", title="", role_category="elected")
    with pytest.raises(ValidationError) as exc:
        services.core_group_member_create(participant=p, name="B", email="ola@kommune.EXAMPLE", title="", role_category="other")
    assert "email" in exc.value.error_dict
    assert CoreGroupMember.objects.filter(participant=p).count() == 1


def test_same_email_allowed_in_another_participant():
    services.core_group_member_create(participant=ParticipantFactory(), name="A", email="a@x.example", title="", role_category="elected")
    services.core_group_member_create(participant=ParticipantFactory(), name="A", email="a@x.example", title="", role_category="elected")
    assert CoreGroupMember.objects.count() == 2


def test_participant_cannot_join_a_round_twice():
    r = RoundFactory()
    m = MunicipalityFactory()
    services.participant_create(round_=r, municipality=m)
    with pytest.raises(ValidationError):
        services.participant_create(round_=r, municipality=m)


def test_ended_municipality_cannot_join_new_round():
    from datetime import date

    m = MunicipalityFactory(valid_to=date(2024, 1, 1))
    with pytest.raises(ValidationError):
        services.participant_create(round_=RoundFactory(), municipality=m)


def test_participant_is_municipality_xor_county_in_database():
    from django.db import IntegrityError

    from municipalities.models import Participant

    with pytest.raises(IntegrityError):
        Participant.objects.create(round=RoundFactory())


def test_add_member_form_shows_norwegian_errors_and_keeps_input(client, cast, mfa_relaxed):
    client.force_login(cast.a.municipal_coordinator)
    url = reverse("municipalities:member_create", args=[cast.a.participant.pk])
    response = client.post(url, {"name": "", "email": "ikke-en-epost", "title": "Rektor", "role_category": "elected"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Feltet er påkrevet." in body  # Django's own Norwegian message
    assert "Oppgi en gyldig e-postadresse" in body
    assert 'value="Rektor"' in body
    assert CoreGroupMember.objects.filter(participant=cast.a.participant).count() == 1


def test_municipal_coordinator_adds_and_deactivates_member(client, cast, mfa_relaxed):
    client.force_login(cast.a.municipal_coordinator)
    url = reverse("municipalities:member_create", args=[cast.a.participant.pk])
    response = client.post(url, {"name": "Anne Kommunalsjef", "email": "anne@k.example", "title": "Kommunalsjef",
                                 "role_category": "administrative", "is_active": "on"})
    assert response.status_code == 302
    member = CoreGroupMember.objects.get(email="anne@k.example")
    edit = reverse("municipalities:member_edit", args=[cast.a.participant.pk, member.pk])
    response = client.post(edit, {"name": "Anne Kommunalsjef", "email": "anne@k.example", "title": "Kommunalsjef",
                                  "role_category": "administrative"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is False


def test_round_page_shows_warning_for_participant_lacking_roles(client, cast, mfa_relaxed):
    client.force_login(cast.a.regional_coordinator)
    body = client.get(reverse("programmes:round_detail", args=[cast.a.round.pk])).content.decode()
    # side a's participant has only an elected official: the administrative leader is missing
    assert "administrativ leder" in body.lower()
