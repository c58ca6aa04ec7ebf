"""Min side, the national view and its drill-down."""

from django.urls import path

from . import views

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
