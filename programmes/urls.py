from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("regioner/", views.region_list, name="region_list"),
    path("regioner/<slug:slug>/", views.region_detail, name="region_detail"),
    path("runder/", views.round_list, name="round_list"),
    path("runder/<int:pk>/", views.round_detail, name="round_detail"),
    path("runder/<int:pk>/endre/", views.round_edit, name="round_edit"),
]
