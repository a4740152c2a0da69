"""The packages depend one way: core on no app, delivery on core alone, the domain on
neither delivery module (it announces changes through core.pages)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

APPS = {"portal", "departments", "contacts", "delivery", "core"}


def imported_packages(package):
    """The first-party packages that the modules of ``package`` import: {package: [module]}."""
    found = {}
    for path in sorted((Path(settings.BASE_DIR) / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in APPS and top != package:
                    found.setdefault(top, []).append(str(path.relative_to(settings.BASE_DIR)))
    return found


@pytest.mark.parametrize(
    ("package", "allowed"),
    [("core", set()), ("delivery", {"core"})],
)
def test_a_package_imports_only_what_is_below_it(package, allowed):
    imported = imported_packages(package)
    assert set(imported) <= allowed, imported


def test_the_domain_announces_changes_instead_of_calling_delivery():
    for package in ("portal", "departments", "contacts"):
        assert "delivery" not in imported_packages(package), package
