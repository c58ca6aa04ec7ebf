from django.contrib import admin
from django.db import models

from absolutt import access
from absolutt.admin_scoping import ScopedAdmin, ScopedTabularInline

from .models import AgendaItem, EvaluationQuestion, Gathering, Registration


class AgendaItemInline(ScopedTabularInline):
    model = AgendaItem
    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is not None and access.can_manage_round(request.user, obj.round)

    def has_change_permission(self, request, obj=None):
        return obj is None or access.can_manage_round(request.user, obj.round)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and access.can_manage_round(request.user, obj.round)


@admin.register(Gathering)
class GatheringAdmin(ScopedAdmin):
    list_display = ["title", "round", "kind", "starts_at", "format"]
    list_filter = ["kind", "format", "round__region", "round"]
    search_fields = ["title", "theme_question", "round__title"]
    list_select_related = ["round"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]
    # A video link typed without a scheme is https (Django 6's default; without it 5.2 warns, an error in tests).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def scope_queryset(self, request, qs):
        return qs.filter(round__in=access.visible_rounds(request.user))

    def can_change(self, request, obj) -> bool:
        return access.can_manage_round(request.user, obj.round)


@admin.register(Registration)
class RegistrationAdmin(ScopedAdmin):
    """Registrations for organisers: who registered, who is waiting, who came. Changes go through the web
    pages (seats and the waiting list are handled there under a lock); the admin reads."""

    list_display = ["name", "participant", "gathering", "status", "attended", "created_at"]
    list_filter = ["status", "attended", "gathering__round", "gathering"]
    search_fields = ["name", "email", "participant__municipality__name"]
    list_select_related = ["participant__municipality", "participant__county", "gathering"]
    readonly_fields = [f.name for f in Registration._meta.fields]

    def scope_queryset(self, request, qs):
        return qs.filter(participant__in=access.visible_participants(request.user))

    def can_change(self, request, obj) -> bool:
        return False


@admin.register(EvaluationQuestion)
class CoreQuestionAdmin(ScopedAdmin):
    """The national shared core of evaluation questions, kept by the national lead. (Round templates and a
    samling's own questions are edited on the samling's evaluation page.)"""

    list_display = ["text", "core_key", "order"]
    fields = ["text", "core_key", "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(evaluation__isnull=True, round__isnull=True, is_core=True)

    def scope_queryset(self, request, qs):
        return qs

    def can_change(self, request, obj) -> bool:
        return access.can_manage_programme_settings(request.user)

    def can_add(self, request) -> bool:
        return access.can_manage_programme_settings(request.user)

    def save_model(self, request, obj, form, change):
        obj.is_core = True
        super().save_model(request, obj, form, change)
