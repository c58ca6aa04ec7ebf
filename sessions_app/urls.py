from django.urls import path

from . import calendar_views, evaluation_views, export_views, views

app_name = "sessions_app"
urlpatterns = [
    path("runder/<int:round_pk>/samlinger/ny/", views.gathering_create, name="gathering_create"),
    path("runder/<int:round_pk>/oppmote/", views.attendance, name="attendance"),
    path("samlinger/<int:pk>/", views.gathering_detail, name="gathering_detail"),
    path("samlinger/<int:pk>/endre/", views.gathering_edit, name="gathering_edit"),
    path("samlinger/<int:pk>/pamelding/", views.registration_create, name="registration_create"),
    path("samlinger/<int:pk>/pamelding/meg/", views.registration_self, name="registration_self"),
    path("samlinger/<int:pk>/pamelding/<int:registration_pk>/avmeld/", views.registration_cancel,
         name="registration_cancel"),
    path("samlinger/<int:pk>/innsjekk/", views.checkin, name="checkin"),
    path("samlinger/<int:pk>/innsjekk/<int:registration_pk>/", views.checkin_mark, name="checkin_mark"),
    path("samlinger/<int:pk>/program/ny/", views.agenda_item_edit, name="agenda_item_create"),
    path("samlinger/<int:pk>/program/<int:item_pk>/", views.agenda_item_edit, name="agenda_item_edit"),
    path("samlinger/<int:pk>/materiell/ny/", views.material_upload, name="material_upload"),
    path("samlinger/<int:pk>/materiell/<int:material_pk>/", views.material_download, name="material_download"),
    path("samlinger/<int:pk>/materiell/<int:material_pk>/slett/", views.material_delete, name="material_delete"),
    path("samlinger/<int:pk>/referat/", views.summary_edit, name="summary_edit"),
    path("samlinger/<int:pk>/deltakerliste.<str:fmt>", export_views.registrations_export, name="registrations_export"),
    path("samlinger/<int:pk>/kalender.ics", calendar_views.gathering_ics, name="gathering_ics"),
    path("samlinger/<int:pk>/evaluering/", evaluation_views.evaluation_results, name="evaluation_results"),
    path("samlinger/<int:pk>/evaluering/sporsmal/", evaluation_views.evaluation_questions, name="evaluation_questions"),
    path("samlinger/<int:pk>/evaluering.<str:fmt>", evaluation_views.evaluation_export, name="evaluation_export"),
    path("runder/<int:round_pk>/evaluering/", evaluation_views.round_evaluations, name="round_evaluations"),
    path("runder/<int:round_pk>/sluttevaluering/", evaluation_views.survey_results, name="survey_results"),
    path("runder/<int:round_pk>/sluttevaluering/send/", evaluation_views.survey_send, name="survey_send"),
    path("runder/<int:round_pk>/sluttevaluering.<str:fmt>", evaluation_views.survey_export, name="survey_export"),
    path("evaluering/", evaluation_views.evaluation_form, name="evaluation_form"),
    path("evaluering/<str:token>/", evaluation_views.evaluation_link, name="evaluation_answer"),
    path("kalender/", calendar_views.feed_settings, name="feed_settings"),
    path("kalender/ny/", calendar_views.feed_create, name="feed_create"),
    path("kalender/forny/", calendar_views.feed_renew, name="feed_renew"),
    path("kalender/<str:token>.ics", calendar_views.feed_ics, name="feed_ics"),
]
