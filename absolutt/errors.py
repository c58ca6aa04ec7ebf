"""Error pages (400, 403, 404, 429, 500) in the person's language, styled like the site, saying what to do
next. Django calls the ``handler*`` names in ``absolutt.urls``; allauth's rate limits call ``handler429``."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def _page(request, status: int, title: str, text: str, steps: list[str]):
    return render(request, "errors/error.html",
                  {"error_code": status, "error_title": title, "error_text": text, "next_steps": steps},
                  status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _page(request, 400, _("The request could not be understood"),
                 _("Something in the address or the form that was sent was not right."),
                 [_("Go back, reload the page and try again.")])


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(request, 403, _("You do not have access to this"),
                 _("Your role does not let you see or change this page."),
                 [_("If you were given a new role recently, log out and in again.")])


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, 404, _("We could not find the page"),
                 _("The page does not exist, has been moved, or is not available to you."),
                 [_("Check the address, or find what you are looking for from My page.")])


@requires_csrf_token
def too_many_requests(request, exception=None):
    return _page(request, 429, _("Too many attempts"),
                 _("For your safety we have paused further attempts for a few minutes."),
                 [_("Wait a few minutes and try again."),
                  _("Forgotten your password? Log in with a code sent by e-mail instead.")])


@requires_csrf_token
def server_error(request):
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))
