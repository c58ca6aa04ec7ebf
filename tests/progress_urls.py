"""A urlconf for the tests of the national view: the project's urls plus ``programmes.progress_urls``
(until ``absolutt/urls.py`` includes it; then this adds nothing)."""

from django.urls import get_resolver, include, path

from absolutt.urls import urlpatterns as project_patterns

urlpatterns = list(project_patterns)
if "progress" not in get_resolver("absolutt.urls").namespace_dict:
    urlpatterns.append(path("", include("programmes.progress_urls")))
