"""Parts of pages that are read often and change rarely (the progress pages, the mellomarbeid matrix, the round
tables, Min side), rendered once and kept in the shared cache under the data's version (``freshness``): any
write makes them stale at once; what changes with the clock alone (overdue work, held samlinger) is at most
``SECONDS`` old.

A fragment is rendered **without the request**: no context processor runs, so it cannot contain a CSRF token,
the signed-in person, their messages or the address of the request; it shows only what its context holds. Its
cache key holds the template, the data's version, the language, the time zone and the caller's ``scope``:
everything else that changes what the viewer may see, decided with ``absolutt.access`` — the object, the set
of things the viewer may see in it (``ids``), what they may do there, or, for a page about the person
themself, their id. Two viewers share a fragment only if all of it is the same for both.

The view puts the expensive parts of the context in as ``lazy(...)``: they are computed only when the
fragment is not in the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.cache import caches
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from . import freshness

SECONDS = 60


def render(template_name: str, context: Mapping[str, Any] | Callable[[], Mapping[str, Any]], *,
           scope: Iterable[object], seconds: int = SECONDS) -> SafeString:
    """``template_name`` rendered with ``context`` (and nothing from the request), from the cache when a fragment
    with the same template, data version, language, time zone and ``scope`` was rendered in the last ``seconds``.
    ``context`` may be a function that makes it: called only when the fragment is not in the cache."""
    parts = [template_name, str(freshness.version()), translation.get_language() or "",
             timezone.get_current_timezone_name(), *map(repr, scope)]
    key = "fragment:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    store = caches["fragments"]
    html = store.get(key)
    if html is None:
        html = render_to_string(template_name, dict(context() if callable(context) else context))
        store.set(key, str(html), seconds)
    return mark_safe(html)  # the template engine escaped it


def ids(qs: QuerySet) -> str:
    """A digest of the primary keys in ``qs`` (e.g. the participants a viewer may see): a scope in one query.
    No query for a queryset of every row (the national lead's rounds): which rows those are changes only with
    a write, which moves the data's version (already in the key)."""
    query = qs.query
    if not query.where and query.low_mark == 0 and query.high_mark is None:
        return f"all {qs.model._meta.label}"
    pks = ",".join(str(pk) for pk in qs.order_by("pk").values_list("pk", flat=True))
    return hashlib.sha256(pks.encode()).hexdigest()[:24]


def lazy(compute: Callable[[], Any]) -> Any:
    """A context value computed when first used: never, when the fragment comes from the cache."""
    return SimpleLazyObject(compute)
