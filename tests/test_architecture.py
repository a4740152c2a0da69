"""The shape of the house: what imports what, and how large a module grows.

Top-level packages form a one-way graph (the domain announces, delivery listens; apps never
import the project package), no two modules import each other (at module level or inside a
function), and product modules stay under about 600 lines (the legacy importer's under 400).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What each top-level package of the product may import of the others.
ALLOWED = {
    "core": set(),
    "contacts": {"core"},
    "terms": {"core"},
    "departments": {"core", "contacts", "terms"},
    "delivery": {"core"},
    "portal": {"core", "contacts", "terms", "departments", "delivery"},
}
PACKAGES = set(ALLOWED)
MAX_LINES = 600
# Modules allowed to be longer for now, with the issue that splits them.
LONGER = {}
# The legacy importer is a package of small modules, each one concern (issue 20): a
# parsing rule goes into the module of its concern, not into a growing one.
LEGACY = ROOT / "departments" / "legacy"
LEGACY_LINES_LIMIT = 400


def product_modules():
    for package in sorted(PACKAGES):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path):
    """Every module of ours that ``path`` imports, wherever the import statement is."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            found.add(module)
            # "from . import services" imports the module departments.services.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {module for module in found if module.split(".")[0] in PACKAGES}


def known_modules():
    return {module_name(path): path for path in product_modules()}


def imports_graph():
    modules = known_modules()
    graph = {}
    for name, path in modules.items():
        graph[name] = {module for module in imported_modules(path) if module in modules} - {name}
    return graph


def test_top_level_packages_import_one_way():
    wrong = []
    for name, imported in imports_graph().items():
        own = name.split(".")[0]
        for module in imported:
            other = module.split(".")[0]
            if other != own and other not in ALLOWED[own]:
                wrong.append(f"{name} imports {module}")
    assert wrong == []


def test_no_two_modules_import_each_other():
    graph = imports_graph()
    cycles = []
    for name, imported in graph.items():
        for module in imported:
            if name in graph.get(module, ()) and name < module:
                cycles.append(f"{name} <-> {module}")
    assert cycles == []


def test_product_modules_stay_small():
    long = []
    for path in product_modules():
        relative = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES and relative not in LONGER:
            long.append(f"{relative}: {lines} lines")
    assert long == []


def test_the_longer_modules_still_exist():
    # An entry left behind once its module was split would hide the next long module.
    stale = [
        relative
        for relative in sorted(LONGER)
        if not (ROOT / relative).exists()
        or len((ROOT / relative).read_text().splitlines()) <= MAX_LINES
    ]
    assert stale == []


def test_legacy_importer_modules_stay_under_400_lines():
    paths = sorted(LEGACY.rglob("*.py"))
    assert paths, "the legacy importer package has moved: update LEGACY"
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in paths
        if (lines := len(path.read_text().splitlines())) >= LEGACY_LINES_LIMIT
    ]
    assert long == []


def own_private_names(tree):
    """Private names a module defines itself: methods, class attributes, ``self._x = ...``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
    return {name for name in names if name.startswith("_")}


def test_no_private_attribute_of_django_or_a_library_is_used():
    """ruff's SLF001 checks other objects' private attributes; this checks the ones a class
    inherits: ``self._x`` or ``super()._x`` that the module itself never defines is a
    library's internal (Django's documented ``_meta``, ``_state``, ``_default_manager`` and
    ``_base_manager`` excepted)."""
    allowed = {"_meta", "_state", "_default_manager", "_base_manager"}
    found = []
    for path in product_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        own = own_private_names(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or not node.attr.startswith("_"):
                continue
            if node.attr.startswith("__") or node.attr in allowed:
                continue
            target = node.value
            is_super = isinstance(target, ast.Call) and getattr(target.func, "id", "") == "super"
            is_self = isinstance(target, ast.Name) and target.id in ("self", "cls")
            if is_super or (is_self and node.attr not in own):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert found == []
