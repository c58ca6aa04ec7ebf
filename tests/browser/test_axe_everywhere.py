"""axe-core on the pages each role uses, on a 1280 px screen and on a 390 px phone, the admin pages of a regional
coordinator included: no serious or critical violation anywhere (scrolling tables are focusable regions, the
admin's breadcrumbs have contrast, every admin input has a label)."""

import pytest
from django.urls import reverse

from interwork import services as interwork_services
from municipalities.models import RoleCategory
from tests.factories import CoreGroupMemberFactory
from tests.interwork.factories import AssignmentFactory
from tests.sessions_app.factories import AgendaItemFactory, GatheringFactory, RegistrationFactory

from .conftest import DESKTOP, PHONE, axe_check, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]


@pytest.fixture
def scene(live_cast):
    a = live_cast.a
    gathering = GatheringFactory(round=a.round, title="Fellessamling 1", seats_per_participant=4, capacity=40)
    AgendaItemFactory(gathering=gathering, title="Velkommen")
    for i in range(6):
        RegistrationFactory(gathering=gathering, participant=a.participant, name=f"Person {i}",
                            email=f"person{i}@kommune.example", title="Rådgiver med en lang tittel i kommunen",
                            role_category=RoleCategory.ADMINISTRATIVE)
    CoreGroupMemberFactory(participant=a.participant, name="Anne Kommunalsjef", email="anne@kommune.example",
                           title="Kommunalsjef", role_category=RoleCategory.ADMINISTRATIVE)
    assignment = AssignmentFactory(round=a.round, title="Ståstedsanalyse")
    submission = interwork_services.submission_for(assignment=assignment, participant=a.participant)
    return {"gathering": gathering, "assignment": assignment, "submission": submission}


def pages_for(role, c, s):
    a = c.a
    g, sub = s["gathering"], s["submission"]
    common = ["/", a.participant.get_absolute_url(), g.get_absolute_url(), a.round.get_absolute_url(),
              sub.get_absolute_url(), reverse("interwork:timeline", args=[a.round.pk])]
    return {
        "regional_coordinator": common + [
            reverse("sessions_app:checkin", args=[g.pk]), reverse("interwork:round_work", args=[a.round.pk]),
            reverse("sessions_app:gathering_edit", args=[g.pk]),
            reverse("sessions_app:evaluation_questions", args=[g.pk]),  # the planned questions (none made yet)
            reverse("admin:index"), reverse("admin:sessions_app_gathering_changelist"),
            reverse("admin:sessions_app_gathering_change", args=[g.pk]),
            reverse("admin:sessions_app_registration_changelist"),
            reverse("admin:municipalities_participant_change", args=[a.participant.pk]),
            reverse("admin:municipalities_coregroupmember_changelist"),
            reverse("admin:interwork_assignment_change", args=[s["assignment"].pk]),
        ],
        "municipal_coordinator": common,
        "core_group_member": common + [reverse("sessions_app:feed_settings")],  # no calendar address yet
        "competence_partner": ["/", a.round.get_absolute_url(), g.get_absolute_url(), sub.get_absolute_url()],
        "national_lead": ["/", reverse("programmes:region_list"), a.round.get_absolute_url(),
                          reverse("interwork:round_work", args=[a.round.pk]), reverse("admin:index")],
    }[role]


def user_of(role, c):
    return c.national_lead if role == "national_lead" else getattr(c.a, role)


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("role", ["regional_coordinator", "municipal_coordinator", "core_group_member",
                                  "competence_partner", "national_lead"])
def test_every_page_of_the_role_passes_axe(browser, live_server, live_cast, scene, role, width):
    from .conftest import _new_page

    options = {"viewport": DESKTOP} if width == "desktop" else {"viewport": PHONE, "is_mobile": True, "has_touch": True}
    context, page = _new_page(browser, **options)
    try:
        login(page, live_server, user_of(role, live_cast).email)
        for url in pages_for(role, live_cast, scene):
            page.goto(f"{live_server.url}{url}")
            expect(page.locator("h1").first).to_be_visible()
            axe_check(page)
    finally:
        context.close()
