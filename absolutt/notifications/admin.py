from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from absolutt import access

from . import services
from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, for superusers (it holds every recipient's e-mail)."""

    list_display = ["to", "subject", "kind", "status", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields] + ["about_object", "party_object"]

    @admin.display(description=_("about"))
    def about_object(self, obj):
        return obj.about

    @admin.display(description=_("participant"))
    def party_object(self, obj):
        return obj.party
    actions = ["send_again"]

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset):
        n = sum(services.email_retry(email_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(n)s e-mails will be sent again.") % {"n": n})

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
