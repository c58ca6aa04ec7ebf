"""The municipal coordinator builds the core group in the browser: the add-member form, the table, the
programme-rule warning, validation errors, and the same flow on a phone."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from municipalities.models import CoreGroupMember, RoleCategory
from tests.factories import CoreGroupMemberFactory, ParticipantFactory

from .conftest import axe_check, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("mfa_relaxed")]

NEW_ELECTED = {"name": "Ola Folkevalgt", "email": "ola.folkevalgt@kommune.example", "title": "Ordfører",
               "role_category": RoleCategory.ELECTED}
NEW_ADMINISTRATIVE = {"name": "Anne Kommunalsjef", "email": "anne.kommunalsjef@kommune.example",
                      "title": "Kommunalsjef oppvekst", "role_category": RoleCategory.ADMINISTRATIVE}


def nb(message) -> str:
    """A string as the page renders it in Norwegian Bokmål, whether or not the catalogue is compiled."""
    with translation.override("nb"):
        return str(translation.gettext(message) if isinstance(message, str) else message)


NO_ADMIN_WARNING = "No administrative leader in the core group: the programme requires one."


@pytest.fixture
def participant(live_cast):
    """A participant of the municipal coordinator in region a whose core group is one elected member."""
    participant = ParticipantFactory(round=live_cast.a.round, coordinator=live_cast.a.municipal_coordinator)
    CoreGroupMemberFactory(participant=participant, name="Eli Representant", email="eli@kommune.example",
                           role_category=RoleCategory.ELECTED)
    return participant


def core_group(page):
    return page.locator('main section[aria-labelledby="h-core"]')


def member_row(page, name):
    first_cell = page.locator("td").first.filter(has_text=name)
    return core_group(page).locator("table tbody tr").filter(has=first_cell)


def open_participant_from_min_side(page, live_server, participant):
    """From "Min side", follow the card link to the participant page."""
    expect(page).to_have_url(f"{live_server.url}/")
    page.locator(f'main section[aria-labelledby="h-own"] a[href="{participant.get_absolute_url()}"]').click()
    expect(page).to_have_url(f"{live_server.url}{participant.get_absolute_url()}")
    expect(page.locator("main h1")).to_have_text(participant.name)


def add_member(page, live_server, participant, data, *, check_axe=False):
    """Click the add-member button, fill the form, submit; return to the participant page."""
    form_url = reverse("municipalities:member_create", args=[participant.pk])
    core_group(page).locator(f'a[href="{form_url}"]').click()
    expect(page).to_have_url(f"{live_server.url}{form_url}")
    form = page.locator("main form")
    expect(form.locator("#id_is_active")).to_be_checked()
    if check_axe:
        axe_check(page)
    form.locator("#id_name").fill(data["name"])
    form.locator("#id_email").fill(data["email"])
    form.locator("#id_title").fill(data["title"])
    form.locator("#id_role_category").select_option(str(data["role_category"]))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{participant.get_absolute_url()}")


def expect_member_in_table(page, data):
    row = member_row(page, data["name"])
    expect(row).to_have_count(1)
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text(data["name"])
    expect(cells.nth(1)).to_have_text(data["title"])
    expect(cells.nth(2)).to_have_text(nb(RoleCategory(data["role_category"]).label))
    expect(cells.nth(3).locator(f'a[href="mailto:{data["email"]}"]')).to_have_text(data["email"])


def test_coordinator_adds_members_and_the_warning_follows_the_rule(page, live_server, live_cast, participant):
    login(page, live_server, live_cast.a.municipal_coordinator.email)
    open_participant_from_min_side(page, live_server, participant)
    warnings = core_group(page).locator(".alert .warning-list li")
    admin_warning = warnings.filter(has_text=nb(NO_ADMIN_WARNING))
    expect(admin_warning).to_have_count(1)
    expect(member_row(page, "Eli Representant")).to_have_count(1)

    add_member(page, live_server, participant, NEW_ELECTED)
    expect(page.locator("main .messages .alert-success")).to_contain_text(NEW_ELECTED["name"])
    expect_member_in_table(page, NEW_ELECTED)
    expect(admin_warning).to_have_count(1)  # a second elected official does not fix it

    add_member(page, live_server, participant, NEW_ADMINISTRATIVE)
    expect_member_in_table(page, NEW_ADMINISTRATIVE)
    expect(admin_warning).to_have_count(0)
    expect(warnings).to_have_count(1)  # only the wish for a youth representative is left
    expect(core_group(page).locator("table tbody tr")).to_have_count(3)

    assert set(participant.core_group.values_list("name", "role_category")) == {
        ("Eli Representant", RoleCategory.ELECTED),
        (NEW_ELECTED["name"], RoleCategory.ELECTED),
        (NEW_ADMINISTRATIVE["name"], RoleCategory.ADMINISTRATIVE),
    }


def test_add_member_on_a_phone(phone_page, live_server, live_cast, participant):
    page = phone_page
    login(page, live_server, live_cast.a.municipal_coordinator.email)
    # The navbar is collapsed behind the toggler, and the toggler opens it (Bootstrap's JS is running).
    toggler = page.locator("header .navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("#mainnav")).to_be_hidden()
    toggler.click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # transition finished
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#language-select")).to_be_visible()
    toggler.click()
    expect(page.locator("#mainnav")).to_be_hidden()

    open_participant_from_min_side(page, live_server, participant)
    add_member(page, live_server, participant, NEW_ADMINISTRATIVE, check_axe=True)
    expect_member_in_table(page, NEW_ADMINISTRATIVE)
    warnings = core_group(page).locator(".alert .warning-list li")
    expect(warnings.filter(has_text=nb(NO_ADMIN_WARNING))).to_have_count(0)


def test_invalid_member_shows_error_and_keeps_input(page, live_server, live_cast, participant):
    login(page, live_server, live_cast.a.municipal_coordinator.email)
    form_url = reverse("municipalities:member_create", args=[participant.pk])
    page.goto(f"{live_server.url}{form_url}")
    form = page.locator("main form")
    form.locator("#id_name").fill("")
    form.locator("#id_email").fill("kari@kommune.example")
    form.locator("#id_title").fill("Leder, ungdomsrådet")
    form.locator("#id_role_category").select_option("youth")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}{form_url}")  # re-rendered, not redirected
    name = form.locator("#id_name")
    expect(name).to_have_class(re.compile(r"(^|\s)is-invalid(\s|$)"))
    expect(name).to_have_attribute("aria-invalid", "true")
    error = form.locator("#div_id_name .invalid-feedback")
    expect(name).to_have_attribute("aria-describedby", re.compile(r"\S"))
    expect(error).to_have_attribute("id", name.get_attribute("aria-describedby"))
    expect(error).to_be_visible()
    expect(error).not_to_have_text("")
    expect(form.locator("#id_email")).to_have_value("kari@kommune.example")
    expect(form.locator("#id_title")).to_have_value("Leder, ungdomsrådet")
    expect(form.locator("#id_role_category")).to_have_value("youth")
    expect(form.locator("#id_is_active")).to_be_checked()
    axe_check(page)
    assert not CoreGroupMember.objects.filter(participant=participant, email="kari@kommune.example").exists()


# What sticks out past the right edge of the layout viewport (clientWidth; with is_mobile, innerWidth grows
# to fit the content, so it cannot be used here).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    // Inside a .table-responsive box only absolutely positioned elements escape its clipping.
    const escapes = !el.closest(".table-responsive *") || getComputedStyle(el).position === "absolute";
    if (box.width > 0 && box.right > width + 1 && escapes) {
      const parent = el.parentElement;
      out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> in <${parent.tagName.toLowerCase()} ` +
               `class="${parent.className}"> right=${Math.round(box.right)}px`);
    }
  }
  return [`scrollWidth ${document.documentElement.scrollWidth} > ${width}`, ...out.slice(0, 10)];
}"""


def test_pages_fit_a_phone_screen(phone_page, live_server, live_cast, participant):
    """No sideways scrolling on a phone: wide tables scroll inside their .table-responsive box, and nothing
    else (such as a visually-hidden span positioned absolutely) pushes the page wider than the screen."""
    page = phone_page
    login(page, live_server, live_cast.a.municipal_coordinator.email)
    urls = ["/", participant.get_absolute_url(), live_cast.a.round.get_absolute_url(),
            reverse("municipalities:member_create", args=[participant.pk])]
    too_wide = {}
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("main h1")).to_be_visible()
        if overflow := page.evaluate(OVERFLOW_JS):
            too_wide[url] = overflow
    if too_wide:
        pytest.fail("pages wider than a 390 px phone screen:\n" + "\n".join(
            f"{url}: " + "\n    ".join(lines) for url, lines in too_wide.items()), pytrace=False)
