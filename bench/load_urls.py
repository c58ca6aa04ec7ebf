"""The site's URLs plus the floor: a page that needs a signed-in person and does nothing else."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), path("", include("absolutt.urls"))]
