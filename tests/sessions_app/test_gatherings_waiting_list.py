"""The waiting list of a full samling: first in, first out, promotion on cancellation and on raised capacity,
the organiser's override, and concurrent registrations for the last seat.
Messages are checked in Norwegian, the language the people using the platform see."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from absolutt.notifications.models import OutgoingEmail
from sessions_app import selectors, services
from sessions_app.models import Registration

from ..sessions_app.factories import (
    GatheringFactory,
    RegistrationFactory,
    cancel_url,
    post_text,
    reg_form,
    register,
    register_url,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


# --- Waiting list --------------------------------------------------------------------------------

def test_full_samling_puts_people_on_waiting_list_and_cancellation_promotes_first(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=2)
    client.force_login(a.municipal_coordinator)
    for n in range(4):
        page = post_text(client, register_url(gathering), reg_form(a.participant, name=f"Person {n}", email=f"p{n}@kommune.example"))
    assert "Samlingen er full. Person 3 står som nummer 2 på ventelisten" in page
    regs = list(Registration.objects.order_by("pk"))
    assert [r.status for r in regs] == ["registered", "registered", "waiting", "waiting"]
    assert [selectors.waiting_position(r) for r in regs] == [None, None, 1, 2]

    page = post_text(client, cancel_url(regs[1]), {})
    assert "Person 2 fikk den ledige plassen fra ventelisten." in page
    regs = list(Registration.objects.order_by("pk"))
    assert [r.status for r in regs] == ["registered", "cancelled", "registered", "waiting"]
    assert regs[2].promoted_at is not None
    assert selectors.waiting_position(regs[3]) == 1
    promoted = OutgoingEmail.objects.get(kind="gathering_promoted")
    assert promoted.to == "p2@kommune.example" and promoted.about == gathering
    assert gathering.title in promoted.subject


def test_person_on_waiting_list_sees_their_place_and_no_seat(client, cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    register(gathering, a.other_participant, a.regional_coordinator, "forst@kommune.example")
    client.force_login(a.core_group_member)
    page = post_text(client, reverse("sessions_app:registration_self", args=[gathering.pk]), {})
    assert f"Samlingen er full. {a.member_row.name} står som nummer 1 på ventelisten" in page
    assert "Du er nummer 1 på ventelisten." in page
    assert "1 av 1 plasser er tatt. 1 på venteliste." in " ".join(page.split())


def test_waiting_list_is_first_in_first_out_by_registration_time(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    first = register(gathering, a.participant, a.regional_coordinator, "first@kommune.example")
    later = register(gathering, a.participant, a.regional_coordinator, "later@kommune.example")
    earlier = register(gathering, a.participant, a.regional_coordinator, "earlier@kommune.example")
    # The row made last registered first (e.g. the clock of a slower request): time decides, not the id.
    Registration.objects.filter(pk=earlier.pk).update(created_at=later.created_at - timedelta(seconds=1))
    promoted = services.registration_cancel(registration=first, by_user=a.regional_coordinator)
    assert promoted.pk == earlier.pk
    assert list(OutgoingEmail.objects.filter(kind="gathering_promoted").values_list("to", flat=True)) == [earlier.email]


def test_cancelling_a_waiting_registration_promotes_nobody(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    register(gathering, a.participant, a.regional_coordinator, "one@kommune.example")
    waiting_1 = register(gathering, a.participant, a.regional_coordinator, "two@kommune.example")
    waiting_2 = register(gathering, a.participant, a.regional_coordinator, "three@kommune.example")
    assert services.registration_cancel(registration=waiting_1, by_user=a.regional_coordinator) is None
    waiting_2.refresh_from_db()
    assert waiting_2.status == Registration.Status.WAITING
    assert not OutgoingEmail.objects.filter(kind="gathering_promoted").exists()


def test_organiser_override_beyond_capacity_and_no_promotion_while_still_full(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    one = register(gathering, a.participant, a.regional_coordinator, "one@kommune.example")
    waiting = register(gathering, a.participant, a.regional_coordinator, "two@kommune.example")
    extra = register(gathering, a.participant, a.regional_coordinator, "vip@kommune.example", override=True)
    assert (waiting.status, extra.status) == ("waiting", "registered")
    assert services.registration_cancel(registration=one, by_user=a.regional_coordinator) is None  # still 1 of 1
    waiting.refresh_from_db()
    assert waiting.status == "waiting"


def _run_concurrently(n, work):
    """Start ``n`` threads that each call ``work(i)`` at the same moment; return their results/exceptions."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            with translation.override("nb"):
                results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 – the test looks at every outcome
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_for_the_last_seat(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    n = 8
    results = _run_concurrently(n, lambda i: register(gathering, a.participant if i % 2 else a.other_participant,
                                                      a.regional_coordinator, f"samtidig{i}@kommune.example"))
    assert all(isinstance(r, Registration) for r in results), results
    statuses = sorted(Registration.objects.filter(gathering=gathering).values_list("status", flat=True))
    assert statuses == ["registered"] + ["waiting"] * (n - 1)
    assert Registration.objects.filter(gathering=gathering).count() == n  # none lost


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_respect_seat_limit_per_participant(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, seats_per_participant=2, capacity=None)
    results = _run_concurrently(6, lambda i: register(gathering, a.participant, a.municipal_coordinator,
                                                      f"samme{i}@kommune.example"))
    ok = [r for r in results if isinstance(r, Registration)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(ok) == 2 and len(refused) == 4, results
    expected = f"{a.participant.name} har brukt alle plassene sine (2). Meld av noen for å melde på en ny."
    assert all(r.messages == [expected] for r in refused)
    assert Registration.objects.filter(gathering=gathering, status="registered").count() == 2


def test_raising_capacity_moves_the_waiting_list_up(cast):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    first = RegistrationFactory(gathering=gathering, participant=a.participant)
    waiting = [RegistrationFactory(gathering=gathering, participant=a.participant, status="waiting") for _ in range(3)]
    services.gathering_update(gathering=gathering, data={"capacity": 3})
    statuses = [Registration.objects.get(pk=r.pk).status for r in [first, *waiting]]
    assert statuses == ["registered", "registered", "registered", "waiting"]
    assert OutgoingEmail.objects.filter(kind="gathering_promoted").count() == 2
