"""The right people are reminded: work returned for revision is reminded and noticed overdue in its own
words (it was delivered once, so the original reminders do not stand for it); a participant without a
municipal coordinator has its core group's administrative leader (or the whole core group) reminded, and
the regional coordinator is told why."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from interwork import reminders
from interwork.models import Assignment, Submission
from municipalities.models import RoleCategory
from programmes.models import Round

from ..factories import CoreGroupMemberFactory, ParticipantFactory, RoundFactory, UserFactory

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db


def oslo(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=OSLO)


@pytest.fixture
def round_():
    r = RoundFactory(status=Round.Status.RUNNING)
    r.regional_coordinators.add(UserFactory(email="rc@ks.example"))
    return r


def sweep(at, callbacks):
    with callbacks(execute=True):
        return reminders.assignment_reminders_due(now=at)


def rows(kind=None):
    qs = OutgoingEmail.objects.order_by("pk")
    return [(r.kind, r.to) for r in (qs.filter(kind=kind) if kind else qs)]


def test_work_returned_for_revision_is_reminded_in_its_own_words(round_, django_capture_on_commit_callbacks):
    mc = UserFactory(email="mc@kommune.example", language="nb")
    p = ParticipantFactory(round=round_, coordinator=mc)
    due = oslo(2027, 5, 10, 23, 59)
    a = Assignment.objects.create(round=round_, title="Ståstedsanalyse", opens_at=due - timedelta(days=60), due_at=due)
    assert sweep(due - timedelta(days=7), django_capture_on_commit_callbacks) == 1  # the ordinary 7-day reminder
    Submission.objects.create(assignment=a, participant=p, status=Submission.Status.RETURNED,
                              last_delivered_at=due - timedelta(days=5))
    assert sweep(due - timedelta(days=6), django_capture_on_commit_callbacks) == 1  # returned: its own occasion
    assert sweep(due - timedelta(days=5), django_capture_on_commit_callbacks) == 0
    assert sweep(due - timedelta(days=1), django_capture_on_commit_callbacks) == 1
    returned = OutgoingEmail.objects.filter(kind="assignment_reminder", dedupe_key__contains="returned")
    assert returned.count() == 2
    assert all(r.status == "sent" and "returnert" in r.body_text.lower() for r in returned)
    assert mail.outbox[-1].subject == "Revidert versjon skal leveres: Ståstedsanalyse"
    # overdue: the morning after the due date, in its own words
    assert sweep(oslo(2027, 5, 11, 8), django_capture_on_commit_callbacks) == 1
    notice = OutgoingEmail.objects.get(kind="assignment_overdue")
    assert notice.to == mc.email and "returnert" in notice.body_text.lower()


def test_work_returned_after_its_due_date_gets_an_overdue_notice_the_morning_after(round_, django_capture_on_commit_callbacks):
    mc = UserFactory(email="mc@kommune.example")
    p = ParticipantFactory(round=round_, coordinator=mc)
    due = oslo(2027, 5, 10, 23, 59)
    a = Assignment.objects.create(round=round_, title="Plan", opens_at=due - timedelta(days=60), due_at=due)
    Submission.objects.create(assignment=a, participant=p, status=Submission.Status.RETURNED,
                              last_delivered_at=oslo(2027, 5, 14, 12))
    assert sweep(oslo(2027, 5, 15, 7, 59), django_capture_on_commit_callbacks) == 0
    assert sweep(oslo(2027, 5, 15, 8), django_capture_on_commit_callbacks) == 1
    assert rows() == [("assignment_overdue", mc.email)]


def test_participant_without_coordinator_reminds_the_administrative_leader_and_tells_the_regional_coordinator(
        round_, django_capture_on_commit_callbacks):
    p = ParticipantFactory(round=round_, coordinator=None)
    CoreGroupMemberFactory(participant=p, email="radmann@kommune.example", role_category=RoleCategory.ADMINISTRATIVE)
    CoreGroupMemberFactory(participant=p, email="ordforer@kommune.example", role_category=RoleCategory.ELECTED)
    CoreGroupMemberFactory(participant=p, email="slutta@kommune.example", role_category=RoleCategory.ADMINISTRATIVE,
                           is_active=False)
    due = timezone.now() + timedelta(days=3)
    Assignment.objects.create(round=round_, title="Plan", opens_at=due - timedelta(days=60), due_at=due)
    assert sweep(timezone.now(), django_capture_on_commit_callbacks) == 2
    assert rows("assignment_reminder") == [("assignment_reminder", "radmann@kommune.example")]
    told = OutgoingEmail.objects.get(kind="assignment_no_coordinator")
    assert told.to == "rc@ks.example" and "radmann@kommune.example" in told.body_text
    assert p.get_absolute_url() in told.body_text
    reminder = OutgoingEmail.objects.get(kind="assignment_reminder")
    assert "koordinator" in reminder.body_text.lower()
    assert sweep(timezone.now(), django_capture_on_commit_callbacks) == 0


def test_participant_without_coordinator_or_administrative_leader_reminds_the_whole_core_group(
        round_, django_capture_on_commit_callbacks):
    p = ParticipantFactory(round=round_, coordinator=None)
    CoreGroupMemberFactory(participant=p, email="ordforer@kommune.example", role_category=RoleCategory.ELECTED)
    CoreGroupMemberFactory(participant=p, email="ungdom@kommune.example", role_category=RoleCategory.YOUTH)
    due = timezone.now() + timedelta(days=3)
    Assignment.objects.create(round=round_, title="Plan", opens_at=due - timedelta(days=60), due_at=due)
    sweep(timezone.now(), django_capture_on_commit_callbacks)
    assert sorted(to for _k, to in rows("assignment_reminder")) == ["ordforer@kommune.example", "ungdom@kommune.example"]
    assert rows("assignment_no_coordinator") == [("assignment_no_coordinator", "rc@ks.example")]
