"""A stored image as a <picture> of its renditions: the data of the ``picture`` macro
(``templates/jinja2/includes/responsive_image.html``)."""

from departments.images import renditions

DEFAULT_SIZES = "(min-width: 48rem) 320px, 160px"


def responsive_image(image, alt, sizes=DEFAULT_SIZES, css_class=""):
    """WebP renditions with a JPEG fallback, or nothing when there is no image.

    The renditions must have been written by generate_renditions when the
    image was saved; this only computes their names, on every page view.
    The alt text is the caller's, already in the page's language.
    """
    if not image:
        return {"image": None}
    return {"image": image, "alt": alt, "sizes": sizes, "css_class": css_class, **renditions(image)}
