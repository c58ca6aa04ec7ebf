from django.contrib import admin

from absolutt import access
from absolutt.admin_scoping import ScopedAdmin, ScopedTabularInline

from .models import CoreGroupMember, County, Municipality, Participant


class RegisterAdmin(ScopedAdmin):
    """The municipality register is public reference data: every staff user reads it; only superusers
    change it (the importer keeps it up to date)."""

    def scope_queryset(self, request, qs):
        return qs


@admin.register(County)
class CountyAdmin(RegisterAdmin):
    list_display = ["number", "name", "population", "valid_from", "valid_to"]
    search_fields = ["number", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(RegisterAdmin):
    list_display = ["number", "name", "county", "population", "valid_from", "valid_to"]
    list_filter = ["county"]
    search_fields = ["number", "name", "short_name"]
    list_select_related = ["county"]


class CoreGroupMemberInline(ScopedTabularInline):
    model = CoreGroupMember
    fields = ["name", "email", "title", "role_category", "is_active", "user"]
    raw_id_fields = ["user"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is not None and access.can_manage_core_group(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or access.can_manage_core_group(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return access.is_unrestricted(request.user)


@admin.register(Participant)
class ParticipantAdmin(ScopedAdmin):
    list_display = ["__str__", "round", "coordinator"]
    list_filter = ["round__region", "round"]
    search_fields = ["municipality__name", "county__name", "round__title"]
    list_select_related = ["municipality", "county", "round", "coordinator"]
    raw_id_fields = ["municipality", "county", "coordinator"]
    inlines = [CoreGroupMemberInline]

    def scope_queryset(self, request, qs):
        return qs.filter(pk__in=access.visible_participants(request.user).values("pk"))

    def can_change(self, request, obj) -> bool:
        return access.can_manage_round(request.user, obj.round)

    def can_add(self, request) -> bool:
        return access.managed_rounds(request.user).exists()


@admin.register(CoreGroupMember)
class CoreGroupMemberAdmin(ScopedAdmin):
    list_display = ["name", "participant", "title", "role_category", "is_active"]
    list_filter = ["role_category", "is_active", "participant__round"]
    search_fields = ["name", "email", "title"]
    list_select_related = ["participant__municipality", "participant__county"]
    raw_id_fields = ["participant", "user"]

    def scope_queryset(self, request, qs):
        return qs.filter(pk__in=access.visible_core_group_members(request.user).values("pk"))

    def can_change(self, request, obj) -> bool:
        return access.can_manage_core_group(request.user, obj.participant)
