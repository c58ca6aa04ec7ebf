"""One policy, every door: no module outside the access policy reads role flags or role memberships to
decide anything. Views, selectors, exports, templates and the admin ask ``absolutt.access``."""

import re
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent.parent
APPS = ["absolutt", "programmes", "municipalities", "sessions_app", "interwork", "templates"]

# The policy itself, and where the flags are defined (models, migrations).
ALLOWED = {
    "absolutt/access.py",
    "absolutt/accounts/models.py",
}
# Reading a role: the national-lead/superuser flags, a user's round memberships, or a filter/comparison that
# asks whether a given user holds a role on an object.
ROLE_READS = [
    re.compile(r"\.is_national_lead\b"),
    re.compile(r"\.is_superuser\b"),
    re.compile(r"(?<!access)\.(coordinated_rounds|partner_rounds|core_group_memberships)\b"),
    re.compile(r"[(,]\s*(regional_coordinators|competence_partners)(__\w+)?=(request\.)?user\b"),
    re.compile(r"\b(regional_coordinators|competence_partners)\.filter\(\s*(pk|id)\s*=\s*(request\.)?user"),
    re.compile(r"[(,]\s*coordinator(_id)?=(request\.)?user\b"),
    re.compile(r"\bcoordinator_id\s*==\s*(request\.)?user"),
    re.compile(r"[(,]\s*core_group__user=(request\.)?user\b"),
]


def role_reads():
    found = []
    for app in APPS:
        for path in (BASE / app).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
                continue
            rel = path.relative_to(BASE).as_posix()
            if rel in ALLOWED:
                continue
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if any(p.search(line) for p in ROLE_READS):
                    found.append(f"{rel}:{lineno}: {line.strip()}")
    return found


def test_no_module_outside_the_access_policy_reads_roles():
    assert role_reads() == [], "ask absolutt.access instead:\n" + "\n".join(role_reads())


def test_the_check_would_catch_a_role_read(tmp_path):
    samples = ["if request.user.is_national_lead:", "user.coordinated_rounds.exists()",
               "Participant.objects.filter(coordinator=user)", "{% if p.coordinator_id == user.pk %}",
               "rounds.filter(competence_partners=request.user)", "if user.is_superuser or x:"]
    for sample in samples:
        assert any(p.search(sample) for p in ROLE_READS), sample
