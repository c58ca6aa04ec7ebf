from django.contrib import admin

from absolutt import access
from absolutt.admin_scoping import ScopedAdmin, ScopedTabularInline

from .models import Assignment, Submission, SubmissionVersion


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    list_display = ["title", "round", "phase", "opens_at", "due_at", "cutoff_at"]
    # "related only": the filters list the user's own rounds and regions, not every one
    list_filter = ["phase", ("round__region", admin.RelatedOnlyFieldListFilter),
                   ("round", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "round__title"]
    list_select_related = ["round"]
    date_hierarchy = "due_at"
    readonly_fields = ["created_by"]  # not a choice among every user

    def scope_queryset(self, request, qs):
        return qs.filter(round__in=access.visible_rounds(request.user))

    def can_change(self, request, obj) -> bool:
        return access.can_manage_round(request.user, obj.round)


class VersionInline(ScopedTabularInline):
    model = SubmissionVersion
    fields = ["number", "delivered_at", "delivered_by", "is_late"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ScopedAdmin):
    """Tracking for staff: status, lateness, extensions. Status changes go through the web pages, where
    they are recorded as versions and feedback; the admin reads."""

    list_display = ["participant", "assignment", "status", "last_delivered_at", "first_delivered_late", "extended_due_at"]
    list_filter = ["status", "first_delivered_late", ("assignment__round__region", admin.RelatedOnlyFieldListFilter),
                   ("assignment__round", admin.RelatedOnlyFieldListFilter),
                   ("assignment", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["participant__municipality__name", "participant__county__name", "assignment__title"]
    list_select_related = ["participant__municipality", "participant__county", "assignment"]
    readonly_fields = ["assignment", "participant", "status", "draft_text", "draft_revision", "draft_saved_at",
                       "draft_saved_by", "extended_due_at", "last_delivered_at", "first_delivered_late"]
    exclude = ["contributors"]
    inlines = [VersionInline]

    def scope_queryset(self, request, qs):
        return qs.filter(participant__in=access.visible_participants(request.user))

    def can_change(self, request, obj) -> bool:
        return False
