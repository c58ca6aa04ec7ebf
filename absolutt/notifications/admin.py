from django.contrib import admin

from absolutt import access

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, for superusers (it holds every recipient's e-mail)."""

    list_display = ["to", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]

    def has_module_permission(self, request):
        return access.is_unrestricted(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_unrestricted(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return access.is_unrestricted(request.user)
