from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """The page cache and static publishing: they listen to ``core.pages``, never to an app."""

    name = "delivery"

    def ready(self):
        from core.pages import public_pages_changed

        from . import page_cache, tasks

        # The page cache's new versions are rows of the change's transaction; the
        # published files are re-rendered by a task enqueued once it has committed.
        public_pages_changed.connect(page_cache.pages_changed, dispatch_uid="page_cache")
        public_pages_changed.connect(tasks.pages_changed, dispatch_uid="static_publishing")
