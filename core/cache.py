"""Django's Redis cache, for a Redis that may restart.

While Redis does not answer (a restart, a failover), every read is a miss and
every write is dropped, logged, instead of a 500: pages that only use the cache
to go faster are served. `add` answers False, so allauth's rate limits, which
take a lock with `add`, refuse the attempt (they fail closed) until Redis is
back. Redis restarted without persistence has forgotten the counters: each
limit starts again from zero.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_AWAY = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(name: str, answer):
    method = getattr(DjangoRedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except _AWAY as error:
            logger.warning("cache unavailable (%s during %s)", error, name)
            if name == "get":
                default = kwargs.get("default", args[1] if len(args) > 1 else None)
                return default
            return answer() if callable(answer) else answer

    return wrapper


class RedisCache(DjangoRedisCache):
    pass


for _name, _answer in {
    "get": None,
    "get_many": dict,
    "has_key": False,
    "add": False,
    "set": None,
    "set_many": list,
    "touch": False,
    "delete": False,
    "delete_many": None,
    "clear": None,
}.items():
    setattr(RedisCache, _name, _tolerant(_name, _answer))
