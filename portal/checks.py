"""The portal's own system checks (`manage.py check`; Django runs them before most commands)."""

from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks


@checks.register(checks.Tags.staticfiles)
def static_files_collected(app_configs, **kwargs):
    """In production, a missing manifest makes every page a 500: say so before serving.

    The fingerprinted storage looks up each static file's name in the manifest
    that ``collectstatic`` writes; without it ``{{ static(...) }}`` raises on
    every page, and ``load_initial_data`` and ``publish_static`` log a traceback
    per page. A warning, not an error: ``migrate`` comes before
    ``collectstatic`` in a release and must not be stopped by it.
    """
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    storage = staticfiles_storage.manifest_storage
    if storage.exists(staticfiles_storage.manifest_name):
        return []
    return [
        checks.Warning(
            f"The static files have not been collected into {storage.location} "
            f"(no {staticfiles_storage.manifest_name}): every page would answer 500.",
            hint="Run `manage.py collectstatic --noinput` with the same environment.",
            id="portal.W001",
        )
    ]
