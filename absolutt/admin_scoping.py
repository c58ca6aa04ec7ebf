"""Scoping for the Django admin: non-superuser staff see and change only what ``absolutt.access`` allows.

- Lists and change pages show only the user's scope; anything else is a 404, as everywhere else.
- Every foreign-key and many-to-many field of every form (change forms, inlines, list-editable rows,
  autocomplete) offers *and accepts* only ``access.linkable(user, model)``: a crafted post with another
  region's id is refused by the form's own validation, not just hidden from the picker.
- A raw-id field never shows the name of an object outside the scope, even when a crafted post put its id
  there.
- "View on site" (``/admin/r/<content type>/<id>/``) answers 404 for objects outside the scope
  (``scoped_view_on_site`` below, routed before the admin's own URLs).

Superusers keep the full admin. ``tests/absolutt/test_admin_scope.py`` walks every registered ModelAdmin and inline
and every relation field on them, so a model added later is covered without anyone remembering to.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.db import models
from django.http import Http404

from absolutt import access


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id input that names the chosen object only when it is inside the user's scope."""

    def __init__(self, rel, admin_site, *, scope, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.scope = scope

    def label_and_url_for_value(self, value):
        try:
            if not self.scope.filter(**{self.rel.get_related_field().name: value}).exists():
                return "", ""
        except (ValueError, TypeError):
            return "", ""
        return super().label_and_url_for_value(value)


class ScopedRelationsMixin:
    """For ModelAdmin and InlineModelAdmin: relation fields limited to what the user may link to."""

    # Addresses typed without a scheme are https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not access.is_unrestricted(request.user):
            scope = access.linkable(request.user, db_field.remote_field.model)
            kwargs["queryset"] = scope
            if db_field.name in self.raw_id_fields and "widget" not in kwargs:
                kwargs["widget"] = ScopedRawIdWidget(db_field.remote_field, self.admin_site, scope=scope,
                                                     using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not access.is_unrestricted(request.user):
            kwargs["queryset"] = access.linkable(request.user, db_field.remote_field.model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedInline(ScopedRelationsMixin, admin.options.InlineModelAdmin):
    """Base for inlines on scoped admins (use ``ScopedTabularInline``/``ScopedStackedInline``)."""


class ScopedTabularInline(ScopedRelationsMixin, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedRelationsMixin, admin.StackedInline):
    pass


class ScopedAdmin(ScopedRelationsMixin, admin.ModelAdmin):
    """Subclasses say how to scope: ``scope_queryset(request, qs)`` for what a user may see and
    ``can_change(request, obj)`` for what they may change. Superusers see everything. Permissions come from
    the access rules, not Django's per-model permission table, so there is one place that decides."""

    def scope_queryset(self, request, qs):
        raise NotImplementedError

    def can_change(self, request, obj) -> bool:
        return access.is_unrestricted(request.user)

    def can_add(self, request) -> bool:
        return access.is_unrestricted(request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if access.is_unrestricted(request.user):
            return qs
        return self.scope_queryset(request, qs)

    def get_search_results(self, request, queryset, search_term):
        """Autocomplete offers only what the user may link to."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete" and not access.is_unrestricted(request.user):
            queryset = queryset.filter(pk__in=access.linkable(request.user, self.model).values("pk"))
        return queryset, may_have_duplicates

    def get_list_filter(self, request):
        """Relation filters list only objects that occur in the user's scoped rows (not every region's)."""
        out = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                try:
                    field = get_fields_from_path(self.model, entry)[-1]
                except Exception:  # not a model path: leave it as it is
                    field = None
                if field is not None and field.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            out.append(entry)
        return out

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        if obj is None:
            return True  # per-object decisions are made for each object; lists only show the scope
        return self.can_change(request, obj)

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_staff and self.can_add(request)

    def has_delete_permission(self, request, obj=None):
        return access.is_unrestricted(request.user)


def scoped_view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect, for objects the user may see in the admin only."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_permission(request):
        raise Http404
    try:
        visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
    except (ValueError, TypeError):
        visible = False
    if not visible:
        raise Http404
    return shortcut(request, content_type_id, object_id)
