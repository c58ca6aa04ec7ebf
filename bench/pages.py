"""Server time of the national view's hot pages on the national data set, against a bare page of the same size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/absolutt_bench python bench/pages.py [--requests 30]

Creates the database if it is missing, migrates it, generates the national data set (scale 1) unless it is
there already, logs in a national lead and a regional coordinator with Django's test Client (force_login)
and requests each page N times, alternating with a bare page that returns the same number of bytes through
the same middleware. Prints the median of each and the ratio. Timings are printed, never asserted: see
bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
urlpatterns: list = []  # filled in by setup(): this module is the urlconf while the benchmark runs


def bare(request, size: int):
    """A page with nothing behind it: ``size`` bytes through the same middleware as the real pages."""
    from django.http import HttpResponse

    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def setup(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "absolutt.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"  # no query log, as in production
    os.environ["ABSOLUTT_REQUIRE_MFA_FOR_STAFF"] = "0"  # force_login has no second factor
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.conf import settings
    from django.urls import get_resolver, include, path

    urlpatterns[:] = [path("bench/bare/<int:size>/", bare), path("", include("absolutt.urls"))]
    if "progress" not in get_resolver("absolutt.urls").namespace_dict:
        urlpatterns.append(path("", include("progress.urls")))
    settings.ROOT_URLCONF = __name__


def timed(client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", "-n", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--scale", type=float, default=1.0, help="data set scale (default 1 = national)")
    parser.add_argument("--regenerate", action="store_true", help="generate the data set again even if it is there")
    parser.add_argument("--only", nargs="*", help="only the pages whose name contains one of these words")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/absolutt_bench")
    ensure_database(url)
    setup(url)

    import django
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from absolutt import access
    from absolutt.accounts.models import User
    from absolutt.core import freshness
    from municipalities.models import Participant
    from programmes.models import Round
    from progress import national_data
    from sessions_app.models import Gathering

    call_command("migrate", verbosity=0)
    if args.regenerate or not national_data.exists():
        report = national_data.generate(scale=args.scale, reset_first=True)
        print("Generated the national data set:")
        for line in report.lines():
            print(line)
    else:
        print("Using the national data set already in the database (--regenerate to make it again).")

    lead, _ = User.objects.get_or_create(email="bench-nasjonal@bench.example",
                                         defaults={"is_national_lead": True, "is_staff": True, "full_name": "Bench"})
    round_ = (national_data.generated_rounds().filter(status=Round.Status.RUNNING)
              .annotate(n=Count("participants")).order_by("-n", "pk").first())
    coordinator = access.regional_coordinators_of(Round.objects.filter(pk=round_.pk)).order_by("pk").first()
    gathering = (Gathering.objects.filter(round=round_, evaluation__isnull=False)
                 .annotate(n=Count("evaluation__responses")).order_by("-n", "pk").first())
    last_gathering = Gathering.objects.filter(round=round_).order_by("starts_at").last()  # as bench/load.py
    participant = Participant.objects.filter(round=round_, coordinator__isnull=False).order_by("pk").first()
    as_lead, as_coordinator, as_municipal = Client(), Client(), Client()
    as_lead.force_login(lead)
    as_coordinator.force_login(coordinator)
    as_municipal.force_login(participant.coordinator)

    # The pages bench/load.py sends its users to, and the evaluation results.
    pages = [
        ("national page", "national lead", as_lead, reverse("progress:national")),
        ("region page", "national lead", as_lead, reverse("progress:region", args=[round_.region.slug])),
        ("Min side", "national lead", as_lead, reverse("home")),
        ("round list", "national lead", as_lead, reverse("programmes:round_list")),
        ("Min side", "regional coord.", as_coordinator, reverse("home")),
        ("round (programme)", "regional coord.", as_coordinator, reverse("programmes:round_detail", args=[round_.pk])),
        ("round page", "regional coord.", as_coordinator, reverse("progress:round", args=[round_.pk])),
        ("matrix", "regional coord.", as_coordinator, reverse("interwork:round_work", args=[round_.pk])),
        ("samling page", "regional coord.", as_coordinator,
         reverse("sessions_app:gathering_detail", args=[last_gathering.pk])),
        ("evaluation results", "regional coord.", as_coordinator,
         reverse("sessions_app:evaluation_results", args=[gathering.pk])),
        ("Min side", "municipal coord.", as_municipal, reverse("home")),
        ("participant page", "municipal coord.", as_municipal, participant.get_absolute_url()),
        ("participant progress", "municipal coord.", as_municipal, reverse("progress:participant", args=[participant.pk])),
        ("samling page", "municipal coord.", as_municipal,
         reverse("sessions_app:gathering_detail", args=[last_gathering.pk])),
    ]
    if args.only:
        pages = [page for page in pages if any(word.lower() in page[0].lower() for word in args.only)]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    print(f"\nPython {platform.python_version()}, Django {django.get_version()}, PostgreSQL {pg}; "
          f"{args.requests} timed requests per page after {args.warmup} untimed.")
    print(f"Round page: {round_.title} ({round_.n} participants); evaluation: {gathering.title} "
          f"({gathering.n} responses).\n")
    header = (f"{'page':<22} {'as':<17} {'bytes':>8} {'queries':>8} {'median ms':>10} {'bare ms':>8} {'ratio':>7} "
              f"{'after write ms':>15}")
    print(header)
    print("-" * len(header))
    for name, who, client, page_url in pages:
        reset_queries()  # the log is a bounded deque: a full one would capture nothing
        with CaptureQueriesContext(connection) as ctx:
            _t, size = timed(client, page_url)
        n_queries = len(ctx.captured_queries)  # now: the next request empties the log
        bare_url = f"/bench/bare/{size}/"
        for _ in range(args.warmup):
            timed(client, page_url)
            timed(client, bare_url)
        page_times, bare_times, cold_times = [], [], []
        for _ in range(args.requests):  # alternate, so that drift hits both alike
            page_times.append(timed(client, page_url)[0])
            bare_times.append(timed(client, bare_url)[0])
            freshness.touch()  # as any write does: nothing cached under the data's version is used
            cold_times.append(timed(client, page_url)[0])
        page_ms, bare_ms = statistics.median(page_times) * 1000, statistics.median(bare_times) * 1000
        print(f"{name:<22} {who:<17} {size:>8} {n_queries:>8} {page_ms:>10.1f} {bare_ms:>8.2f} "
              f"{page_ms / bare_ms:>6.1f}× {statistics.median(cold_times) * 1000:>15.1f}")


if __name__ == "__main__":
    main()
