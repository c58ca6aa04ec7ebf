"""Factories and helpers for the samling (gathering) tests."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

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
