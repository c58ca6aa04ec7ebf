"""A version number of the programme's data, for caches of figures and page fragments derived from it (the
national view, ``absolutt.core.fragments``).

Every write to a model of a domain app, and to a person's account (names, the national lead's flag), bumps it (a
signal receiver connected in ``CoreConfig.ready``); code that writes in bulk (``QuerySet.update``,
``bulk_create``: no signals) calls ``touch()`` itself. A cache key that contains ``version()`` is stale the moment
anything changes. The number lives in the shared cache (Redis in production, or the database), so every worker
sees the same one.

A write bumps it twice: at once, and again when its transaction commits, so that a page computed by another
request between the write and the commit (from the data before the write, under the new number) is not kept.
"""

from __future__ import annotations

import time

from asgiref.local import Local
from django.core.cache import cache
from django.db import transaction

KEY = "absolutt:data-version"
DOMAIN_APPS = {"programmes", "municipalities", "sessions_app", "interwork", "accounts"}

_generation = 0  # how many times this process moved the version (see generation())
_request = Local()  # within one request: the version as read (see version())


def version() -> int:
    """The data's version. Read from the shared cache once per request (a page with several fragments asks
    several times), and again after this process has written anything."""
    kept = getattr(_request, "version", None)
    if kept is not None and kept[0] == _generation:
        return kept[1]
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, int(time.time() * 1000), timeout=None)  # a new start never reuses an old number
        value = cache.get(KEY) or 0
    if getattr(_request, "active", False):
        _request.version = (_generation, int(value))
    return int(value)


def generation() -> int:
    """How many times this process has moved the version: a value kept on an object for the length of a
    request (the access policy's memberships of the request's user) is good while this is unchanged."""
    return _generation


def touch() -> None:
    global _generation
    _generation += 1
    try:
        cache.incr(KEY)
    except ValueError:  # not there (a new cache): start from the clock, above any number used before
        cache.set(KEY, int(time.time() * 1000), timeout=None)


def on_domain_write(sender, **kwargs) -> None:
    if sender._meta.app_label not in DOMAIN_APPS:
        return
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # signing in changes nothing any page shows
    touch()
    transaction.on_commit(touch, robust=True)


def request_started(**kwargs) -> None:
    _request.active, _request.version = True, None


def request_finished(**kwargs) -> None:
    _request.active, _request.version = False, None
