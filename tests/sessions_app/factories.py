"""Factories and helpers for the samling (gathering) tests."""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from factory.django import DjangoModelFactory

from sessions_app import services
from sessions_app.models import AgendaItem, Gathering, Material, Registration

from ..factories import ParticipantFactory, RoundFactory

OSLO = ZoneInfo("Europe/Oslo")


def oslo(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=OSLO)


def in_days(days: float, hh: int = 10) -> datetime:
    """A time ``days`` from now at ``hh``:00 Oslo time (a whole hour, as the web form would give)."""
    day = timezone.localtime(timezone.now(), OSLO) + timedelta(days=days)
    return day.replace(hour=hh, minute=0, second=0, microsecond=0)


class GatheringFactory(DjangoModelFactory):
    """A physical fellessamling a month from now, 10:00–16:00, deadline a week before, no limits."""

    class Meta:
        model = Gathering

    round = factory.SubFactory(RoundFactory)
    kind = Gathering.Kind.JOINT
    number = 1
    title = factory.Sequence(lambda n: f"Fellessamling {n}")
    theme_question = "Behov for endring?"
    starts_at = factory.LazyFunction(lambda: in_days(30, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))
    format = Gathering.Format.PHYSICAL
    venue = "Kilden, Kristiansand"
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=7))


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    gathering = factory.SubFactory(GatheringFactory)
    starts_at = factory.LazyAttribute(lambda o: o.gathering.starts_at + timedelta(minutes=30))
    title = factory.Sequence(lambda n: f"Programpost {n}")
    speaker = "Regional koordinator"


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    gathering = factory.SubFactory(GatheringFactory)
    participant = factory.SubFactory(ParticipantFactory, round=factory.SelfAttribute("..gathering.round"))
    name = factory.Sequence(lambda n: f"Påmeldt Person {n}")
    email = factory.Sequence(lambda n: f"registered{n}@kommune.example")
    title = "Rådgiver"
    role_category = "other"
    status = Registration.Status.REGISTERED


class MaterialFactory(DjangoModelFactory):
    """Needs ``settings.MEDIA_ROOT`` pointed at a temporary folder (it writes a file)."""

    class Meta:
        model = Material

    gathering = factory.SubFactory(GatheringFactory)
    title = factory.Sequence(lambda n: f"Presentasjon {n}")
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 test", name="presentasjon.pdf"))
    original_name = "presentasjon.pdf"
    content_type = "application/pdf"
    size = 13


# --- Helpers -------------------------------------------------------------------------------------

def text(response) -> str:
    return html.unescape(response.content.decode())


def get_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return text(response)


def post_text(client, url, data) -> str:
    """POST, follow the redirect, and return the page the user lands on (with its messages)."""
    response = client.post(url, data, follow=True)
    assert response.status_code == 200, url
    return text(response)


def detail_url(g) -> str:
    return reverse("sessions_app:gathering_detail", args=[g.pk])


def register_url(g) -> str:
    return reverse("sessions_app:registration_create", args=[g.pk])


def cancel_url(r) -> str:
    return reverse("sessions_app:registration_cancel", args=[r.gathering_id, r.pk])


def reg_form(participant, member=None, **fields) -> dict:
    data = {"participant": str(participant.pk), "member": str(member.pk) if member else "", "name": "", "email": "",
            "title": "", "role_category": "", "dietary_needs": "", "accessibility_needs": ""}
    data.update(fields)
    return data


def form_data(**overrides) -> dict:
    """What the samling form posts: a physical fellessamling over two days in March 2027."""
    data = {
        "kind": "fellessamling", "number": "2", "title": "Fellessamling 2", "theme_question": "Er vi på rett vei?",
        "description": "", "starts_at": "2027-03-25T10:00", "ends_at": "2027-03-26T15:00", "format": "physical",
        "venue": "Clarion Hotel Ernst, Kristiansand", "video_link": "", "organisers": "KS Agder",
        "registration_opens_at": "", "registration_deadline": "2027-03-15T12:00", "seats_per_participant": "5",
        "capacity": "", "require_mix": "on",
    }
    data.update(overrides)
    return data


def form_data_of(g: Gathering, **overrides) -> dict:
    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""

    data = {
        "kind": g.kind, "number": g.number or "", "title": g.title, "theme_question": g.theme_question,
        "description": g.description, "starts_at": local(g.starts_at), "ends_at": local(g.ends_at), "format": g.format,
        "venue": g.venue, "video_link": g.video_link, "organisers": g.organisers,
        "registration_opens_at": local(g.registration_opens_at), "registration_deadline": local(g.registration_deadline),
        "seats_per_participant": g.seats_per_participant or "", "capacity": g.capacity or "",
    }
    if g.require_mix:
        data["require_mix"] = "on"
    data.update(overrides)
    return data


def register(gathering, participant, by_user, email, name=None, **kwargs) -> Registration:
    return services.registration_create(gathering=gathering, participant=participant, by_user=by_user,
                                        name=name or email.split("@")[0].title(), email=email, **kwargs)
