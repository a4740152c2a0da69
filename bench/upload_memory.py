"""Peak memory and time of an image upload, for the largest image of each kind the admin accepts.

    .venv/bin/python bench/upload_memory.py [--keep DIRECTORY]

For each case (format and pixel mode), the parent writes the largest image that
``departments.images`` accepts: a 4:3 image with as many pixels as ``MAX_PIXELS`` allows its
kind, and a gradient that compresses under ``MAX_UPLOAD_BYTES`` (memory depends on the pixels,
not on the bytes). A fresh child process
then does what the admin does with an upload (``clean_uploaded_image``, then saving it and
``generate_renditions`` into a temporary MEDIA_ROOT) and reports its peak resident memory
(``VmHWM`` of /proc/self/status: the whole process, Python and Django included; not
``ru_maxrss``, which Linux carries over from the parent across exec) and its time. Nothing else
runs in the child, so its peak is the upload's. Figures are recorded in bench/README.md.
"""

import argparse
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# (name, Pillow format, mode written, encoder options). The modes are each format's costliest
# to decode: four bytes a pixel (RGBA, CMYK), or 16-bit greyscale, which is scaled to 8 bits;
# a progressive JPEG keeps all its coefficients while it is decoded, even at a reduced scale.
CASES = [
    ("PNG RGBA", "PNG", "RGBA", {}),
    ("PNG RGB", "PNG", "RGB", {}),
    ("PNG 16-bit grey", "PNG", "I;16", {}),
    ("PNG palette", "PNG", "P", {}),
    ("JPEG RGB", "JPEG", "RGB", {"quality": 90}),
    ("JPEG progressive", "JPEG", "RGB", {"quality": 90, "progressive": True}),
    ("JPEG prog. 4:4:4", "JPEG", "RGB", {"quality": 90, "progressive": True, "subsampling": 0}),
    ("JPEG CMYK", "JPEG", "CMYK", {"quality": 90}),
    ("JPEG CMYK prog.", "JPEG", "CMYK", {"quality": 90, "progressive": True}),
    ("WebP RGBA", "WEBP", "RGBA", {"quality": 80, "method": 0}),
    ("WebP RGB", "WEBP", "RGB", {"quality": 80, "method": 0}),
]


def peak_resident_megabytes():
    """The process's peak resident memory so far (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def setup_django(media_root):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["MEDIA_ROOT"] = str(media_root)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def largest_size(max_pixels, max_side, ratio=(4, 3)):
    """The largest width x height of this ratio within max_pixels and with no side over max_side."""
    width = min(max_side, math.isqrt(max_pixels * ratio[0] // ratio[1]))
    height = min(max_side, max_pixels // width)
    return width, height


def make_image(image_format, mode, size, options):
    """A smooth gradient (photos and emblems compress about as well) in the given mode."""
    from PIL import Image

    width, height = size
    horizontal = Image.linear_gradient("L").resize((width, 1)).resize(size)
    vertical = Image.linear_gradient("L").rotate(90).resize((1, height)).resize(size)
    if mode == "I;16":
        image = horizontal.convert("I").point(lambda value: value * 256).convert("I;16")
    elif mode == "P":
        image = Image.merge("RGB", (horizontal, vertical, horizontal)).quantize(64)
    else:
        bands = {"RGB": 3, "RGBA": 4, "CMYK": 4}[mode]
        image = Image.merge(mode, (horizontal, vertical, horizontal, vertical)[:bands])
    output = io.BytesIO()
    image.save(output, image_format, **options)
    return output.getvalue()


def child(path):
    """Run in a fresh process: clean, save and render one upload; print JSON figures."""
    media_root = Path(tempfile.mkdtemp(prefix="upload-memory-"))
    setup_django(media_root)
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import models
    from django.db.models.fields.files import ImageFieldFile

    from departments.images import clean_uploaded_image, generate_renditions

    content = Path(path).read_bytes()
    upload = SimpleUploadedFile(Path(path).name, content)
    before = peak_resident_megabytes()
    started = time.perf_counter()
    try:
        cleaned = clean_uploaded_image(upload)
    except Exception as error:  # noqa: BLE001 - reported, not handled
        print(json.dumps({"refused": str(getattr(error, "messages", [error])[0])}))
        return
    cleaned_at = time.perf_counter()
    name = default_storage.save(f"emblems/{cleaned.name}", cleaned)
    field = models.ImageField()
    field.set_attributes_from_name("image")
    generate_renditions(ImageFieldFile(instance=None, field=field, name=name))
    finished = time.perf_counter()
    peak = peak_resident_megabytes()
    print(
        json.dumps(
            {
                "baseline_mb": before,
                "peak_mb": peak,
                "clean_s": cleaned_at - started,
                "total_s": finished - started,
                "stored": default_storage.size(name),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="write the generated images into this folder")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    sys.path.insert(0, str(BASE_DIR))
    from departments.images import MAX_ASPECT_RATIO, MAX_PIXELS, MAX_SIDE, MAX_UPLOAD_BYTES

    limits = ", ".join(f"{kind} {pixels / 1e6:g}" for kind, pixels in MAX_PIXELS.items())
    print(
        f"limits: megapixels {limits}; sides up to {MAX_SIDE} px, at most "
        f"{MAX_ASPECT_RATIO}:1; files up to {MAX_UPLOAD_BYTES / 2**20:g} MB"
    )
    print(
        f"{'case':<18} {'size':>12} {'file MB':>8} {'baseline MB':>12} {'peak MB':>8} "
        f"{'clean s':>8} {'total s':>8}"
    )
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="upload-images-"))
    folder.mkdir(parents=True, exist_ok=True)
    for name, image_format, mode, options in CASES:
        kind = "progressive JPEG" if options.get("progressive") else image_format
        size = largest_size(MAX_PIXELS[kind], MAX_SIDE)
        content = make_image(image_format, mode, size, options)
        path = folder / f"{name.replace(' ', '-').lower()}.{image_format.lower()}"
        path.write_bytes(content)
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        lines = result.stdout.strip().splitlines()
        if result.returncode or not lines:
            print(f"{name:<18} failed: {result.stderr.strip()[-500:]}")
            continue
        figures = json.loads(lines[-1])
        megabytes = len(content) / 2**20
        dimensions = f"{size[0]}x{size[1]}"
        if "refused" in figures:
            print(f"{name:<18} {dimensions:>12} {megabytes:>8.1f} refused: {figures['refused']}")
            continue
        print(
            f"{name:<18} {dimensions:>12} {megabytes:>8.1f} {figures['baseline_mb']:>12.0f} "
            f"{figures['peak_mb']:>8.0f} {figures['clean_s']:>8.2f} {figures['total_s']:>8.2f}"
        )
        if not args.keep:
            path.unlink()


if __name__ == "__main__":
    main()
