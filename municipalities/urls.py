from django.urls import path

from . import views

app_name = "municipalities"
urlpatterns = [
    path("runder/<int:round_pk>/deltakere/ny/", views.participant_create, name="participant_create"),
    path("deltakere/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("deltakere/<int:pk>/endre/", views.participant_edit, name="participant_edit"),
    path("deltakere/<int:pk>/kjernegruppe/ny/", views.member_create, name="member_create"),
    path("deltakere/<int:pk>/kjernegruppe/<int:member_pk>/endre/", views.member_edit, name="member_edit"),
]
