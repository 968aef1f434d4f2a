"""Every generated operation is sent by some part of replicate_ext, through its build_request.

Walks generated/replicate_api/api (so operations added to openapi.yaml are picked up without
editing this test) and the imports of replicate_ext's modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "generated" / "replicate_api" / "api"
SDK = ROOT / "replicate_ext"


def generated_operations() -> set[str]:
    """``tag.operation`` for every module of the generated API package."""
    return {
        f"{module.parent.name}.{module.stem}"
        for module in API.glob("*/*.py")
        if module.stem != "__init__"
    }


def operations_imported_by(source: str) -> set[str]:
    """The generated operations a module imports (``from replicate_api.api.tag import op`` or
    ``import replicate_api.api.tag.op``) and calls ``build_request`` of."""
    tree = ast.parse(source)
    imported: dict[str, str] = {}  # local name -> tag.operation
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[:2] == ["replicate_api", "api"] and len(parts) == 3:
                for alias in node.names:
                    imported[alias.asname or alias.name] = f"{parts[2]}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[:2] == ["replicate_api", "api"] and len(parts) == 4 and alias.asname:
                    imported[alias.asname] = f"{parts[2]}.{parts[3]}"
    used = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "build_request"
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
        ):
            used.add(imported[node.value.id])
    return used


def test_every_generated_operation_is_used_by_the_sdk() -> None:
    operations = generated_operations()
    assert "predictions.get" in operations  # the walk finds the generated package
    used: set[str] = set()
    for module in SDK.rglob("*.py"):
        if "local" not in module.relative_to(SDK).parts:  # the server is not a caller
            used |= operations_imported_by(module.read_text(encoding="utf-8"))
    unused = sorted(operations - used)
    assert not unused, (
        f"generated operations no part of replicate_ext sends: {', '.join(unused)} "
        "(wrap them in a resource method, calling their build_request)"
    )


def test_the_check_names_an_operation_nobody_calls() -> None:
    source = (
        "from replicate_api.api.files import get as _get, delete\n"
        "import replicate_api.api.hardware.list as hardware_list\n"
        "_get.build_request('x')\n"
        "hardware_list.build_request()\n"
    )
    assert operations_imported_by(source) == {"files.get", "hardware.list"}  # not files.delete
