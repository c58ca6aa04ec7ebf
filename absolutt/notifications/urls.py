from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("utsending/", views.outbox, name="outbox"),
    path("utsending/<int:pk>/send-igjen/", views.outbox_retry, name="outbox_retry"),
]
