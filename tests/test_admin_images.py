"""Emblems and leader photos uploaded through the department's admin change page."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape
from PIL import Image
from reversion.models import Version

from departments.images import (
    MAX_SIDE,
    MAX_UPLOAD_BYTES,
    MESSAGES,
    image_error,
    rendition_prefix,
    too_many_pixels,
)
from departments.models import Department, Leader
from tests.admin_forms import form_data
from tests.conftest import page_text
from tests.test_images import GPS_IFD, encode, photo_with_gps

CHANGE_URL = "/admin/departments/department/{}/change/"
PUBLISH_URL = "/admin/departments/department/{}/publish/"
EN_URL = "/en/government/structure/public-security/"
ZH_URL = "/zh-hans/government/structure/public-security/"

EMBLEM_ALT = {"en": "Police badge with the national emblem", "zh_hans": "带国徽的警徽"}
PHOTO_ALT = {"en": "Portrait of Wang Wei", "zh_hans": "王伟的照片"}
LEADER = {
    "name_en": "Wang Wei",
    "name_zh_hans": "王伟",
    "post_en": "Director",
    "post_zh_hans": "厅长",
}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    return tmp_path


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-for-tests")
    client.force_login(user)
    return client


def files_under(root):
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def upload(content, name, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def upright_photo_with_gps(width, height):
    """A JPEG that shows width x height once turned upright (it is stored rotated, with GPS)."""
    return photo_with_gps((height, width))


def change_form(client, department):
    response = client.get(CHANGE_URL.format(department.pk))
    assert response.status_code == 200
    return form_data(response)


def with_emblem(data, image, alt=EMBLEM_ALT):
    return {
        **data,
        "emblem": image,
        "emblem_alt_en": alt["en"],
        "emblem_alt_zh_hans": alt["zh_hans"],
    }


def with_leader(data, department, photo, alt=PHOTO_ALT):
    """The form data with one new leader row; the seed has no leaders."""
    assert data["leaders-TOTAL_FORMS"] == "0"
    return {
        **data,
        "leaders-TOTAL_FORMS": "1",
        "leaders-0-id": "",
        "leaders-0-department": str(department.pk),
        **{f"leaders-0-{name}": value for name, value in LEADER.items()},
        "leaders-0-duties_en": "",
        "leaders-0-duties_zh_hans": "",
        "leaders-0-biography_en": "",
        "leaders-0-biography_zh_hans": "",
        "leaders-0-photo": photo,
        "leaders-0-photo_alt_en": alt["en"],
        "leaders-0-photo_alt_zh_hans": alt["zh_hans"],
        "leaders-0-code": "wang-wei",
        "leaders-0-sort_order": "1",
    }


def post(client, department, data):
    return client.post(CHANGE_URL.format(department.pk), data)


def field_errors(response, field, prefix=None):
    """The messages shown for a field of the department form, or of the inline's first form."""
    if prefix is None:
        return response.context["adminform"].form.errors.get(field, [])
    [inline] = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    ]
    return inline.formset.forms[0].errors.get(field, [])


# A valid upload.


@pytest.fixture
def uploaded(staff_client, media_root, seed):
    """The seed with an emblem (shown 800 x 480) and a leader with a photo (720 x 480), saved."""
    data = change_form(staff_client, seed)
    data = with_emblem(data, upload(upright_photo_with_gps(800, 480), "emblem.jpeg"))
    data = with_leader(data, seed, upload(upright_photo_with_gps(720, 480), "wang wei.jpg"))
    response = post(staff_client, seed, data)
    assert response.status_code == 302, page_text(response)[:2000]
    seed.refresh_from_db()
    return seed, seed.leaders.get()


def test_uploaded_images_are_saved_without_exif_and_upright(media_root, uploaded):
    department, leader = uploaded
    for image, size in [(department.emblem, (800, 480)), (leader.photo, (720, 480))]:
        path = media_root / image.name
        assert path.is_file()
        with Image.open(path) as stored:
            assert stored.format == "JPEG"
            assert stored.size == size
            assert dict(stored.getexif()) == {}
            assert stored.getexif().get_ifd(GPS_IFD) == {}
            assert "exif" not in stored.info
    assert department.emblem.name.startswith("emblems/")
    assert (department.emblem_width, department.emblem_height) == (800, 480)
    assert leader.photo.name.startswith("leaders/")
    assert (leader.photo_width, leader.photo_height) == (720, 480)
    assert leader.photo_alt_en == PHOTO_ALT["en"]
    assert department.emblem_alt_zh_hans == EMBLEM_ALT["zh_hans"]


def test_uploaded_images_get_webp_and_jpeg_renditions(media_root, uploaded):
    department, leader = uploaded
    expected = []
    for image in (department.emblem, leader.photo):
        prefix = rendition_prefix(image.name)
        expected += [
            f"{prefix}{width}.{extension}"
            for width in (160, 320, 640)
            for extension in ("webp", "jpg")
        ]
    renditions = [name for name in files_under(media_root) if name.startswith("renditions/")]
    assert renditions == sorted(expected)
    for name in expected:
        with Image.open(media_root / name) as rendition:
            assert rendition.format == ("WEBP" if name.endswith(".webp") else "JPEG")
            assert rendition.size[0] == int(re.search(r"-(\d+)\.\w+$", name).group(1))


def picture(content, css_class):
    """The <picture> whose <img> has the CSS class."""
    match = re.search(
        rf'<picture><source type="image/webp" srcset="([^"]*)"[^>]*>'
        rf'<img src="([^"]*)" srcset="([^"]*)"[^>]*'
        rf'width="(\d+)" height="(\d+)" alt="([^"]*)"[^>]*class="{css_class}"></picture>',
        content,
    )
    assert match, f"no picture of class {css_class}"
    webp, src, jpeg, width, height, alt = match.groups()
    return {"webp": webp, "src": src, "jpeg": jpeg, "size": (int(width), int(height)), "alt": alt}


def widths(srcset):
    return [candidate.rsplit(" ", 1)[1] for candidate in srcset.split(", ")]


@pytest.mark.parametrize(
    ("url", "language"), [(EN_URL, "en"), (ZH_URL, "zh_hans")], ids=["en", "zh-hans"]
)
def test_published_page_shows_the_images_as_responsive_pictures(
    staff_client, client, uploaded, url, language
):
    department, _leader = uploaded
    assert staff_client.post(PUBLISH_URL.format(department.pk), {}).status_code == 302
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    emblem = picture(content, "structure-page__emblem")
    photo = picture(content, "leader__photo")
    for image, size in [(emblem, (640, 384)), (photo, (640, 427))]:
        assert widths(image["webp"]) == widths(image["jpeg"]) == ["160w", "320w", "640w"]
        assert image["src"].startswith("/media/renditions/") and image["src"].endswith("-640.jpg")
        assert image["size"] == size
    assert emblem["alt"] == escape(EMBLEM_ALT[language])
    assert photo["alt"] == escape(PHOTO_ALT[language])


def leadership_section(content):
    match = re.search(r'<section aria-labelledby="leaders-heading">.*?</section>', content, re.S)
    assert match, "no Leadership section"
    return match.group(0)


def test_published_page_lists_the_leader_in_a_leadership_section(staff_client, client, uploaded):
    department, _leader = uploaded
    assert staff_client.post(PUBLISH_URL.format(department.pk), {}).status_code == 302
    english = leadership_section(client.get(EN_URL).content.decode())
    assert '<h2 id="leaders-heading">Leadership</h2>' in english
    assert '<h3 class="leader__name">Wang Wei</h3>' in english
    assert '<p class="leader__post">Director</p>' in english
    chinese = leadership_section(client.get(ZH_URL).content.decode())
    assert '<h3 class="leader__name">王伟</h3>' in chinese
    assert '<p class="leader__post">厅长</p>' in chinese


def test_images_are_not_public_before_publishing(client, uploaded):
    content = client.get(EN_URL).content.decode()
    assert "<picture>" not in content
    assert "leaders-heading" not in content


def test_department_without_leaders_has_no_leadership_section(client, seed):
    response = client.get(EN_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "leaders-heading" not in content
    assert "Leadership" not in content


# Refused uploads.


def message(code):
    error = {
        "too_large": image_error("too_large", limit=filesizeformat(MAX_UPLOAD_BYTES)),
        "too_many_pixels": too_many_pixels("PNG"),
        "side_too_long": image_error(
            "side_too_long", width=39_000_000, height=1, max_side=MAX_SIDE
        ),
    }.get(code) or image_error(code)
    return str(MESSAGES[code]) % error.params if error.params else str(MESSAGES[code])


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script/></svg>'
BAD_UPLOADS = {
    "over 10 MB": (lambda: b"\xff" * (MAX_UPLOAD_BYTES + 1), "huge.jpg", "too_large"),
    "over 20 megapixels": (
        lambda: encode(Image.new("1", (8000, 6000)), "PNG"),
        "bomb.png",
        "too_many_pixels",
    ),
    "39,000,000 x 1 strip": (
        lambda: encode(Image.new("1", (39_000_000, 1)), "PNG"),
        "strip.png",
        "side_too_long",
    ),
    "svg": (lambda: SVG, "emblem.svg", "unsupported_format"),
    "gif": (lambda: encode(Image.new("RGB", (10, 10)), "GIF"), "emblem.gif", "unsupported_format"),
    "random bytes named png": (lambda: bytes(range(256)) * 40, "emblem.png", "invalid_image"),
    "truncated jpeg": (lambda: photo_with_gps((400, 300))[:600], "photo.jpg", "invalid_image"),
}


@pytest.mark.parametrize("target", ["emblem", "leader photo"])
@pytest.mark.parametrize(("content", "name", "code"), BAD_UPLOADS.values(), ids=BAD_UPLOADS)
def test_bad_upload_is_refused_and_nothing_is_saved_or_written(
    staff_client, media_root, seed, target, content, name, code
):
    versions = Version.objects.get_for_object(seed).count()
    data = change_form(staff_client, seed)
    data["name_en"] = "Should not be saved"
    bad = upload(content(), name, content_type="application/octet-stream")
    data = with_emblem(data, bad) if target == "emblem" else with_leader(data, seed, bad)
    response = post(staff_client, seed, data)
    assert response.status_code == 200
    expected = message(code)
    if target == "emblem":
        assert field_errors(response, "emblem") == [expected]
    else:
        assert field_errors(response, "photo", prefix="leaders") == [expected]
    assert escape(expected) in response.content.decode()
    draft = Department.objects.get(pk=seed.pk)
    assert draft.name_en == "Department of Public Security of Zhejiang Province"
    assert not draft.emblem
    assert not Leader.objects.exists()
    assert Version.objects.get_for_object(seed).count() == versions
    assert files_under(media_root) == []


def test_emblem_needs_a_description(staff_client, media_root, seed):
    data = change_form(staff_client, seed)
    data = with_emblem(data, upload(upright_photo_with_gps(200, 100), "emblem.jpg"))
    data["emblem_alt_en"] = ""
    response = post(staff_client, seed, data)
    assert response.status_code == 200
    assert "Describe the emblem for visitors who cannot see it." in response.content.decode()
    assert not Department.objects.get(pk=seed.pk).emblem
    assert files_under(media_root) == []


def test_leader_photo_needs_a_description(staff_client, media_root, seed):
    data = change_form(staff_client, seed)
    data = with_leader(data, seed, upload(upright_photo_with_gps(200, 100), "leader.jpg"))
    data["leaders-0-photo_alt_en"] = ""
    response = post(staff_client, seed, data)
    assert response.status_code == 200
    assert "Describe the photo for visitors who cannot see it." in response.content.decode()
    assert not Leader.objects.exists()
    assert files_under(media_root) == []


# The change form shows what is stored, and says when a chosen file was not kept.


def stored_images(content):
    """{alt: src} of the thumbnails of stored images on the change form."""
    return {
        html.unescape(alt): src
        for src, alt in re.findall(
            r'<img class="stored-image" src="([^"]+)"[^>]*alt="([^"]*)"', content
        )
    }


def test_change_form_shows_a_thumbnail_of_each_stored_image(staff_client, media_root, uploaded):
    department, leader = uploaded
    content = staff_client.get(CHANGE_URL.format(department.pk)).content.decode()
    thumbnails = stored_images(content)
    assert set(thumbnails) == {
        f"Stored image: {EMBLEM_ALT['en']}",
        f"Stored image: {PHOTO_ALT['en']}",
    }, thumbnails
    for image, src in [
        (department.emblem, thumbnails[f"Stored image: {EMBLEM_ALT['en']}"]),
        (leader.photo, thumbnails[f"Stored image: {PHOTO_ALT['en']}"]),
    ]:
        assert src == f"/media/{rendition_prefix(image.name)}160.jpg"
        assert (media_root / src.removeprefix("/media/")).is_file()


def test_change_form_without_images_shows_no_thumbnail(staff_client, seed):
    content = staff_client.get(CHANGE_URL.format(seed.pk)).content.decode()
    assert stored_images(content) == {}


def test_after_an_error_the_form_says_each_chosen_file_must_be_chosen_again(
    staff_client, media_root, seed
):
    data = change_form(staff_client, seed)
    data = with_emblem(data, upload(upright_photo_with_gps(200, 100), "emblem.jpg"))
    data = with_leader(data, seed, upload(upright_photo_with_gps(200, 100), "leader.jpg"))
    data["name_en"] = ""  # the error: everything else is valid
    response = post(staff_client, seed, data)
    assert response.status_code == 200
    text = page_text(response)
    for name in ("emblem.jpg", "leader.jpg"):
        message = (
            f"The form had errors, so “{name}” was not uploaded: "
            "choose the file again before saving."
        )
        assert message in text
    content = response.content.decode()
    # Each message follows its file input, which points screen readers to it.
    for field in ("emblem", "leaders-0-photo"):
        assert re.search(
            rf'<input type="file" name="{field}"[^>]*'
            rf'aria-describedby="[^"]*id_{field}_choose_again"'
            rf'.*?<p class="file-choose-again" id="id_{field}_choose_again">',
            content,
            re.S,
        ), field


def test_without_an_error_no_message_asks_to_choose_a_file_again(staff_client, seed):
    data = change_form(staff_client, seed)
    data["name_en"] = ""
    response = post(staff_client, seed, data)
    assert response.status_code == 200
    assert "choose the file again" not in response.content.decode()
