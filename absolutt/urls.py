from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from absolutt import health
from absolutt.accounts import views as account_views
from absolutt.admin_scoping import scoped_view_on_site
from progress import home

admin.site.site_header = "Absolutt – administrasjon"
admin.site.site_title = "Absolutt"
# The admin has no login of its own: /admin/login/ sends people to allauth's, with its two-factor stage and
# rate limits.
admin.site.login = secure_admin_login(admin.site.login)

invitation_patterns = (
    [
        path("invitasjon/<str:token>/", account_views.invitation_accept, name="invitation_accept"),
        path("konto/innstillinger/", account_views.profile, name="profile"),
        path("deltakere/<int:participant_pk>/inviter/", account_views.invitation_create, name="invitation_create"),
        path(
            "deltakere/<int:participant_pk>/invitasjoner/<int:pk>/trekk/",
            account_views.invitation_revoke,
            name="invitation_revoke",
        ),
    ],
    "accounts",
)

urlpatterns = [
    path("", home.home, name="home"),
    path("helse/", health.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Two-factor set-up counts as the second factor; recovery codes are shown once (these wrap allauth's views
    # and come before allauth's own routes for the same addresses).
    path("accounts/2fa/totp/activate/", account_views.totp_activate, name="totp_activate"),
    path("accounts/2fa/recovery-codes/generate/", account_views.recovery_codes_generate,
         name="recovery_codes_generate"),
    path("accounts/2fa/recovery-codes/", account_views.recovery_codes_view, name="recovery_codes_view"),
    path("accounts/2fa/recovery-codes/download/", account_views.recovery_codes_download,
         name="recovery_codes_download"),
    path("accounts/", include("allauth.urls")),
    path("", include(invitation_patterns)),
    path("", include("programmes.urls")),
    path("", include("municipalities.urls")),
    path("", include("sessions_app.urls")),
    path("", include("interwork.urls")),
    path("", include("progress.urls")),
    path("", include("absolutt.notifications.urls")),
    # "View on site" only for objects the user may see in the admin (before the admin's own route).
    path("admin/r/<int:content_type_id>/<path:object_id>/", scoped_view_on_site, name="admin_view_on_site"),
    path("admin/", admin.site.urls),
]

handler400 = "absolutt.errors.bad_request"
handler403 = "absolutt.errors.permission_denied"
handler404 = "absolutt.errors.page_not_found"
handler429 = "absolutt.errors.too_many_requests"
handler500 = "absolutt.errors.server_error"
