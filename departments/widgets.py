"""Admin widgets of the department change form."""

from django.contrib.admin.widgets import AdminFileWidget
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .images import thumbnail


class ImageWithThumbnailWidget(AdminFileWidget):
    """The admin's file input, with a small copy of the stored image beside it.

    When the form comes back with errors, the browser has forgotten the file
    the editor chose (no page can fill in a file input), so this says so
    next to the input instead of letting the upload be lost unnoticed.
    """

    # The name of the file posted with the form this widget belongs to (each
    # form has its own copy of its widgets), or None.
    chosen_file_name = None

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        self.chosen_file_name = getattr(upload, "name", None)
        return upload

    def render(self, name, value, attrs=None, renderer=None):
        if self.chosen_file_name:
            # A bound form is rendered only when the page has errors.
            return self.render_choose_again(name, value, attrs or {}, renderer)
        html = super().render(name, value, attrs, renderer)
        if not self.is_initial(value):
            return html
        return format_html("{}{}", self.stored_image(value), html)

    def render_choose_again(self, name, value, attrs, renderer):
        message_id = f"{attrs.get('id') or name}_choose_again"
        described_by = " ".join(filter(None, [attrs.get("aria-describedby"), message_id]))
        attrs = {**attrs, "aria-describedby": described_by}
        message = format_html(
            '<p class="file-choose-again" id="{}">{}</p>',
            message_id,
            _(
                "The form had errors, so “%(name)s” was not uploaded: "
                "choose the file again before saving."
            )
            % {"name": self.chosen_file_name},
        )
        return format_html("{}{}", super().render(name, value, attrs, renderer), message)

    @staticmethod
    def stored_image(field_file):
        # The image's own description (emblem_alt, photo_alt) in the editor's language.
        description = getattr(field_file.instance, f"{field_file.field.name}_alt", "")
        try:
            image = thumbnail(field_file)
        except (OSError, ValueError):
            # No dimensions and an unreadable file: nothing to show.
            return ""
        return format_html(
            '<img class="stored-image" src="{}" width="{}" height="{}" alt="{}">',
            image["src"],
            image["width"],
            image["height"],
            _("Stored image: %(description)s") % {"description": description}
            if description
            else _("Stored image"),
        )
