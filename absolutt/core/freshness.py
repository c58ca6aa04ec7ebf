"""A version number of the programme's data, for caches of figures derived from it (the national view).

Every write to a model of a domain app bumps it (a signal receiver connected in ``CoreConfig.ready``); code that
writes in bulk (``QuerySet.update``, ``bulk_create``: no signals) calls ``touch()`` itself. A cache key that
contains ``version()`` is stale the moment anything changes. The number lives in the shared cache (Redis in
production, or the database), so every worker sees the same one.
"""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "absolutt:data-version"
DOMAIN_APPS = {"programmes", "municipalities", "sessions_app", "interwork"}


def version() -> int:
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, int(time.time() * 1000), timeout=None)  # a new start never reuses an old number
        value = cache.get(KEY) or 0
    return int(value)


def touch() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not there (a new cache): start from the clock, above any number used before
        cache.set(KEY, int(time.time() * 1000), timeout=None)


def on_domain_write(sender, **kwargs) -> None:
    if sender._meta.app_label in DOMAIN_APPS:
        touch()
