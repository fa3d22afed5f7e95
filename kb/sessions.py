"""Sessions in the database behind the shared cache, read through the near cache.

Django's cached_db engine, except that the cached copy is read with ``get_near``
where the cache has it (kb/cache.py, kb/near_cache.py): a signed-in colleague's
session costs no Redis round trip while it is unchanged. Writes, expiry and the
database behind are Django's own; every write reaches the other processes as
Redis's invalidation push, so a sign-out on one server holds on all of them.
"""

from django.contrib.sessions.backends import cached_db


class SessionStore(cached_db.SessionStore):
    def load(self):
        get_near = getattr(self._cache, "get_near", None)
        if get_near is not None:
            try:
                data = get_near(self.cache_key)
            except Exception:  # as Django's own load: an unreadable copy is no copy
                data = None
            if data is not None:
                return data
        return super().load()  # the cache again, then the database
