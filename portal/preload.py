"""Work a new process would otherwise do on its first request, done before gunicorn forks.

gunicorn's master imports the application once (``preload_app``) and forks
its workers from it, again whenever one is recycled. Importing the
application sets Django up but leaves much for the first request: the
URLconf and the views it imports, each language's URL patterns for
``reverse()``, the translation catalogues, the compiled templates, the Redis
cache backend and client library. That first page took about 0.4 s instead of 10 ms. Done
once in the master, every worker starts with it.

Nothing here may open a connection (to PostgreSQL or Redis): forked workers
would share it. ``tests/test_deploy.py`` runs this with both unreachable.
"""

import gc

# The Redis cache backend (django-redis) and the client it loads, with redis-py (0.1-0.2 s),
# would be imported on each worker's first cache call; the client connects on its first
# command only.
import django_redis.cache  # noqa: F401
import django_redis.client  # noqa: F401
from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import translation

# The templates the public site renders (Jinja2); the admin's are left to load on use.
PUBLIC_TEMPLATE_ENGINE = "jinja2"

# Net allocations between two collections of the youngest generation (Python's default:
# 700). See settle().
YOUNG_GENERATION_THRESHOLD = 5000


def warm_up():
    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        # Activating a language loads its catalogues; reverse() keeps a table per language.
        with translation.override(language):
            resolver.reverse_dict  # noqa: B018 - built on first read
    environment = engines[PUBLIC_TEMPLATE_ENGINE].env
    for name in environment.list_templates():
        environment.get_template(name)


def settle():
    """Set the garbage collector for workers that serve pages, just before the first fork.

    Everything the master has made by now (Django, the URLconf, catalogues, compiled
    templates: some 100,000 objects) lives as long as the process: ``gc.freeze()``
    takes it out of the collector's sight, as Python's documentation advises for a
    server that forks, so that no collection in a worker walks it (or writes to pages
    the workers share with the master).

    A page leaves some 400 objects in reference cycles (model instances and the
    department they belong to, as the ORM links them), which only the collector frees.
    At Python's default threshold, a young collection ran nearly twice per page and
    walked the page's objects while they were still in use, handing them on to older
    generations to be walked again; every 5,000 allocations it runs about once per
    seven pages, after most of them have died. The uncached structure page took about
    8 % less time in-process (2.11 → 1.93 ms), and gunicorn served 9 % more of them (the
    median of ten alternating rounds against the same code without this). The garbage
    waiting meanwhile is a few thousand objects.
    """
    gc.freeze()
    _young, *older = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *older)
