import io
import os
import struct
import types
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.template import engines
from django.utils import translation
from PIL import Image, ImageFile, JpegImagePlugin

from departments.images import (
    MAX_ASPECT_RATIO,
    MAX_PIXELS,
    MAX_SIDE,
    MAX_STORED_SIDE,
    MAX_UPLOAD_BYTES,
    MESSAGES,
    CleanImageFormField,
    clean_uploaded_image,
    delete_renditions,
    generate_renditions,
    renditions,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.MEDIA_URL = "/media/"
    return root


def files_under(root):
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))


def encode(image, image_format, **options):
    output = io.BytesIO()
    image.save(output, image_format, **options)
    return output.getvalue()


def photo_with_gps(size=(40, 20)):
    """A JPEG whose EXIF says where it was taken and that it is rotated (orientation 6)."""
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "Camera maker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)})
    return encode(image, "JPEG", exif=exif, comment=b"taken at home")


def png_header_claiming(width, height):
    """A PNG whose header declares width x height pixels, with hardly any data behind it."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def upload(content, name):
    return SimpleUploadedFile(name, content)


def stored_image(size=(1000, 500), name="emblems/emblem.png", image_format="PNG", **field_args):
    """An ImageFieldFile of an image saved to default_storage, with no model behind it."""
    stored = default_storage.save(name, io.BytesIO(encode(Image.new("RGB", size), image_format)))
    field = models.ImageField(**field_args)
    field.set_attributes_from_name("image")
    instance = None
    if field_args:
        instance = types.SimpleNamespace(image_width=size[0], image_height=size[1])
    return ImageFieldFile(instance=instance, field=field, name=stored)


def reopen(cleaned):
    return Image.open(io.BytesIO(cleaned.read()))


def test_jpeg_loses_exif_and_gps_and_is_turned_upright():
    cleaned = clean_uploaded_image(upload(photo_with_gps(), "holiday photo.jpeg"))
    image = reopen(cleaned)
    assert cleaned.name == "holiday photo.jpg"
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert image.size == (20, 40)
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(GPS_IFD) == {}
    assert not {"exif", "comment", "xmp", "icc_profile"} & set(image.info)


def test_png_with_alpha_stays_png_with_alpha():
    source = Image.new("RGBA", (30, 10), (0, 128, 0, 100))
    cleaned = clean_uploaded_image(upload(encode(source, "PNG"), "emblem.PNG"))
    image = reopen(cleaned)
    assert cleaned.name == "emblem.png"
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (30, 10))
    assert image.getpixel((0, 0)) == (0, 128, 0, 100)


def test_webp_stays_webp():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    source = encode(Image.new("RGBA", (30, 10), (0, 0, 255, 255)), "WEBP", exif=exif)
    cleaned = clean_uploaded_image(upload(source, "leader.webp"))
    image = reopen(cleaned)
    assert cleaned.name == "leader.webp"
    assert (image.format, image.size) == ("WEBP", (30, 10))
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped():
    source = Image.new("I;16", (4, 4), 32768)
    image = reopen(clean_uploaded_image(upload(encode(source, "PNG"), "scan.png")))
    assert image.mode == "L"
    assert 120 <= image.getpixel((0, 0)) <= 135


def test_embedded_colour_profile_is_applied_then_dropped():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = encode(Image.new("RGB", (8, 8), "red"), "PNG", icc_profile=profile)
    image = reopen(clean_uploaded_image(upload(source, "emblem.png")))
    assert "icc_profile" not in image.info
    assert image.getpixel((0, 0))[0] > 250


def test_multi_picture_jpeg_is_accepted_as_jpeg():
    first, second = Image.new("RGB", (16, 8), "red"), Image.new("RGB", (16, 8), "blue")
    source = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(source)).format == "MPO"
    image = reopen(clean_uploaded_image(upload(source, "phone.jpg")))
    assert (image.format, image.size) == ("JPEG", (16, 8))


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script/></svg>'
BAD_UPLOADS = {
    "too large": (b"\xff" * (MAX_UPLOAD_BYTES + 1), "huge.jpg", "too_large"),
    "48 megapixels": (
        encode(Image.new("1", (8000, 6000)), "PNG"),
        "bomb.png",
        "too_many_pixels",
    ),
    "Pillow's warning limit": (png_header_claiming(10_000, 10_000), "bomb.png", "too_many_pixels"),
    "Pillow's error limit": (png_header_claiming(20_000, 20_000), "bomb.png", "too_many_pixels"),
    "svg": (SVG, "emblem.svg", "unsupported_format"),
    "svg with prolog named png": (
        b'\xef\xbb\xbf\n<?xml version="1.0"?>\n' + SVG,
        "emblem.png",
        "unsupported_format",
    ),
    "svg after junk": (b"\x00\x01junk " + SVG, "emblem.png", "unsupported_format"),
    "html": (b"<!DOCTYPE html><html></html>", "page.jpg", "unsupported_format"),
    "gif": (encode(Image.new("RGB", (10, 10)), "GIF"), "emblem.gif", "unsupported_format"),
    "bmp": (encode(Image.new("RGB", (10, 10)), "BMP"), "emblem.bmp", "unsupported_format"),
    "tiff named jpg": (
        encode(Image.new("RGB", (10, 10)), "TIFF"),
        "emblem.jpg",
        "unsupported_format",
    ),
    "random bytes": (bytes(range(256)) * 40, "emblem.png", "invalid_image"),
    "truncated jpeg": (photo_with_gps((400, 300))[:600], "photo.jpg", "invalid_image"),
    "png with a bad checksum": (
        encode(Image.new("RGB", (10, 10)), "PNG")[:-5] + b"XXXXX",
        "emblem.png",
        "invalid_image",
    ),
    "empty file": (b"", "photo.jpg", "invalid_image"),
}


@pytest.mark.parametrize(("content", "name", "code"), BAD_UPLOADS.values(), ids=BAD_UPLOADS)
def test_bad_upload_is_refused_and_leaves_nothing_on_disk(media_root, content, name, code):
    with pytest.raises(ValidationError) as refusal:
        clean_uploaded_image(upload(content, name))
    assert refusal.value.code == code
    assert files_under(media_root) == []


def test_size_is_checked_before_any_decoding(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the file was decoded")

    monkeypatch.setattr(Image, "open", refuse)
    monkeypatch.setattr(ImageFile, "Parser", refuse)
    form = ImageForm(files={"image": upload(b"\xff" * (MAX_UPLOAD_BYTES + 1), "huge.jpg")})
    assert form.errors.as_data()["image"][0].code == "too_large"


class ImageForm(forms.Form):
    image = CleanImageFormField()
    optional_image = CleanImageFormField(required=False)


def test_form_field_returns_the_cleaned_file(media_root):
    form = ImageForm(files={"image": upload(photo_with_gps(), "photo.jpeg")})
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["image"]
    image = reopen(cleaned)
    assert cleaned.name == "photo.jpg"
    assert image.size == (20, 40)
    assert dict(image.getexif()) == {}
    assert files_under(media_root) == []


@pytest.mark.parametrize(("content", "name", "code"), BAD_UPLOADS.values(), ids=BAD_UPLOADS)
def test_form_field_shows_the_refusal(media_root, content, name, code):
    form = ImageForm(files={"image": upload(content, name)})
    assert not form.is_valid()
    [error] = form.errors.as_data()["image"]
    assert error.code == code
    with pytest.raises(ValidationError) as refusal:
        clean_uploaded_image(upload(content, name))
    assert form.errors["image"] == refusal.value.messages
    assert files_under(media_root) == []


def test_form_field_names_the_allowed_formats_for_svg():
    form = ImageForm(files={"image": upload(SVG, "emblem.svg")})
    assert form.errors["image"] == [str(MESSAGES["unsupported_format"])]
    assert "PNG, JPEG or WebP" in form.errors["image"][0]


def test_form_field_keeps_the_initial_image_when_nothing_is_uploaded():
    existing = stored_image()
    form = ImageForm(data={}, files={}, initial={"image": existing, "optional_image": existing})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["image"] is existing
    assert form.cleaned_data["optional_image"] is existing


def test_form_field_can_be_cleared():
    existing = stored_image()
    form = ImageForm(
        data={"optional_image-clear": "on"},
        files={},
        initial={"image": existing, "optional_image": existing},
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["optional_image"] is False


def test_form_field_accepts_only_the_allowed_types():
    assert 'accept="image/png,image/jpeg,image/webp"' in str(ImageForm()["image"])


def test_renditions_of_a_wide_image(media_root):
    image = stored_image((1000, 500))
    names = generate_renditions(image)
    prefix = names[0].rsplit("-", 1)[0]
    assert names == [
        f"{prefix}-{width}.{extension}"
        for width in (160, 320, 640)
        for extension in ("webp", "jpg")
    ]
    for name in names:
        with Image.open(media_root / name) as rendition:
            assert rendition.format == ("WEBP" if name.endswith(".webp") else "JPEG")
            assert rendition.size[0] == int(name.rsplit("-", 1)[1].split(".")[0])
            assert rendition.size[1] == rendition.size[0] // 2


def test_renditions_never_upscale():
    assert [name.rsplit("-", 1)[1] for name in generate_renditions(stored_image((300, 150)))] == [
        "160.webp",
        "160.jpg",
    ]


def test_image_narrower_than_the_smallest_rendition_gets_one_at_its_own_width(media_root):
    names = generate_renditions(stored_image((100, 37)))
    assert [name.rsplit("-", 1)[1] for name in names] == ["100.webp", "100.jpg"]
    with Image.open(media_root / names[1]) as rendition:
        assert rendition.size == (100, 37)


def test_renditions_are_generated_once(media_root, monkeypatch):
    image = stored_image()
    names = generate_renditions(image)
    for name in names:
        os.utime(media_root / name, ns=(1_000_000_000, 1_000_000_000))
    before = files_under(media_root)

    def refuse(*args, **kwargs):
        raise AssertionError("the original was decoded again")

    monkeypatch.setattr(Image, "open", refuse)
    assert generate_renditions(image) == names
    assert files_under(media_root) == before
    assert {(media_root / name).stat().st_mtime_ns for name in names} == {1_000_000_000}


def test_transparent_image_gets_a_white_jpeg_and_a_transparent_webp(media_root):
    stored = default_storage.save(
        "emblems/clear.png", io.BytesIO(encode(Image.new("RGBA", (200, 100)), "PNG"))
    )
    field = models.ImageField()
    field.set_attributes_from_name("image")
    webp, jpeg = generate_renditions(ImageFieldFile(instance=None, field=field, name=stored))
    with Image.open(media_root / jpeg) as rendition:
        assert rendition.mode == "RGB"
        assert rendition.getpixel((0, 0)) == (255, 255, 255)
    with Image.open(media_root / webp) as rendition:
        assert rendition.mode == "RGBA"
        assert rendition.getpixel((0, 0))[3] == 0


def test_rendition_names_do_not_collide_across_folders():
    emblem = stored_image(name="emblems/photo.png")
    leader = stored_image(name="leaders/photo.png")
    assert not set(generate_renditions(emblem)) & set(generate_renditions(leader))


def test_renditions_describe_srcset_and_the_largest_jpeg(media_root):
    image = stored_image((1000, 500))
    generate_renditions(image)
    result = renditions(image)
    webp = [candidate.split(" ") for candidate in result["webp_srcset"].split(", ")]
    jpeg = [candidate.split(" ") for candidate in result["jpeg_srcset"].split(", ")]
    assert [descriptor for _url, descriptor in webp] == ["160w", "320w", "640w"]
    assert [descriptor for _url, descriptor in jpeg] == ["160w", "320w", "640w"]
    assert all(url.endswith(".webp") for url, _descriptor in webp)
    assert result["src"] == jpeg[-1][0]
    assert result["src"].endswith("-640.jpg")
    assert (result["width"], result["height"]) == (640, 320)
    for url, _descriptor in webp + jpeg:
        assert (media_root / url.removeprefix("/media/")).exists()


def test_renditions_of_a_narrow_image_are_its_own_size():
    result = renditions(stored_image((300, 199)))
    assert result["webp_srcset"].endswith("-160.webp 160w")
    assert (result["width"], result["height"]) == (160, 106)


def test_renditions_read_the_models_dimension_fields_without_opening_the_image(monkeypatch):
    image = stored_image((1000, 500), width_field="image_width", height_field="image_height")

    def refuse(*args, **kwargs):
        raise AssertionError("the image was opened")

    monkeypatch.setattr(Image, "open", refuse)
    monkeypatch.setattr(ImageFile, "Parser", refuse)
    monkeypatch.setattr(FileSystemStorage, "open", refuse)
    assert (renditions(image)["width"], renditions(image)["height"]) == (640, 320)


def test_delete_renditions_removes_only_that_images_files(media_root):
    image = stored_image(name="emblems/logo.png")
    similar = stored_image(name="emblems/logo-x.png")
    generate_renditions(image)
    kept = generate_renditions(similar)
    delete_renditions(image)
    renditions_left = [name for name in files_under(media_root) if name.startswith("renditions/")]
    assert renditions_left == sorted(kept)


def test_delete_renditions_without_any_renditions_does_nothing():
    delete_renditions(stored_image())


def picture(call, **context):
    """Renders ``call`` (a call of the templates' ``picture`` macro) with ``context``."""
    source = '{% from "includes/responsive_image.html" import picture %}{{ ' + call + " }}"
    return engines["jinja2"].from_string(source).render(context)


def test_picture_macro_renders_a_picture():
    image = stored_image((1000, 500))
    html = picture('picture(image, alt, css_class="emblem")', image=image, alt="A & B <emblem>")
    result = renditions(image)
    assert html.startswith('<picture><source type="image/webp" srcset="')
    assert f'srcset="{result["webp_srcset"]}"' in html
    assert f'src="{result["src"]}" srcset="{result["jpeg_srcset"]}"' in html
    assert 'sizes="(min-width: 48rem) 320px, 160px"' in html
    assert 'width="640" height="320"' in html
    assert 'alt="A &amp; B &lt;emblem&gt;"' in html
    assert 'loading="lazy" decoding="async" class="emblem"' in html


def test_picture_macro_takes_sizes():
    html = picture('picture(image, "Emblem", sizes="50vw")', image=stored_image())
    assert html.count('sizes="50vw"') == 2
    assert "class=" not in html


@pytest.mark.parametrize("image", [None, ""])
def test_picture_macro_renders_nothing_without_an_image(image):
    assert picture('picture(image, "Emblem")', image=image) == ""


def test_picture_macro_renders_nothing_for_an_empty_field_file():
    field = models.ImageField()
    field.set_attributes_from_name("image")
    empty = ImageFieldFile(instance=None, field=field, name="")
    assert picture('picture(image, "Emblem")', image=empty) == ""


# Dimensions: both sides, the aspect ratio and the pixels, from the header alone.


def refusal(content, name="image.png"):
    with pytest.raises(ValidationError) as refused:
        clean_uploaded_image(upload(content, name))
    return refused.value


def refusal_text(error, language):
    with translation.override(language):
        return error.messages[0]


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if any pixel is decoded."""

    def refuse(*args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_a_39_million_by_1_strip_is_refused_with_its_size_in_both_languages():
    error = refusal(encode(Image.new("1", (39_000_000, 1)), "PNG"), "strip.png")
    assert error.code == "side_too_long"
    assert refusal_text(error, "en") == (
        "The image is 39000000 × 1 pixels; neither side may be longer than 10000 pixels. "
        "Reduce its size and upload it again."
    )
    assert refusal_text(error, "zh-hans") == (
        "图片为39000000 × 1像素，每边最多10000像素。请缩小后重新上传。"
    )


def test_dimensions_are_refused_from_the_header_before_any_decoding(no_decoding):
    assert refusal(png_header_claiming(39_000_000, 1)).code == "side_too_long"
    assert refusal(png_header_claiming(MAX_SIDE + 1, 2000)).code == "side_too_long"
    assert refusal(png_header_claiming(MAX_SIDE, MAX_SIDE // 10 - 1)).code == "too_narrow"
    assert refusal(png_header_claiming(5000, 4001)).code == "too_many_pixels"


def test_a_long_narrow_image_is_refused_with_the_ratio():
    error = refusal(encode(Image.new("L", (6000, 500)), "PNG"))
    assert error.code == "too_narrow"
    assert refusal_text(error, "en") == (
        "The image is 6000 × 500 pixels, too long and narrow: its longer side may be at most "
        "10 times its shorter side. Crop it and upload it again."
    )
    assert refusal_text(error, "zh-hans") == (
        "图片为6000 × 500像素，过于狭长：长边最多为短边的10倍。请裁剪后重新上传。"
    )


def test_too_many_pixels_is_written_in_millions_and_in_wan():
    error = refusal(encode(Image.new("1", (5000, 4001)), "PNG"))
    assert error.code == "too_many_pixels"
    assert refusal_text(error, "en") == (
        "The image has too many pixels: a PNG image may have at most 20 million pixels "
        "(for example 4800 × 3600). Reduce its size and upload it again."
    )
    assert refusal_text(error, "zh-hans") == (
        "图片像素过多：PNG图片最多2000万像素（例如4800 × 3600）。请缩小后重新上传。"
    )


def test_a_progressive_jpeg_has_a_lower_pixel_limit(no_decoding):
    header = encode(Image.new("L", (6000, 4500)), "JPEG", progressive=True)[:2000]
    error = refusal(header, "photo.jpg")
    assert error.code == "too_many_pixels"
    assert "渐进式JPEG图片最多2400万像素" in refusal_text(error, "zh-hans")


@pytest.mark.parametrize(
    ("image_format", "size"),
    [
        ("PNG", (5000, 4000)),
        ("JPEG", (8000, 6000)),
        ("WEBP", (4000, 3000)),
        ("PNG", (MAX_SIDE, MAX_SIDE // MAX_ASPECT_RATIO)),
    ],
    ids=["PNG 20 megapixels", "JPEG 48 megapixels", "WebP 12 megapixels", "10 to 1"],
)
def test_the_largest_accepted_images_pass_and_are_stored_at_most_2000_px(image_format, size):
    assert size[0] * size[1] <= MAX_PIXELS[image_format]
    cleaned = clean_uploaded_image(upload(encode(Image.new("L", size), image_format), "big"))
    stored = reopen(cleaned)
    assert stored.format == image_format
    assert max(stored.size) == MAX_STORED_SIDE
    assert abs(stored.size[0] / stored.size[1] - size[0] / size[1]) < 0.01


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    decoded_sizes = []
    original_load = JpegImagePlugin.JpegImageFile.load

    def load(image):
        decoded_sizes.append(image.size)
        return original_load(image)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", load)
    clean_uploaded_image(upload(encode(Image.new("RGB", (8000, 6000)), "JPEG"), "photo.jpg"))
    assert decoded_sizes[-1] == (2000, 1500)
