"""Django's Redis cache backend, cheaper per operation."""

from django.core.cache.backends import redis as django_redis


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    """Keeps one ``redis.Redis`` per connection pool instead of making one per operation.

    Building a ``redis.Redis`` (its table of response callbacks) costs more than
    the round trip to a local Redis, and a cached page is a single operation.
    A client is safe to share: it takes a connection from the pool per command.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
