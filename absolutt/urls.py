from django.contrib import admin
from django.urls import include, path

from absolutt import views
from absolutt.accounts import views as account_views

admin.site.site_header = "Absolutt – administrasjon"
admin.site.site_title = "Absolutt"

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
    path("", views.home, name="home"),
    path("helse/", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("", include(invitation_patterns)),
    path("", include("programmes.urls")),
    path("", include("municipalities.urls")),
    path("", include("sessions_app.urls")),
    path("", include("interwork.urls")),
    path("", include("programmes.progress_urls")),
    path("admin/", admin.site.urls),
]
