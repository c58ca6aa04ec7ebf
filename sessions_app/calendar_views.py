from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from absolutt import access, tables

from . import ical, selectors, services, signals
from .models import CalendarFeed, Registration


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    return tables.download(content, name=filename, content_type="text/calendar; charset=utf-8")


@login_required
def gathering_ics(request, pk):
    gathering = access.get_gathering_for_user(request.user, pk)
    registered = gathering.registrations.filter(
        status=Registration.Status.REGISTERED, email__iexact=request.user.email).exists()
    with_video = registered or access.can_manage_round(request.user, gathering.round)
    content = ical.calendar_for([gathering], name=gathering.title, video_for={gathering.pk} if with_video else set())
    return _ics_response(content, f"samling-{gathering.pk}.ics")


@login_required
def feed_settings(request):
    """The personal calendar address; before there is one, a button that makes it (reading writes nothing)."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context: dict = {"feed": feed}
    if feed is not None:
        url = request.build_absolute_uri(reverse("sessions_app:feed_ics", kwargs={"token": feed.token}))
        context.update(feed_url=url, webcal_url=url.replace("https://", "webcal://").replace("http://", "webcal://"))
    return render(request, "sessions_app/feed_settings.html", context)


@login_required
@require_POST
def feed_create(request):
    services.calendar_feed_get_or_create(user=request.user)
    messages.success(request, _("Your personal calendar address is ready."))
    return redirect("sessions_app:feed_settings")


@login_required
@require_POST
def feed_renew(request):
    services.calendar_feed_renew(user=request.user)
    messages.success(request, _("You have a new calendar address. The old one no longer works."))
    return redirect("sessions_app:feed_settings")


def feed_ics(request, token):
    """The personal subscription feed: no login (calendar programs cannot log in); the secret token is the
    key, and the feed holds only what its owner may see."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    gatherings, video_for = selectors.feed_gatherings(feed.user)
    # The apps above samlinger add their own events (mellomarbeid deadlines) through a signal.
    extra = [event for _receiver, events in signals.calendar_feed_events.send(sender=CalendarFeed, user=feed.user)
             for event in events or ()]
    content = ical.calendar_for(gatherings, name="Absolutt", video_for=video_for, events=extra)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
