from django.urls import path

from . import export_views, views

app_name = "interwork"
S = "mellomarbeid/<int:pk>/deltakere/<int:participant_pk>/"
urlpatterns = [
    # The årshjul: samlinger and mellomarbeid deadlines together (so it lives with mellomarbeid, above samlinger).
    path("runder/<int:round_pk>/samlinger/", views.round_timeline, name="timeline"),
    path("runder/<int:round_pk>/mellomarbeid/", views.round_work, name="round_work"),
    path("runder/<int:round_pk>/mellomarbeid/ny/", views.assignment_create, name="assignment_create"),
    path("runder/<int:round_pk>/mellomarbeid/paminnelse/", views.nudge, name="nudge"),
    path("runder/<int:round_pk>/mellomarbeid/oversikt.<str:fmt>", export_views.matrix_export, name="matrix_export"),
    path("runder/<int:round_pk>/mellomarbeid/innleveringer.zip", export_views.submissions_zip, name="submissions_zip"),
    path("mellomarbeid/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("mellomarbeid/<int:pk>/endre/", views.assignment_edit, name="assignment_edit"),
    path(S, views.submission_detail, name="submission_detail"),
    path(S + "utkast/", views.draft_save, name="draft_save"),
    path(S + "filer/", views.file_upload, name="file_upload"),
    path(S + "filer/<int:file_pk>/", views.file_download, name="file_download"),
    path(S + "filer/<int:file_pk>/fjern/", views.file_remove, name="file_remove"),
    path(S + "lever/", views.deliver, name="deliver"),
    path(S + "vurdering/", views.review, name="review"),
    path(S + "kommentar/", views.comment, name="comment"),
    path(S + "frist/", views.extension, name="extension"),
    path(S + "frist/<int:extension_pk>/", views.extension_decide, name="extension_decide"),
]
