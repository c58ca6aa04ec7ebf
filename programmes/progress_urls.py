"""The national view and its drill-down. Included from ``absolutt/urls.py`` with
``path("", include("programmes.progress_urls"))``."""

from django.urls import path

from . import progress_views as views

app_name = "progress"
urlpatterns = [
    path("nasjonalt/", views.national, name="national"),
    path("nasjonalt/eksport.xlsx", views.national_xlsx, name="national_xlsx"),
    path("nasjonalt/regioner/<slug:slug>/", views.region, name="region"),
    path("nasjonalt/regioner/<slug:slug>/eksport.xlsx", views.region_xlsx, name="region_xlsx"),
    path("nasjonalt/runder/<int:pk>/", views.round_detail, name="round"),
    path("nasjonalt/runder/<int:pk>/eksport.xlsx", views.round_xlsx, name="round_xlsx"),
    path("nasjonalt/deltakere/<int:pk>/", views.participant, name="participant"),
    path("nasjonalt/deltakere/<int:pk>/eksport.xlsx", views.participant_xlsx, name="participant_xlsx"),
]
