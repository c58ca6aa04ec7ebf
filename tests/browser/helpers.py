"""Helpers shared by the browser tests."""

from django.utils import translation

from .conftest import login


def nb(message, **values) -> str:
    """A string as the page renders it in Norwegian Bokmål (following the compiled catalogue)."""
    with translation.override("nb"):
        text = str(translation.gettext(message) if isinstance(message, str) else message)
    return text % values if values else text


# Every id on the page used once, and every form control in <main> with exactly one <label>.
LABEL_PROBLEMS_JS = """() => {
  const problems = [], counts = {};
  for (const el of document.querySelectorAll("[id]")) counts[el.id] = (counts[el.id] || 0) + 1;
  for (const [id, n] of Object.entries(counts)) if (n > 1) problems.push(`id="${id}" is used ${n} times`);
  for (const el of document.querySelectorAll("main input:not([type=hidden]), main select, main textarea")) {
    const labels = Array.from(el.labels).map((l) => l.textContent.trim());
    if (labels.length !== 1) problems.push(`${el.name} in form ${el.form && el.form.getAttribute("action")}: labels ${JSON.stringify(labels)}`);
  }
  return problems;
}"""


def assert_own_labels(page) -> None:
    problems = page.evaluate(LABEL_PROBLEMS_JS)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def messages(page, level: str):
    return page.locator(f"main .messages .alert-{level}")


def switch_user(page, live_server, user) -> None:
    """Log out by dropping the session cookie, then log in as ``user`` through the form."""
    page.context.clear_cookies()
    login(page, live_server, user.email)


# --- Scheduling -------------------------------------------------------------------------------------------
