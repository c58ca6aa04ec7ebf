"""The admin cannot be tricked across regions: a walk over every registered ModelAdmin and inline, and every
foreign-key and many-to-many field on their forms.

For each relation field, as region A's regional coordinator:
- the form field refuses every object of region B (the form's own validation, so a crafted post fails) and
  accepts region A's (so the scope is not simply empty);
- for every admin where A's coordinator may change an object of A, a real HTTP post of the change form with
  that one field pointed at region B's object is refused and changes nothing.

A model added later is covered by the walk; if the walk has no region-B object of a related model it fails
and says which one to add to ``world`` below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from absolutt.accounts.models import Invitation
from interwork import services as interwork_services
from interwork.models import Extension, Feedback, SubmissionVersion
from municipalities.models import CoreGroupMember, RoleCategory
from sessions_app.models import Evaluation, EvaluationQuestion

from ..factories import CoreGroupMemberFactory, UserFactory
from ..interwork.factories import AssignmentFactory, deliver, hour, submission
from ..sessions_app.factories import AgendaItemFactory, GatheringFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]

# Reference data anyone who may change an object may link it to (the register, the catalogue).
SHARED = {"municipalities.municipality", "municipalities.county", "programmes.localapproach"}


@dataclass
class World:
    objects: dict = field(default_factory=dict)  # (side, model label) -> [objects]

    def add(self, side: str, *objs) -> None:
        for obj in objs:
            self.objects.setdefault((side, obj._meta.label_lower), []).append(obj)

    def of(self, side: str, model) -> list:
        return self.objects.get((side, model._meta.label_lower), [])


def build_side(world: World, side: str, s) -> None:
    gathering = GatheringFactory(round=s.round)
    agenda = AgendaItemFactory(gathering=gathering)
    registration = RegistrationFactory(gathering=gathering, participant=s.participant)
    evaluation = Evaluation.objects.create(gathering=gathering)
    question = EvaluationQuestion.objects.create(evaluation=evaluation, text="Nyttig?", order=1)
    assignment = AssignmentFactory(round=s.round, given_after=gathering)
    sub = submission(assignment, s.participant)
    version = deliver(sub, f"Tekst {side}", s.municipal_coordinator)
    feedback = Feedback.objects.filter(submission=sub).first()
    extension = interwork_services.extension_grant(
        submission=submission(assignment, s.other_participant), new_due_at=hour(30), reason="Valg",
        by_user=s.regional_coordinator)
    invitation = Invitation.objects.create(participant=s.participant, email=f"new-{side}@test.example",
                                           role=Invitation.Role.CORE_GROUP_MEMBER, invited_by=s.regional_coordinator)
    member_with_login = CoreGroupMemberFactory(participant=s.other_participant, user=UserFactory(),
                                               role_category=RoleCategory.ADMINISTRATIVE)
    world.add(side, s.region, s.round, s.participant, s.other_participant, s.member_row, member_with_login,
              gathering, agenda, registration, evaluation, question, assignment, sub, version, extension, invitation,
              *( [feedback] if feedback else []),
              s.regional_coordinator, s.competence_partner, s.municipal_coordinator, s.core_group_member)


@pytest.fixture
def world(cast) -> World:
    w = World()
    build_side(w, "a", cast.a)
    build_side(w, "b", cast.b)
    return w


def admin_request(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = None
    return request


def admin_classes():
    """(model, model admin, inline or None) for every registered admin and each of its inlines."""
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin, None
        for inline_class in model_admin.inlines:
            yield model, model_admin, inline_class(model, admin.site)


def relation_fields(form_class):
    for name, form_field in form_class.base_fields.items():
        if isinstance(form_field, forms.ModelChoiceField):  # ModelMultipleChoiceField is a subclass
            yield name, form_field


def may_write(model_admin, request, obj) -> bool:
    return model_admin.has_add_permission(request) or model_admin.has_change_permission(request, obj)


def form_classes(user, world):
    """Every admin form the user may post: change forms of an object of side A (or the add form). Admins
    the user may not write to (allauth's, the user accounts, the outbox) are proved closed instead, in
    ``test_admins_without_write_access_refuse_posts``."""
    request = admin_request(user)
    for model, model_admin, inline in admin_classes():
        objs = world.of("a", model) or [None]
        obj = objs[0]
        if not may_write(model_admin, request, obj):
            continue
        if inline is None:
            yield f"{model._meta.label}", model_admin.get_form(request, obj, change=obj is not None)
        else:
            yield f"{model._meta.label} inline {inline.model._meta.label}", inline.get_formset(request, obj).form


def test_every_relation_field_of_every_admin_form_refuses_other_regions_objects(cast, world):
    user = cast.a.regional_coordinator
    checked, missing = 0, set()
    for where, form_class in form_classes(user, world):
        for name, form_field in relation_fields(form_class):
            model = form_field.queryset.model
            label = model._meta.label_lower
            if label in SHARED:
                continue
            others = world.of("b", model)
            if not others:
                missing.add(f"{label} (field {where}.{name})")
                continue
            multiple = isinstance(form_field, forms.ModelMultipleChoiceField)
            for other in others:
                value = [str(other.pk)] if multiple else str(other.pk)
                try:
                    form_field.clean(value)
                except ValidationError:
                    checked += 1
                else:
                    pytest.fail(f"{where}.{name} accepts region B's {label} {other!r}")
            own = world.of("a", model)
            assert own, f"the walk has no region-A object of {label}"
            accepted = [o for o in own if form_field.queryset.filter(pk=o.pk).exists()]
            assert accepted or label == "sessions_app.registration", (
                f"{where}.{name} accepts none of region A's {label}: the scope is empty, not scoped")
    assert not missing, f"add region-B objects of these models to world(): {sorted(missing)}"
    assert checked > 30


def test_admins_without_write_access_refuse_posts(client, cast, world):
    user = cast.a.regional_coordinator
    client.force_login(user)
    request = admin_request(user)
    closed = 0
    for model, model_admin in admin.site._registry.items():
        obj = (world.of("b", model) or world.of("a", model) or [None])[0]
        if may_write(model_admin, request, obj):
            continue
        info = model._meta.app_label, model._meta.model_name
        assert client.post(reverse("admin:{}_{}_add".format(*info)), {}).status_code == 403
        if obj is not None:
            assert client.post(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), {}).status_code in (403, 404)
        closed += 1
    assert closed >= 3


def test_superusers_keep_the_full_admin(cast, world):
    root = get_user_model().objects.create_superuser("root@test.example", "pw-123456789-x")
    request = admin_request(root)
    form_class = admin.site._registry[CoreGroupMember].get_form(request, cast.a.member_row, change=True)
    assert form_class.base_fields["participant"].clean(str(cast.b.participant.pk)) == cast.b.participant


# --- Real HTTP posts of every change form, one relation field at a time ----------------------------------

def post_data_for(model_admin, request, obj) -> dict:
    """What the change form of ``obj`` would post unchanged (fields and empty inline management forms)."""
    form = model_admin.get_form(request, obj, change=True)(instance=obj)
    data = {}
    for name, form_field in form.fields.items():
        value = form[name].value()
        widget = form_field.widget
        if isinstance(widget, forms.MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset.get_default_prefix()
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data


def snapshot(obj):
    obj = type(obj)._default_manager.get(pk=obj.pk)
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    values.update({f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True)) for f in obj._meta.many_to_many})
    return values


def test_crafted_change_form_posts_cannot_point_outside_the_region(client, cast, world):
    user = cast.a.regional_coordinator
    client.force_login(user)
    request = admin_request(user)
    posted = 0
    for model, model_admin in admin.site._registry.items():
        for obj in world.of("a", model)[:1]:
            if not model_admin.has_change_permission(request, obj):
                continue
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
            base = post_data_for(model_admin, request, obj)
            assert client.post(url, base).status_code == 302, f"{url}: the unchanged form should save"
            form_class = model_admin.get_form(request, obj, change=True)
            for name, form_field in relation_fields(form_class):
                label = form_field.queryset.model._meta.label_lower
                if label in SHARED:
                    continue
                for other in world.of("b", form_field.queryset.model):
                    before = snapshot(obj)
                    data = dict(base)
                    data[name] = [str(other.pk)] if isinstance(form_field, forms.ModelMultipleChoiceField) else str(other.pk)
                    response = client.post(url, data)
                    assert response.status_code == 200, f"{url} {name}={other!r} was accepted"
                    assert "errorlist" in response.content.decode()
                    assert snapshot(obj) == before
                    # The refused id's object is not named on the page either.
                    assert str(other) not in response.content.decode() or str(other) == str(
                        world.of("a", form_field.queryset.model)[0])
                    posted += 1
    assert posted >= 10


def test_view_on_site_gives_nothing_away_outside_the_scope(client, cast, world):
    from django.contrib.contenttypes.models import ContentType

    client.force_login(cast.a.regional_coordinator)
    ct = ContentType.objects.get_for_model(type(cast.a.participant))
    own = client.get(f"/admin/r/{ct.pk}/{cast.a.participant.pk}/")
    assert own.status_code == 302 and own["Location"].endswith(cast.a.participant.get_absolute_url())
    other = client.get(f"/admin/r/{ct.pk}/{cast.b.participant.pk}/")
    assert other.status_code == 404


def test_round_user_pickers_list_only_people_of_own_rounds(client, cast, world):
    client.force_login(cast.a.regional_coordinator)
    body = client.get(reverse("admin:programmes_round_change", args=[cast.a.round.pk])).content.decode()
    assert cast.a.competence_partner.email in body or cast.a.competence_partner.get_full_name() in body
    for person in (cast.b.regional_coordinator, cast.b.competence_partner, cast.outsider, cast.national_lead):
        assert person.email not in body


def test_autocomplete_offers_only_linkable_objects(client, cast, world):
    """Should an admin field use autocomplete, the search answers only within the scope."""
    client.force_login(cast.a.regional_coordinator)
    request = admin_request(cast.a.regional_coordinator)
    from django.urls import resolve

    request.resolver_match = resolve(reverse("admin:autocomplete"))
    model_admin = admin.site._registry[type(cast.a.participant)]
    qs, _ = model_admin.get_search_results(request, model_admin.get_queryset(request), "")
    assert cast.b.participant not in qs and cast.a.participant in qs


def test_submission_versions_inline_is_covered(world):
    assert world.of("b", SubmissionVersion) and world.of("b", Extension)
