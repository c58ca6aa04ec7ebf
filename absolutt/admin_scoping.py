"""Scoping for the Django admin: non-superuser staff see and change only what ``absolutt.access`` allows.
Objects outside a user's scope are 404 in the admin as everywhere else."""

from django.contrib import admin
from django.http import Http404


class ScopedAdmin(admin.ModelAdmin):
    """Subclasses say how to scope: ``scope_queryset(request, qs)`` for what a user may see and
    ``can_change(request, obj)`` for what they may change. Superusers see everything. Permissions come from
    the access rules, not Django's per-model permission table, so there is one place that decides."""

    def scope_queryset(self, request, qs):
        raise NotImplementedError

    def can_change(self, request, obj) -> bool:
        return request.user.is_superuser

    def can_add(self, request) -> bool:
        return request.user.is_superuser

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return self.scope_queryset(request, qs)

    def get_list_filter(self, request):
        """Relation filters list only objects that occur in the user's scoped rows (not every region's)."""
        from django.contrib.admin.utils import get_fields_from_path

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
        return request.user.is_superuser
