"""The site's URLs plus the bench's own: the floor (a page that needs a signed-in person and does nothing else) and
a way to empty the page caches of the worker that answers (move the data's version, as any write does)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path

from absolutt.core import freshness


@login_required
def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


def touch(request):
    freshness.touch()
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), path("bench/touch/", touch), path("", include("absolutt.urls"))]
