"""A Monday morning at national scale: many users clicking through their main pages against gunicorn with two
workers, next to the same load on a trivial authenticated page (the floor), in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/absolutt_bench python bench/load.py [--users 50]

1. Creates and migrates the database, generates the national data set unless it is there (``bench/pages.py``
   does the same), and signs in ``--users`` people spread over the roles (national lead, regional coordinators,
   municipal coordinators, core-group members) by making their sessions directly.
2. Starts gunicorn (``--workers 2``) with the production-like local settings (DEBUG off) on a free port. The cache
   is Redis when ``REDIS_URL`` is set (one cache for both workers, as in production), otherwise each worker's
   memory. Warm-up (untimed): every user's pages once, so that each worker has compiled its templates and
   loaded its translations (a worker's first requests take up to a second); then every worker moves the data's
   version (``/bench/touch/``, as any write does), so that the timed phases start with nothing cached.
3. Phase *think*: every user repeats "open one of my role's main pages, wait ``--think`` seconds"
   for ``--seconds``; then the same users do the same on the trivial page. Prints p50/p95/max per page.
4. Phase *saturation*: the same users with no think time for ``--seconds``, on the mix and then on the
   trivial page. Prints requests per second of each and the mix's share of the floor.
5. Errors (anything but 200) are counted and printed.

The client is a bounded pool of threads, one keep-alive connection each (stdlib ``http.client``): the load is
``--users`` requests in flight at the most. Figures are printed next to the floor measured in the same run,
never asserted (targets in bench/README.md).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import ensure_database  # noqa: E402  (after the path is set)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, scale: float) -> dict[str, list[tuple[str, list[str]]]]:
    """The data set, and per role a list of (session cookie, [urls])."""
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.load_settings", DJANGO_DEBUG="0",
                      ABSOLUTT_REQUIRE_MFA_FOR_STAFF="0")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db.models import Count
    from django.urls import reverse

    from absolutt import access
    from absolutt.accounts.models import User
    from municipalities.models import CoreGroupMember, Participant
    from programmes.models import Round
    from progress import national_data
    from sessions_app.models import Gathering

    call_command("migrate", verbosity=0)
    if not national_data.exists():
        for line in national_data.generate(scale=scale, reset_first=True).lines():
            print(line)

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    lead, _ = User.objects.get_or_create(email="bench-nasjonal@bench.example",
                                         defaults={"is_national_lead": True, "is_staff": True, "full_name": "Bench"})
    running = list(national_data.generated_rounds().filter(status=Round.Status.RUNNING)
                   .annotate(n=Count("participants")).order_by("-n", "pk"))
    people: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    people["national lead"].append((session_for(lead), [
        reverse("home"), reverse("progress:national"),
        reverse("progress:region", args=[running[0].region.slug]), reverse("programmes:round_list")]))
    for round_ in running:
        coordinator = access.regional_coordinators_of(Round.objects.filter(pk=round_.pk)).first()
        gathering = Gathering.objects.filter(round=round_).order_by("starts_at").last()
        if coordinator is None or gathering is None:
            continue
        people["regional coordinator"].append((session_for(coordinator), [
            reverse("home"), reverse("programmes:round_detail", args=[round_.pk]),
            reverse("progress:round", args=[round_.pk]), reverse("interwork:round_work", args=[round_.pk]),
            reverse("sessions_app:gathering_detail", args=[gathering.pk])]))
        participants = list(Participant.objects.filter(round=round_, coordinator__isnull=False)[:4])
        for p in participants:
            people["municipal coordinator"].append((session_for(p.coordinator), [
                reverse("home"), p.get_absolute_url(), reverse("sessions_app:gathering_detail", args=[gathering.pk]),
                reverse("progress:participant", args=[p.pk])]))
            member = CoreGroupMember.objects.filter(participant=p, user__isnull=False, is_active=True).first()
            if member is not None:
                people["core group member"].append((session_for(member.user), [
                    reverse("home"), p.get_absolute_url(),
                    reverse("sessions_app:gathering_detail", args=[gathering.pk])]))
    return people


class Client(threading.Thread):
    """One user: a keep-alive connection, their pages, think time between requests."""

    def __init__(self, port, cookie, urls, think, until, results, errors, seed):
        super().__init__(daemon=True)
        self.port, self.cookie, self.urls, self.think, self.until = port, cookie, urls, think, until
        self.results, self.errors, self.rng = results, errors, random.Random(seed)

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        if self.think:
            time.sleep(self.rng.uniform(0, self.think))  # users do not all start at once
        while time.monotonic() < self.until:
            url = self.rng.choice(self.urls)
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Cookie": f"sessionid={self.cookie}", "Host": "localhost"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                status = 0
            elapsed = time.perf_counter() - started
            if status == 200:
                self.results[url].append(elapsed)
            else:
                self.errors[(url, status)] += 1
            if self.think:
                time.sleep(self.rng.expovariate(1 / self.think))
        conn.close()


def warm_up(port, users) -> int:
    """Every (user, page) once and the trivial page, from as many threads as there are users (so that every
    worker gets some of each); then, as many times, ``/bench/touch/``: every worker moves the data's version, and
    the timed phases start with no page cached."""
    pairs = sorted({(cookie, url) for cookie, urls in users for url in [*urls, "/bench/trivial/"]})

    def get(chunk):
        for cookie, url in chunk:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("GET", url, headers={"Cookie": f"sessionid={cookie}", "Host": "localhost"})
                conn.getresponse().read()
            finally:
                conn.close()

    for work in (pairs, [("", "/bench/touch/")] * 4 * len(users)):
        threads = [threading.Thread(target=get, args=(work[i::len(users)],)) for i in range(len(users))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return len(pairs)


def run_phase(port, users, think, seconds, trivial=False):
    results, errors = defaultdict(list), defaultdict(int)
    until = time.monotonic() + seconds
    threads = [Client(port, cookie, ["/bench/trivial/"] if trivial else urls, think, until, results, errors, i)
               for i, (cookie, urls) in enumerate(users)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors, time.monotonic() - started


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think", type=float, default=5.0, help="mean think time in seconds (default 5)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase (default 60)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/absolutt_bench")
    ensure_database(url)
    people = prepare(url, args.scale)
    roles = [r for r in ("national lead", "regional coordinator", "municipal coordinator", "core group member") if people[r]]
    users = []
    while len(users) < args.users:  # round-robin over the roles, then over the people of each role
        for role in roles:
            users.append(people[role][len(users) // len(roles) % len(people[role])])
    users = users[: args.users]

    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.load_settings", "DJANGO_DEBUG": "0",
           "ABSOLUTT_REQUIRE_MFA_FOR_STAFF": "0", "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "absolutt.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/helse/")
                break
            except OSError:
                time.sleep(0.2)
        print(f"\ngunicorn with {args.workers} workers on port {port}; {len(users)} users "
              f"({', '.join(f'{sum(1 for u in users if u in people[r])} {r}' for r in roles)}); "
              f"cache: {'Redis' if os.environ.get('REDIS_URL') else 'each worker its own memory'}.")
        n = warm_up(port, users)
        print(f"Warm-up: {n} pages requested once (untimed); then the data's version moved (nothing cached).")

        print(f"\n== With think time (mean {args.think:g} s), {args.seconds:g} s each ==")
        mix, mix_errors, _ = run_phase(port, users, args.think, args.seconds)
        floor, floor_errors, _ = run_phase(port, users, args.think, args.seconds, trivial=True)
        header = f"{'page':<48} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        print(header + "\n" + "-" * len(header))
        by_page = defaultdict(list)  # one row per kind of page: /runder/<id>/ rather than each round
        for page_url, times in mix.items():
            by_page[re.sub(r"/[a-z0-9-]*\d[a-z0-9-]*/", "/<id>/", page_url)].extend(times)
        for page_url, times in sorted(by_page.items()):
            print(f"{page_url:<48} {len(times):>6} {pct(times, 50):>8.1f} {pct(times, 95):>8.1f} {max(times) * 1000:>8.1f}")
        trivial = floor["/bench/trivial/"]
        print(f"{'trivial authenticated page (floor)':<48} {len(trivial):>6} {pct(trivial, 50):>8.1f} "
              f"{pct(trivial, 95):>8.1f} {max(trivial) * 1000:>8.1f}")

        print(f"\n== Saturation: no think time, {args.seconds:g} s each ==")
        sat, sat_errors, sat_time = run_phase(port, users, 0, args.seconds)
        sat_floor, sat_floor_errors, floor_time = run_phase(port, users, 0, args.seconds, trivial=True)
        mix_rps = sum(len(v) for v in sat.values()) / sat_time
        floor_rps = sum(len(v) for v in sat_floor.values()) / floor_time
        print(f"page mix: {mix_rps:8.1f} requests/s (p95 {pct([t for v in sat.values() for t in v], 95):.0f} ms)")
        print(f"trivial:  {floor_rps:8.1f} requests/s (p95 {pct(sat_floor['/bench/trivial/'], 95):.0f} ms)")
        print(f"the mix's throughput is {100 * mix_rps / floor_rps:.0f} % of the trivial page's")

        errors = {**mix_errors, **floor_errors, **sat_errors, **sat_floor_errors}
        print(f"\nerrors: {sum(errors.values())}" + "".join(f"\n  {u} -> {s}: {n}" for (u, s), n in errors.items()))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
