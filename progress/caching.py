"""The national view's figures are read often and change rarely: each overview is kept in the shared cache under
the data's version (``absolutt.core.freshness``: any write makes it stale) and the rounds the person may see,
for at most a minute (figures that change with the clock alone: overdue work, held samlinger)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import translation

from absolutt.core import freshness
from programmes.models import Round

T = TypeVar("T")
SECONDS = 60


def overview(kind: str, rounds_qs: QuerySet[Round], compute: Callable[[], T], *key: object) -> T:
    ids = ",".join(str(pk) for pk in rounds_qs.order_by("pk").values_list("pk", flat=True))
    scope = hashlib.sha1(ids.encode()).hexdigest()[:16]
    cache_key = ":".join(["progress", kind, str(freshness.version()), scope, translation.get_language() or "",
                          *map(str, key)])
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, SECONDS)
    return value
