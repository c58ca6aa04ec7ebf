from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from absolutt import access
from absolutt.admin_scoping import ScopedAdmin

from .models import Invitation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Only superusers manage user accounts; people join through invitations."""

    ordering = ["email"]
    list_display = ["email", "full_name", "is_national_lead", "is_staff", "is_active"]
    list_filter = ["is_national_lead", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_national_lead", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]

    def has_module_permission(self, request):
        return access.is_unrestricted(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_unrestricted(request.user)

    def has_change_permission(self, request, obj=None):
        return access.is_unrestricted(request.user)

    def has_add_permission(self, request):
        return access.is_unrestricted(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.is_unrestricted(request.user)


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin):
    list_display = ["email", "participant", "role", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "full_name"]
    list_select_related = ["participant__municipality", "participant__county"]
    readonly_fields = ["token", "invited_by", "accepted_at", "accepted_by", "created_at"]
    raw_id_fields = ["participant", "core_group_member"]

    def scope_queryset(self, request, qs):
        return qs.filter(participant__in=access.visible_participants(request.user))

    def can_change(self, request, obj) -> bool:
        return access.can_manage_round(request.user, obj.participant.round)
