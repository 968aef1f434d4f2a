"""tools/generate.py: deterministic output, drift detection, and the post-generation step."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tools import generate


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One regeneration from openapi.yaml, shared by the tests of this module."""
    return generate.generate_into(tmp_path_factory.mktemp("first") / generate.PACKAGE)


@pytest.fixture
def reuse_fresh(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `--check` compare against `fresh` instead of generating again (saves seconds)."""

    def copy_fresh(target: Path) -> Path:
        shutil.copytree(fresh, target)
        return target

    monkeypatch.setattr(generate, "generate_into", copy_fresh)


def test_generation_is_byte_identical_and_matches_the_committed_package(
    fresh: Path, tmp_path: Path
) -> None:
    second = generate.generate_into(tmp_path / generate.PACKAGE)
    assert generate.package_files(second) == generate.package_files(fresh)
    # Drift: what is committed in generated/ is exactly what openapi.yaml produces.
    assert generate.compare(fresh, generate.TARGET) == []
    assert (fresh / "py.typed").exists()


@pytest.mark.usefixtures("reuse_fresh")
def test_check_reports_a_readable_summary_of_drift(
    fresh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "stale"
    shutil.copytree(fresh, stale)
    prediction = stale / "models" / "prediction.py"
    prediction.write_text(prediction.read_text() + "# hand edit\n")
    (stale / "api" / "account" / "get.py").unlink()
    (stale / "leftover.py").write_text("")

    assert generate.main(["--check", "--target", str(stale)]) == 1
    out = capsys.readouterr().out
    assert "is out of date with openapi.yaml" in out
    assert "changed: models/prediction.py" in out
    assert "+# hand edit" not in out and "-# hand edit" in out
    assert "missing: api/account/get.py" in out
    assert "unexpected: leftover.py" in out
    assert "make generate" in out


@pytest.mark.usefixtures("reuse_fresh")
def test_check_passes_on_an_identical_tree(
    fresh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same = tmp_path / "same"
    shutil.copytree(fresh, same)
    assert generate.main(["--check", "--target", str(same)]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_module_names_come_from_operation_ids() -> None:
    assert generate.module_name("models.versions.list", "models") == "versions_list"
    assert generate.module_name("webhooks.default.secret.get", "webhooks") == "default_secret_get"
    assert generate.module_name("trainings.create", "trainings") == "create"
    assert generate.module_name("search", "search") == "search"


def test_query_operations_are_disguised_for_the_generator() -> None:
    spec = {
        "paths": {
            "/things": {
                "get": {"operationId": "things.list", "tags": ["things"]},
                "post": {"operationId": "things.create", "tags": ["things"]},
                "x-query": {
                    "operationId": "things.search",
                    "tags": ["things"],
                    "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                },
            }
        }
    }
    prepared, custom = generate.prepare_spec(spec)
    assert "x-query" not in prepared["paths"]["/things"]
    assert prepared["paths"]["/things"]["get"]["operationId"] == "list"
    disguised = prepared["paths"]["/things" + generate.DISGUISE_SUFFIX]["post"]
    assert disguised["operationId"] == "search"
    assert list(disguised["requestBody"]["content"]) == ["application/json"]
    assert custom == [
        generate.CustomMethod(
            tag="things", module="search", method="QUERY", path="/things", content_type="text/plain"
        )
    ]
    # The input document is left alone.
    assert "x-query" in spec["paths"]["/things"]


def test_post_generation_step_fails_loudly_when_the_generator_output_changes(
    tmp_path: Path,
) -> None:
    module = tmp_path / "api" / "things" / "search.py"
    module.parent.mkdir(parents=True)
    module.write_text('def build_request():\n    return {"method": "PUT", "url": "/things#"}\n')
    op = generate.CustomMethod("things", "search", "QUERY", "/things", "text/plain")
    with pytest.raises(generate.GenerationError, match="exactly once"):
        generate.apply_custom_methods(tmp_path, [op])


def test_lazy_init_keeps_every_export(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text('"""Doc."""\n\nfrom .a import A\nfrom .b import B, C\n\n__all__ = ("A",)\n')
    generate.make_lazy(init)
    text = init.read_text()
    assert '"A": ".a"' in text and '"B": ".b"' in text and '"C": ".b"' in text
    assert "from .b import C as C" in text  # visible to type checkers
    compile(text, str(init), "exec")
