"""Static files storage for production."""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed, fingerprinted storage, for a CSS file naming a missing file.

    ``collectstatic`` rewrites every ``url()`` of every stylesheet to the
    fingerprinted name and stops at one whose file does not exist.
    django-static-jquery-ui's ``jquery-ui.theme.css`` has such references, URL-encoded
    in its ThemeRoller comment (``url(%22images%2F...%22)``), which are never
    fetched. Such a reference is left as written, and named in the debug log: the
    storage meets each one on every post-processing pass (63 lines per collectstatic
    for jQuery UI alone), which at INFO buried the deploy's real messages.
    """

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def convert_or_keep(match):
            try:
                return convert(match)
            except ValueError as error:
                logger.debug("Left a url() of %s as written: %s", name, error)
                return match.group(0)

        return convert_or_keep
