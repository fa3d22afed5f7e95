"""The shape of the code: an import graph without cycles, and nothing importing upward.

Domains (experiences/<domain>/) sit in a declared layer order (pyproject.toml,
[tool.importlinter]; docs/architecture.md, "Layers"): each imports only the
domains below it, no two domain packages import each other, none imports the
app's top-level gathering modules (experiences.models, .admin, .urls…); core
imports no domain; the product (experiences) never imports the project (kb) or
its development tools. No product module is over 400 lines.
"""

import ast
import itertools
from pathlib import Path

import grimp
from importlinter import api as importlinter_api  # configures import-linter first
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = {
    "accounts",
    "core",
    "drafts",
    "essays",
    "exports",
    "flags",
    "moderation",
    "notifications",
    "reading",
    "reflections",
    "replies",
    "search",
    "sharing",
    "study",
    "tagging",
    "units",
}
TOP_LEVEL = {
    "experiences.models",
    "experiences.admin",
    "experiences.urls",
    "experiences.apps",
    "experiences.admin_site",
    "experiences.sitemaps",
}
# Packages of experiences that gather the domains rather than being one.
GATHERING_PACKAGES = {"templatetags", "management", "migrations"}


def modules() -> dict[str, Path]:
    found = {}
    for package in ("experiences", "kb"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports, at module level or inside functions."""
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            # The longest known module the name refers to.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                targets.add(name)
    return targets


GRAPH = {name: imports_of(path, set(modules())) - {name} for name, path in modules().items()}


def test_no_import_cycles():
    visiting, done, cycles = set(), set(), []

    def visit(node, trail):
        if node in done:
            return
        if node in visiting:
            cycles.append([*trail[trail.index(node) :], node])
            return
        visiting.add(node)
        for target in sorted(GRAPH.get(node, ())):
            visit(target, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for node in sorted(GRAPH):
        visit(node, [])
    # Packages import their own submodules (experiences.admin → experiences.essays.admin):
    # only cycles between modules that are not one another's package count.
    real = [
        cycle
        for cycle in cycles
        if not any(a.startswith(b + ".") for a, b in itertools.pairwise(cycle))
    ]
    assert real == []


def test_domains_import_no_top_level_module_and_core_no_domain():
    upward = []
    for name, targets in GRAPH.items():
        parts = name.split(".")
        if parts[0] != "experiences" or len(parts) < 3 or parts[1] not in DOMAINS:
            continue
        for target in targets:
            if target in TOP_LEVEL or target == "experiences":
                upward.append((name, target))
            if (
                parts[1] == "core"
                and target.split(".")[1:2]
                and target.split(".")[1] in (DOMAINS - {"core"})
            ):
                upward.append((name, target))
    assert upward == []


def test_the_product_never_imports_the_project_or_its_tools():
    offending = [
        (name, target)
        for name, targets in GRAPH.items()
        if name.startswith("experiences")
        for target in targets
        if target.startswith("kb")
    ]
    assert offending == []


def test_no_product_module_over_400_lines():
    long = {
        name: length
        for name, path in modules().items()
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_moderation_sits_below_reflections_and_replies():
    """The moderation rules both share import neither: each calls them with its own model."""
    upward = [
        (name, target)
        for name, targets in GRAPH.items()
        if name.startswith("experiences.moderation")
        for target in targets
        if target.startswith("experiences.")
        and target.split(".")[1] not in {"moderation", "core", "accounts"}
    ]
    assert upward == []


def test_notifications_sit_below_the_content_they_tell_of():
    """Services tell people in the open (issue 26): reflections, replies and flags call the
    notifications domain, so it imports none of them (no receivers of their signals)."""
    upward = [
        (name, target)
        for name, targets in GRAPH.items()
        if name.startswith("experiences.notifications")
        for target in targets
        if target.split(".")[1:2] and target.split(".")[1] in {"reflections", "replies", "flags"}
    ]
    assert upward == []


def test_the_import_linter_contracts_are_kept():
    """`lint-imports` as `make lint` runs it: no import runs up the layer order."""
    assert lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True
    ), "lint-imports: an import runs up the layer order (its report is printed above)"


def test_no_two_domain_packages_import_each_other():
    """0 package cycles: counting imports anywhere in a package, inside functions and
    under TYPE_CHECKING too (grimp sees them all)."""
    graph = grimp.build_graph("experiences", cache_dir=None)
    packages = {
        name.rpartition(".")[2]
        for name in graph.find_children("experiences")
        if graph.find_children(name)
    }
    assert packages - GATHERING_PACKAGES == DOMAINS
    both_ways = [
        (a, b)
        for a, b in itertools.combinations(sorted(DOMAINS), 2)
        if graph.direct_import_exists(
            importer=f"experiences.{a}", imported=f"experiences.{b}", as_packages=True
        )
        and graph.direct_import_exists(
            importer=f"experiences.{b}", imported=f"experiences.{a}", as_packages=True
        )
    ]
    assert both_ways == []


def test_the_layer_order_names_every_domain_once():
    config = importlinter_api.read_configuration(str(ROOT / "pyproject.toml"))
    (layers,) = [
        contract["layers"]
        for contract in config["contracts_options"]
        if contract["id"] == "domain-layers"
    ]
    named = [name.strip() for layer in layers[1:] for name in layer.split("|")]
    assert sorted(named) == sorted(DOMAINS)
    assert layers[-1] == "core"
