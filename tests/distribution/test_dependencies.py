"""Every module the package imports is a declared dependency, and a library of an extra is only
needed by modules that are themselves imported lazily (checked on the source with ast; the
clean-venv tests in test_install.py check the same at run time)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import attrs

from replicate_ext.local.server import SERVER_EXTRA_MODULES

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# Where each top-level package of the wheel lives in the source tree.
SOURCES = {
    "replicate_ext": ROOT / "replicate_ext",
    "replicate_api": ROOT / "generated/replicate_api",
}
# Modules that may need an extra when imported, because nothing imports them eagerly except
# each other: the Starlette app is imported when a server starts.
EXTRA_MODULES = {
    f"replicate_ext.local.{name}": "server"
    for name in (
        "app", "uploads", "gate", "http", "pages", "pagination", "problems", "render", "sse",
        *(f"routes.{path.stem}" for path in (ROOT / "replicate_ext/local/routes").glob("[!_]*.py")),
    )
}  # fmt: skip
# pytest loads its plugin through the pytest11 entry point, so pytest is there whenever it is.
HOST_PROVIDED = {"replicate_ext.local.pytest_plugin": frozenset({"pytest"})}
NOT_USER_EXTRAS = {"dev"}  # development tools, not something an import may rely on


@attrs.frozen
class Import:
    module: str  # the importing module
    target: str  # absolute name of what is imported
    line: int
    eager: bool  # runs when the importing module is imported (not in a function, not guarded)
    typing_only: bool  # under `if TYPE_CHECKING:`


def normalize(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return normalize(match.group())


def declared() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The core dependencies and each user-facing extra's own distributions."""
    project = PYPROJECT["project"]
    own = normalize(project["name"])
    core = frozenset(requirement_name(r) for r in project["dependencies"])
    extras = {
        extra: frozenset(n for n in map(requirement_name, requirements) if n != own)
        for extra, requirements in project["optional-dependencies"].items()
        if extra not in NOT_USER_EXTRAS
    }
    return core, extras


def module_files() -> Iterator[tuple[str, Path]]:
    for package, directory in SOURCES.items():
        for path in sorted(directory.rglob("*.py")):
            parts = [package, *path.relative_to(directory).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        isinstance(n, ast.Name) and n.id in {"ImportError", "ModuleNotFoundError"} for n in names
    )


def imports_of(module: str, path: Path) -> Iterator[Import]:
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]

    def resolve(node: ast.ImportFrom) -> list[str]:
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base]) if base else ".".join(anchor)
        # `from pkg import name` may import the submodule pkg.name; a name that is no module
        # resolves to pkg itself below.
        return [f"{base}.{alias.name}" for alias in node.names] + [base]

    def visit(node: ast.AST, eager: bool, typing_only: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno, eager, typing_only)
            return
        if isinstance(node, ast.ImportFrom):
            for target in resolve(node):
                yield Import(module, target, node.lineno, eager, typing_only)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            eager = False
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                yield from visit(statement, False, True)
            for statement in node.orelse:
                yield from visit(statement, eager, typing_only)
            return
        if isinstance(node, ast.Try) and any(map(_catches_import_error, node.handlers)):
            for statement in node.body:
                yield from visit(statement, False, typing_only)
            for part in [*node.handlers, *node.orelse, *node.finalbody]:
                yield from visit(part, eager, typing_only)
            return
        for child in ast.iter_child_nodes(node):
            yield from visit(child, eager, typing_only)

    yield from visit(ast.parse(path.read_text(), str(path)), True, False)


MODULES = dict(module_files())
IMPORTS = [imp for module, path in MODULES.items() for imp in imports_of(module, path)]
DISTRIBUTIONS = {
    top: [normalize(d) for d in dists]
    for top, dists in importlib.metadata.packages_distributions().items()
}


def internal_module(target: str) -> str | None:
    """The module of ours that importing ``target`` loads, or None for anything else."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def third_party(target: str) -> str | None:
    top = target.partition(".")[0]
    if top in SOURCES or top in sys.stdlib_module_names:
        return None
    return top


def distribution_of(top: str) -> str:
    dists = DISTRIBUTIONS.get(top)
    assert dists, f"no installed distribution provides the module {top!r}"
    return dists[0]


def eager_distributions(module: str, seen: set[str] | None = None) -> set[str]:
    """The third-party distributions that importing ``module`` imports, through our modules
    (parent packages included, as Python imports them first)."""
    seen = set() if seen is None else seen
    if module in seen:
        return set()
    seen.add(module)
    needed: set[str] = set()
    parent = module.rpartition(".")[0]
    if parent:
        needed |= eager_distributions(parent, seen)
    for imp in IMPORTS:
        if imp.module != module or not imp.eager or imp.typing_only:
            continue
        top = third_party(imp.target)
        if top is not None:
            needed.add(distribution_of(top))
        elif (ours := internal_module(imp.target)) is not None:
            needed |= eager_distributions(ours, seen)
    return needed


def test_the_scan_sees_the_imports_it_must_judge() -> None:
    targets = {(imp.module, imp.target.partition(".")[0], imp.eager) for imp in IMPORTS}
    assert ("replicate_ext._async.api_client", "httpx", True) in targets
    assert ("replicate_ext.local.app", "starlette", True) in targets
    assert ("replicate_ext.local.server", "uvicorn", False) in targets  # inside a method
    assert "starlette" in eager_distributions("replicate_ext.local.uploads")
    assert "replicate_api" in MODULES and "replicate_ext.local" in MODULES


def test_every_imported_distribution_is_declared() -> None:
    core, extras = declared()
    anywhere = core.union(*extras.values())
    undeclared = []
    for imp in IMPORTS:
        top = third_party(imp.target)
        if top is None or top in HOST_PROVIDED.get(imp.module, ()):
            continue
        # A namespace package (opentelemetry) is shared by several distributions.
        if anywhere.isdisjoint(DISTRIBUTIONS.get(top, [distribution_of(top)])):
            undeclared.append(f"{imp.module}:{imp.line} imports {top} ({distribution_of(top)})")
    assert not undeclared, "not in pyproject's dependencies or extras:\n" + "\n".join(undeclared)


def test_importing_a_module_needs_only_what_it_may() -> None:
    core, extras = declared()
    beyond = {}
    for module in MODULES:
        allowed = core | HOST_PROVIDED.get(module, frozenset())
        if module in EXTRA_MODULES:
            allowed |= extras[EXTRA_MODULES[module]]
        if extra := eager_distributions(module) - allowed:
            beyond[module] = sorted(extra)
    assert not beyond, (
        f"importing these modules imports libraries the core install lacks: {beyond}; import "
        "them inside the function that needs them, or list the module in EXTRA_MODULES"
    )


def test_the_server_extra_check_names_the_declared_server_extra() -> None:
    _, extras = declared()
    assert {normalize(d) for d in SERVER_EXTRA_MODULES.values()} == extras["server"]
    for module, dist in SERVER_EXTRA_MODULES.items():
        assert dist in {d for d in DISTRIBUTIONS.get(module, [])}, module
