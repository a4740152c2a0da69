"""Uploaded images: validation, metadata stripping and responsive renditions.

Staff upload department emblems and leader photos in the admin. Every upload
passes through ``clean_uploaded_image`` (through ``CleanImageFormField``),
which refuses anything but a real PNG, JPEG or WebP image of reasonable size
and re-encodes it from its pixels alone, so that no EXIF (GPS included), XMP
or comment reaches the public. Once the cleaned original is saved,
``generate_renditions`` writes the smaller WebP and JPEG files that pages
serve through ``renditions`` and the templates' ``picture`` macro;
``delete_renditions`` removes them when the image is replaced or deleted.
"""

import hashlib
import io
import math
import re
import warnings
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, features

from core.text import large_number

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# What an upload may be, read from its header before any pixel is decoded, so that the
# largest accepted upload keeps a worker's peak memory under 300 MB (bench/upload_memory.py,
# figures in bench/README.md). A JPEG is decoded at about the scale it is stored at
# (draft()), so it may have the most pixels (phone cameras take 48-50 megapixels), unless it
# is progressive: libjpeg then keeps every coefficient of the full image, up to eight bytes a
# pixel. A PNG is decoded whole, four bytes a pixel, and copied once more to be scaled down;
# libwebp keeps two more copies.
MAX_PIXELS = {
    "JPEG": 50_000_000,
    "progressive JPEG": 24_000_000,
    "PNG": 20_000_000,
    "WEBP": 12_000_000,
}
# How the refusal names each kind of image.
KIND_NAMES = {
    "JPEG": "JPEG",
    "progressive JPEG": _("progressive JPEG"),
    "PNG": "PNG",
    "WEBP": "WebP",
}
MAX_SIDE = 10_000
# Longer side / shorter side: emblems and portraits, not strips.
MAX_ASPECT_RATIO = 10
# Originals are kept at most this large on their longer side (the renditions are at most
# 640 px): a bigger upload is scaled down, JPEG while it is decoded (draft()).
MAX_STORED_SIDE = 2000
# Pillow format name -> the extension the cleaned file is saved with.
ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
RENDITION_WIDTHS = (160, 320, 640)
RENDITIONS_DIRECTORY = "renditions"

# Pillow reports JPEGs that carry a multi-picture extension (common from
# phone cameras) as MPO; their first frame is an ordinary JPEG.
FORMAT_ALIASES = {"MPO": "JPEG"}
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}

JPEG_OPTIONS = {"quality": 90, "optimize": True, "progressive": True}
PNG_OPTIONS = {"optimize": True}
WEBP_OPTIONS = {"quality": 90}
# Renditions are only ever shown small, where lower quality is not visible.
RENDITION_JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
RENDITION_WEBP_OPTIONS = {"quality": 80}

MESSAGES = {
    "too_large": _("The file is too large: images may be at most %(limit)s."),
    "unsupported_format": _(
        "Upload a PNG, JPEG or WebP image. Other formats, such as SVG, GIF, BMP "
        "or TIFF, are not accepted."
    ),
    "invalid_image": _(
        "The file is not a valid image, or it is damaged or incomplete. "
        "Upload a PNG, JPEG or WebP image."
    ),
    # The limit is written as each language writes large numbers (24 million, 2400万).
    "too_many_pixels": _(
        "The image has too many pixels: a %(kind)s image may have at most %(limit)s "
        "pixels (for example %(example)s). Reduce its size and upload it again."
    ),
    "side_too_long": _(
        "The image is %(width)s × %(height)s pixels; neither side may be longer than "
        "%(max_side)s pixels. Reduce its size and upload it again."
    ),
    "too_narrow": _(
        "The image is %(width)s × %(height)s pixels, too long and narrow: its longer side "
        "may be at most %(ratio)s times its shorter side. Crop it and upload it again."
    ),
}

# An SVG (or any XML) begins with one of these once a byte-order mark and
# white space are skipped; it must never reach an image decoder or the site.
XML_STARTS = (b"<?xml", b"<svg", b"<!doctype", b"<!--")


def image_error(code, **params):
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def pixel_limit_example(limit):
    """A 4:3 size in whole hundreds within limit pixels, e.g. "4000 × 3000" for 12 million."""
    hundreds = math.isqrt(limit // 12) // 100
    return f"{400 * hundreds} × {300 * hundreds}"


def too_many_pixels(kind):
    limit = MAX_PIXELS[kind]
    return image_error(
        "too_many_pixels",
        kind=KIND_NAMES[kind],
        # Lazy: written in the language the message is shown in, not the one it is made in.
        limit=lazy(large_number, str)(limit),
        example=pixel_limit_example(limit),
    )


def pixel_limit_kind(image_format, image):
    """The key of MAX_PIXELS for an opened (not yet decoded) image."""
    if image_format == "JPEG" and image.info.get("progressive"):
        return "progressive JPEG"
    return image_format


def check_dimensions(kind, width, height):
    """ValidationError unless width x height is within the limits (from the header alone)."""
    if width > MAX_SIDE or height > MAX_SIDE:
        raise image_error("side_too_long", width=width, height=height, max_side=MAX_SIDE)
    if max(width, height) > MAX_ASPECT_RATIO * max(min(width, height), 1):
        raise image_error("too_narrow", width=width, height=height, ratio=MAX_ASPECT_RATIO)
    if width * height > MAX_PIXELS[kind]:
        raise too_many_pixels(kind)


def format_from_signature(data):
    """The allowed format whose signature the data starts with, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def bomb_error(data):
    """The refusal of an image Pillow itself finds too large (from 89 megapixels on)."""
    image_format = format_from_signature(data)
    return too_many_pixels(image_format) if image_format else image_error("unsupported_format")


def clean_uploaded_image(uploaded_file):
    """A ContentFile holding the upload's pixels re-encoded in its own format.

    Raise ValidationError (codes ``too_large``, ``unsupported_format``,
    ``invalid_image``, ``too_many_pixels``, ``side_too_long``, ``too_narrow``)
    for anything else. Nothing is written to storage. An image larger than
    ``MAX_STORED_SIDE`` is scaled down to it.
    """
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise too_large()
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    # Read one byte past the limit, so that a file whose size was not known
    # (or was wrong) is still refused without being read whole.
    data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_large()
    if not data:
        raise image_error("invalid_image")
    if looks_like_xml(data):
        raise image_error("unsupported_format")

    image_format, image = decode(data)
    # Scaled down first, so that every later step works on the smaller image.
    image = fit_within(eight_bit(image), MAX_STORED_SIDE)
    image = ImageOps.exif_transpose(image)
    image = to_srgb(image)
    image = pixels_only(image, output_mode(image, image_format))

    output = io.BytesIO()
    options = {"PNG": PNG_OPTIONS, "JPEG": JPEG_OPTIONS, "WEBP": WEBP_OPTIONS}[image_format]
    image.save(output, image_format, **options)
    stem = PurePosixPath(getattr(uploaded_file, "name", None) or "image").stem or "image"
    cleaned = ContentFile(output.getvalue(), name=f"{stem}.{ALLOWED_FORMATS[image_format]}")
    # Storages that send a Content-Type (S3, for instance) look for this.
    cleaned.content_type = CONTENT_TYPES[image_format]
    return cleaned


def too_large():
    return image_error("too_large", limit=filesizeformat(MAX_UPLOAD_BYTES))


def looks_like_xml(data):
    return data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(XML_STARTS)


def decode(data):
    """(format, fully loaded image), or ValidationError.

    The format and the dimensions come from the header (Image.open is
    lazy), before any pixel is decoded. A JPEG larger than
    ``MAX_STORED_SIDE`` is decoded at a half, quarter or eighth of its size
    when that is still at least as large (draft()), which costs a fraction
    of the memory and time.
    """
    # Pillow warns above its own limit (about 89 megapixels) and raises at
    # twice that; both are bombs to us. catch_warnings is process-wide (not
    # thread-safe): at worst a concurrent request keeps this filter, which
    # only affects images above Pillow's limit, all refused here anyway.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise bomb_error(data) from None
        except Exception as error:
            # Pillow knows no SVG; one that does not start as XML (junk
            # before its tag, say) still gets the message naming the formats.
            if b"<svg" in data[:4096].lower():
                raise image_error("unsupported_format") from None
            raise image_error("invalid_image") from error

        image_format = FORMAT_ALIASES.get(image.format, image.format)
        if image_format not in ALLOWED_FORMATS:
            raise image_error("unsupported_format")
        check_dimensions(pixel_limit_kind(image_format, image), *image.size)

        try:
            # verify() must come straight after open() and leaves the image
            # unusable; it catches bad checksums, load() truncated data.
            image.verify()
            image = Image.open(io.BytesIO(data))
            if image_format == "JPEG":
                image.draft(None, fitted_size(image.size, MAX_STORED_SIDE))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise bomb_error(data) from None
        except Exception as error:
            raise image_error("invalid_image") from error
    return image_format, image


def fitted_size(size, longest_side):
    """size scaled down (never up) so that neither side exceeds longest_side."""
    width, height = size
    scale = min(1, longest_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def fit_within(image, longest_side):
    """A new image scaled down so that neither side exceeds longest_side; the image when it fits.

    Never in place: once the caller drops the large image, its memory (and the
    decoder's buffers that some formats keep with it) is freed.
    """
    width, height = image.size
    size = fitted_size(image.size, longest_side)
    if size == image.size:
        return image
    if image.mode not in ("L", "LA", "RGB", "RGBA", "CMYK"):
        # Palette and bilevel images cannot be resampled: give them their colours first.
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    # First a whole-number reduction (box average, no copy of the large image), then the
    # fine resampling of the smaller one; resize() alone would first copy the whole image.
    factor = min(width // size[0], height // size[1])
    if factor > 1:
        image = image.reduce(factor)
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def to_srgb(image):
    """The image in sRGB when it embeds a colour profile, since the profile is dropped.

    Browsers take an untagged image as sRGB: without this, a photo taken in
    Display P3 (as phones do) would lose colour once its profile is gone.
    """
    profile = image.info.get("icc_profile")
    if not profile or not features.check("littlecms2"):
        return image
    output_mode = "RGBA" if image.has_transparency_data else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        if image.mode not in ("RGB", "RGBA", "CMYK"):
            image = image.convert(output_mode)
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken or unusual profile: keep the pixels as they are.
        return image


def eight_bit(image):
    """16-bit greyscale (from PNG) scaled to 8 bits; converting it would clip it to white."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        # point() keeps the 16-bit mode (two bytes a pixel, where "I" takes four).
        return image.point(lambda value: value / 256).convert("L")
    if image.mode == "I":
        return image.point(lambda value: value / 256).convert("L")
    return image


def output_mode(image, image_format):
    if image_format == "JPEG":
        return "RGB"
    if image.mode in ("RGB", "RGBA") or (image_format == "PNG" and image.mode in ("L", "LA")):
        return image.mode
    return "RGBA" if image.has_transparency_data else "RGB"


def pixels_only(image, mode):
    """A new image with the same pixels and no metadata at all.

    convert() and copy() carry ``info`` (EXIF, XMP, comments, profiles)
    along, and some encoders write parts of it; a fresh image has none.
    """
    if image.mode != mode:
        image = image.convert(mode)
    clean = Image.new(mode, image.size)
    clean.paste(image)
    return clean


class CleanImageFormField(forms.ImageField):
    """An image upload field whose cleaned value is ``clean_uploaded_image``'s file.

    A ModelForm saving it stores the cleaned bytes, never the upload itself.
    An unchanged field on an edit form keeps its initial file, and "clear"
    clears it, as with Django's ImageField.
    """

    def __init__(self, **kwargs):
        # An empty file is refused by clean_uploaded_image as not an image,
        # with the same message as any other unreadable upload.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def to_python(self, data):
        # Skip ImageField.to_python: it decodes the upload with Pillow before
        # its size is checked, and calls an SVG merely "not a valid image".
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return clean_uploaded_image(upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if attrs.get("accept") == "image/*":
            attrs["accept"] = ",".join(CONTENT_TYPES.values())
        return attrs


def rendition_widths(width):
    """The widths rendered for an original this wide; never wider than it."""
    return [size for size in RENDITION_WIDTHS if size <= width] or [width]


def rendition_height(width, height, rendition_width):
    return max(1, round(height * rendition_width / width))


def rendition_prefix(name):
    """``renditions/<stem>-<hash8>-`` for a stored image name.

    The hash is of the stored name, not the content, so that pages compute
    rendition names without reading the original. Storages never give two
    existing files the same name, so a new upload gets a new name and new
    renditions. A name can come back only once its file is deleted; that is
    why deleting or replacing an original must go with ``delete_renditions``.
    The hash keeps apart images of the same stem in different folders.
    """
    path = PurePosixPath(name)
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{RENDITIONS_DIRECTORY}/{path.stem}-{digest}-"


def rendition_names(name, width):
    """[(rendition width, WebP name, JPEG name), ...] in ascending width."""
    prefix = rendition_prefix(name)
    return [
        (size, f"{prefix}{size}.webp", f"{prefix}{size}.jpg") for size in rendition_widths(width)
    ]


def storage_of(field_file):
    return getattr(field_file, "storage", None) or default_storage


def image_dimensions(field_file):
    """(width, height) of a stored image, from the model's dimension fields when it has them.

    ImageFieldFile.width and .height always read the file's header from
    storage, even when the model keeps ``width_field`` and ``height_field``;
    that is one storage read per page view, so those fields are preferred.
    """
    field = getattr(field_file, "field", None)
    instance = getattr(field_file, "instance", None)
    if instance is not None and field.width_field and field.height_field:
        width = getattr(instance, field.width_field, None)
        height = getattr(instance, field.height_field, None)
        if width and height:
            return width, height
    return field_file.width, field_file.height


def generate_renditions(field_file):
    """Write the missing WebP and JPEG renditions of a saved image; return all their names.

    Renditions already in storage are left alone, so calling this again (on
    every save, say) costs a few existence checks and no decoding.
    """
    storage = storage_of(field_file)
    width, height = image_dimensions(field_file)
    names = rendition_names(field_file.name, width)
    missing = [
        (size, name)
        for size, webp_name, jpeg_name in names
        for name in (webp_name, jpeg_name)
        if not storage.exists(name)
    ]
    if missing:
        with storage.open(field_file.name, "rb") as original:
            image = Image.open(original)
            image.load()
        for size, name in missing:
            save_rendition(storage, name, resize(image, size))
    return [name for _size, webp_name, jpeg_name in names for name in (webp_name, jpeg_name)]


def resize(image, rendition_width):
    width, height = image.size
    size = (rendition_width, rendition_height(width, height, rendition_width))
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def save_rendition(storage, name, image):
    output = io.BytesIO()
    if name.endswith(".webp"):
        pixels_only(image, image.mode).save(output, "WEBP", **RENDITION_WEBP_OPTIONS)
    else:
        # JPEG has no transparency: transparent parts show white, as on the page.
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
        flat.save(output, "JPEG", **RENDITION_JPEG_OPTIONS)
    saved = storage.save(name, ContentFile(output.getvalue()))
    if saved != name:
        # Another process wrote the same rendition meanwhile; the storage
        # saved ours under another name, which nothing would ever use.
        storage.delete(saved)


def renditions(field_file):
    """What ``includes/responsive_image.html`` needs to show a saved image (see
    ``stored_renditions``)."""
    width, height = image_dimensions(field_file)
    return stored_renditions(field_file.name, width, height, storage_of(field_file))


def stored_renditions(name, width, height, storage=default_storage):
    """{"webp_srcset", "jpeg_srcset", "src", "width", "height"} of the image stored as ``name``.

    src is the largest JPEG rendition and width and height are its own. Computed
    from the name and the original's size alone: neither Pillow nor the original
    file is touched, and nothing is generated.
    """
    names = rendition_names(name, width)
    largest, _webp_name, largest_jpeg = names[-1]
    return {
        "webp_srcset": ", ".join(f"{storage.url(webp)} {size}w" for size, webp, _jpeg in names),
        "jpeg_srcset": ", ".join(f"{storage.url(jpeg)} {size}w" for size, _webp, jpeg in names),
        "src": storage.url(largest_jpeg),
        "width": largest,
        "height": rendition_height(width, height, largest),
    }


def thumbnail(field_file):
    """{"src", "width", "height"} of the smallest JPEG rendition of a saved image, for the admin."""
    width, height = image_dimensions(field_file)
    smallest, _webp_name, jpeg_name = rendition_names(field_file.name, width)[0]
    return {
        "src": storage_of(field_file).url(jpeg_name),
        "width": smallest,
        "height": rendition_height(width, height, smallest),
    }


def delete_renditions(field_file):
    """Delete every rendition of the image, whatever widths it was rendered at.

    Found by listing the folder rather than from the image's width, which may
    no longer be readable once the original is gone.
    """
    storage = storage_of(field_file)
    prefix = rendition_prefix(field_file.name)
    own = re.compile(
        re.escape(prefix.removeprefix(f"{RENDITIONS_DIRECTORY}/")) + r"\d+\.(webp|jpg)"
    )
    try:
        _directories, files = storage.listdir(RENDITIONS_DIRECTORY)
    except FileNotFoundError:
        return
    for file_name in files:
        if own.fullmatch(file_name):
            storage.delete(f"{RENDITIONS_DIRECTORY}/{file_name}")


# The picture macro of templates/jinja2/includes/responsive_image.html.
DEFAULT_SIZES = "(min-width: 48rem) 320px, 160px"


def responsive_image(image, alt, sizes=DEFAULT_SIZES, css_class=""):
    """WebP renditions with a JPEG fallback, or nothing when there is no image.

    ``image`` is an image of a publication document (``departments.documents.ImageFacts``).
    The renditions must have been written by generate_renditions when the
    image was saved; this only computes their names, on every page view.
    The alt text is the caller's, already in the page's language.
    """
    if not image:
        return {"image": None}
    return {
        "image": image,
        "alt": alt,
        "sizes": sizes,
        "css_class": css_class,
        **stored_renditions(image.name, image.width, image.height),
    }
