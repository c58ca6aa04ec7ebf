from django.contrib import admin

from absolutt import access
from absolutt.admin_scoping import ScopedAdmin

from .models import LocalApproach, Region, Round


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def scope_queryset(self, request, qs):
        return qs.filter(pk__in=access.visible_regions(request.user).values("pk"))


@admin.register(LocalApproach)
class LocalApproachAdmin(ScopedAdmin):
    """Programme-wide catalogue, kept by the national lead."""

    list_display = ["name", "is_active"]
    list_filter = ["is_active"]

    def scope_queryset(self, request, qs):
        return qs

    def can_change(self, request, obj) -> bool:
        return access.can_manage_programme_settings(request.user)

    def can_add(self, request) -> bool:
        return access.can_manage_programme_settings(request.user)


@admin.register(Round)
class RoundAdmin(ScopedAdmin):
    list_display = ["title", "region", "starts_on", "ends_on", "status"]
    list_filter = ["status", "region"]
    search_fields = ["title", "region__name"]
    list_select_related = ["region"]
    filter_horizontal = ["regional_coordinators", "competence_partners", "local_approaches"]
    date_hierarchy = "starts_on"

    def scope_queryset(self, request, qs):
        return qs.filter(pk__in=access.visible_rounds(request.user).values("pk"))

    def can_change(self, request, obj) -> bool:
        return access.can_manage_round(request.user, obj)
