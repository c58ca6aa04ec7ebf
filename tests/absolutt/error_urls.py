"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from absolutt.urls import handler400, handler403, handler404, handler429, handler500, urlpatterns  # noqa: F401


def _fail(request, code):
    if code == 400:
        raise SuspiciousOperation("bad")
    if code == 403:
        raise PermissionDenied
    raise RuntimeError("boom")


urlpatterns = [path("feil/<int:code>/", _fail), *urlpatterns]
