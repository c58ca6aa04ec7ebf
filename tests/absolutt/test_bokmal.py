"""Complete Bokmål: every page each role can reach (the demo data, crawled link by link as that person, the
admin included) shows no English — neither one of our own strings nor Django's or allauth's left
untranslated — and numbers are written the Norwegian way."""

from __future__ import annotations

import html
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import allauth
import django
import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from absolutt.accounts import services as account_services
from absolutt.accounts.models import Invitation, User
from progress.demo import demo_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]

DEMO_ROLES = {
    "national_lead": "nasjonal@absolutt.example",
    "regional_coordinator": "region.mr@absolutt.example",
    "competence_partner": "partner.mr@absolutt.example",
    "municipal_coordinator": "koordinator.molde@absolutt.example",
    "core_group_member": "kjernegruppe.molde@absolutt.example",
}

# Leftovers found by people using the platform (parts of longer English sentences, so they are looked for
# as substrings): Django's new password validator message, the admin's sidebar filter and count toggle.
KNOWN_LEFTOVERS = [
    "This password is too short", "Start typing to filter", "Show counts", "Hide counts", "Skip to main content",
    "Toggle theme", "Toggle navigation", "This field is required", "Enter a valid", "Please correct the error",
    "characters", "Sign In", "Sign Up", "Forgot your password", "Not started", "Log out", "Save and ",
]

# Links the crawl does not follow: leaving, switching language, and downloads.
SKIP = re.compile(r"^/(accounts/logout|i18n/|admin/logout|admin/r/|static/|media/)|\.(ics|xlsx|csv|pdf)$|/eksport")


def english_msgids() -> set[str]:
    """Every English message of ours, Django's and allauth's whose Bokmål translation differs from it: such
    a string on a Norwegian page is a leftover."""
    with translation.override("nb"):
        found = set()
        django_dir, allauth_dir = Path(django.__file__).parent, Path(allauth.__file__).parent
        catalogs = [Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES" / "django.po",
                    *django_dir.glob("contrib/*/locale/en/LC_MESSAGES/django.po"),
                    django_dir / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
                    allauth_dir / "locale" / "en" / "LC_MESSAGES" / "django.po"]
        for path in catalogs:
            for entry in polib.pofile(str(path)):
                if entry.obsolete or entry.msgid_plural or "%" in entry.msgid or "{" in entry.msgid:
                    continue
                text = entry.msgid.strip()
                ours = (translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt
                        else translation.gettext(entry.msgid))
                # Short words ("No", "Go", "Page") are too likely in names and data to be told apart.
                if ours != entry.msgid and len(text) >= 4 and " " in text and not text.isupper():
                    found.add(text)
        return found


class Texts(HTMLParser):
    """The texts a person meets: text nodes, and the attributes that screen readers read or inputs show."""

    ATTRS = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style", "template"}:
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in self.ATTRS & set(attrs):
            self.texts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in {"submit", "button"}:
            self.texts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def page_pattern(path: str) -> str:
    """Pages that differ only by ids are one kind of page: the crawl visits a few of each."""
    return re.sub(r"\d+", "N", path)


def crawl(client, start: str = "/", per_pattern: int = 2, limit: int = 400):
    """Yield (path, Texts) for every HTML page reachable by links from ``start`` (GET only, no query strings
    beyond the first page of each kind)."""
    seen, per = set(), {}
    queue = deque([start])
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code in {200, 302, 403, 404, 405, 410}, (path, response.status_code)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = Texts()
        parser.feed(response.content.decode())
        yield path, parser
        for href in parser.links:
            parts = urlsplit(html.unescape(href))
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            target = parts.path
            pattern = page_pattern(target)
            if target not in seen and per.get(pattern, 0) < per_pattern:
                per[pattern] = per.get(pattern, 0) + 1
                queue.append(target)


def leftovers_in(texts: list[str], msgids: set[str]) -> list[str]:
    found = []
    for text in texts:
        if text in msgids or text.rstrip(":.…") in msgids:
            found.append(text)
        found += [f"{known!r} in {text!r}" for known in KNOWN_LEFTOVERS if known in text]
    return found


@pytest.fixture
def demo(db):
    demo_load()


@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_every_page_each_role_reaches_is_in_bokmal(client, demo, role):
    msgids = english_msgids()
    client.force_login(User.objects.get(email=DEMO_ROLES[role]))
    problems, pages, admin_pages = {}, 0, 0
    for path, texts in crawl(client):
        pages += 1
        admin_pages += path.startswith("/admin/")
        if found := leftovers_in(texts.texts, msgids):
            problems[path] = found
        # "Bytt" is the language button; the admin's change links say "Endre".
        if path.startswith("/admin/") and "Bytt" in texts.texts:
            problems.setdefault(path, []).append("admin shows 'Bytt' for 'Change'")
    assert pages >= 10
    if role in {"national_lead", "regional_coordinator"}:
        assert admin_pages >= 5
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_invited_persons_signup_page_explains_the_password_in_bokmal(client, cast):
    invitation = account_services.invitation_create(
        participant=cast.a.participant, email="ordforer@kommune.example", full_name="Ola Ordfører",
        role=Invitation.Role.CORE_GROUP_MEMBER if hasattr(Invitation.Role, "CORE_GROUP_MEMBER")
        else Invitation.Role.MUNICIPAL_COORDINATOR, invited_by=cast.a.regional_coordinator,
    )
    client.get(reverse("accounts:invitation_accept", args=[invitation.token]))
    response = client.post(reverse("account_signup"), {
        "email": "ordforer@kommune.example", "full_name": "Ola Ordfører", "password1": "kort1", "password2": "kort1",
    })
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Passordet er for kort. Det må bestå av minst 10 tegn." in page
    assert "too short" not in page


def test_population_has_a_thousands_separator(client, demo):
    client.force_login(User.objects.get(email=DEMO_ROLES["regional_coordinator"]))
    from programmes.models import Round

    round_ = Round.objects.get(title="ABSOLUTT Møre og Romsdal")
    page = html.unescape(client.get(round_.get_absolute_url()).content.decode())
    assert "32\xa0969 innbyggere" in page  # Molde
    assert "32969" not in page


def test_admin_javascript_speaks_bokmal(client, cast):
    """The admin's date and selection widgets take their words from its JavaScript catalogue."""
    client.force_login(cast.a.regional_coordinator)
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    for english, norwegian in [("Sunday", "s\\u00f8ndag"), ("Choose all %s", "Velg alle %s"), ("Today", "I dag")]:
        assert f'"{english}": "{norwegian}"' in catalog, english
