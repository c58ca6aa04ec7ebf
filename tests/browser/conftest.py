"""Browser tests: real Chromium (Playwright) against pytest-django's live server.

Every test here is marked ``browser``; when Chromium or Playwright is missing they skip locally and fail
when CI=true (``tests.conftest.require``)."""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require

try:
    from playwright.sync_api import expect
except ImportError:  # the test modules still import; the browser fixture then skips (fails when CI=true)
    expect = None

# Playwright's sync API keeps an asyncio event loop running in the main thread; without this Django would
# refuse ORM calls made by the test itself ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ABSOLUTT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "test-password-123"  # tests.factories.UserFactory
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright for Python is not installed (pip install playwright)")
    require(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, **options):
    # bypass_csp: axe-core is injected as an inline script, which the app's CSP (script-src 'self') blocks.
    context = browser.new_context(bypass_csp=True, locale="nb-NO", **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    context, page = _new_page(browser, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def live_cast(live_server, cast):
    """The permission tests' cast, able to log in through the form: allauth's mandatory e-mail verification
    stops a login whose address has no verified ``EmailAddress`` (the factory creates none)."""
    from allauth.account.models import EmailAddress

    users = [cast.national_lead, cast.outsider]
    for side in (cast.a, cast.b):
        users += [side.regional_coordinator, side.competence_partner, side.municipal_coordinator,
                  side.core_group_member]
    for user in users:
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    return cast


def login(page, live_server, email: str, password: str = PASSWORD) -> None:
    """Log in through allauth's form and wait until the browser has left the login page."""
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def axe_check(page) -> None:
    """Run axe-core on the current page; fail on any violation of impact "serious" or "critical"."""
    page.add_script_tag(path=str(Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe-core: {len(blocking)} serious/critical violation(s) on {page.url}"]
        for v in blocking:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"][:10]:
                lines.append(f"    {json.dumps(node['target'])}: {node['html'][:200]}")
                if node.get("failureSummary"):
                    lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
        pytest.fail("\n".join(lines), pytrace=False)
