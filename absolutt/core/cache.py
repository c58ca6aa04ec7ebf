"""A Redis cache that degrades instead of failing: when Redis cannot be reached, the cache falls over to
this process's memory for a short while, so login, password reset and allauth's rate limits keep working
(rate limits then count per process) instead of answering 500. It tries Redis again after
``RETRY_AFTER`` seconds; short socket timeouts keep a dead Redis from holding up a request."""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 15.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_down_until: dict[str, float] = {}  # location -> monotonic time to try Redis again (shared by threads)

WRAPPED = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear")


class FailoverRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = str(server)
        self._fallback = LocMemCache(f"failover:{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() < _down_until.get(self._location, 0.0):
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as exc:
            logger.warning("Cache: Redis unreachable (%s); using process memory for %.0f s", exc, RETRY_AFTER)
            _down_until[self._location] = time.monotonic() + RETRY_AFTER
            return getattr(self._fallback, name)(*args, **kwargs)


def _wrap(name: str):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in WRAPPED:
    setattr(FailoverRedisCache, _name, _wrap(_name))
