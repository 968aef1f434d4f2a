"""Every ```python block in docs/ and README.md runs against a local server, so the docs cannot rot.

Blocks of one page run in order in one namespace (like a reader following the page), in a fresh
interpreter with REPLICATE_BASE_URL pointing at a LocalServer and a dummy token. Examples that
must not run (they need the real API) use the ``python-norun`` fence, preceded by an HTML comment
saying why; those are counted and capped so that they stay the exception.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from replicate_ext.local import LocalServer

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([*ROOT.glob("docs/**/*.md"), ROOT / "README.md"])
FENCE = re.compile(r"^```([^\s`]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
NORUN_REASON = re.compile(r"<!--\s*norun:\s*\S.*?-->\s*$", re.DOTALL)
MAX_NORUN_PER_PAGE = 3
MAX_NORUN_TOTAL = 12
PYTHON_ALIASES = {"py", "python3", "pycon", "ipython"}


@attrs.frozen
class Block:
    language: str
    code: str
    line: int  # 1-based line of the first code line
    preceding: str  # text between the previous fence and this one


def blocks_of(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    blocks: list[Block] = []
    previous_end = 0
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 2
        blocks.append(
            Block(match.group(1), match.group(2), line, text[previous_end : match.start()])
        )
        previous_end = match.end()
    return blocks


def runnable_pages() -> Iterator[Path]:
    for page in PAGES:
        if any(block.language == "python" for block in blocks_of(page)):
            yield page


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with LocalServer() as server:
        yield server.base_url


def test_docs_exist_for_every_capability() -> None:
    names = {page.stem for page in ROOT.glob("docs/*.md")}
    expected = {
        "index",
        "running-models",
        "files",
        "webhooks",
        "pagination",
        "errors-and-retries",
        "async",
        "local-server-and-testing",
        "regenerating",
        "embedding",
        "cli",
        "migrating",
        "batch",
    }
    assert expected <= names, f"missing guides: {sorted(expected - names)}"


@pytest.mark.parametrize("page", list(runnable_pages()), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run_against_the_local_server(
    page: Path, server_url: str, tmp_path: Path
) -> None:
    python_blocks = [b for b in blocks_of(page) if b.language == "python"]
    # One script per page: each block is compiled under its own file:line name so that a
    # failure's traceback points at the doc, and blocks share one namespace like a reader would.
    parts = ["import sys", "namespace = {'__name__': '__main__'}"]
    for block in python_blocks:
        filename = f"{page.relative_to(ROOT)}:{block.line}"
        source = "\n" * (block.line - 1) + block.code
        parts.append(f"exec(compile({source!r}, {filename!r}, 'exec'), namespace)")
    script = tmp_path / "run_docs.py"
    script.write_text("\n".join(parts) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "REPLICATE_BASE_URL": server_url,
        "REPLICATE_API_TOKEN": "r8_docs_test_token",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, (
        f"{page.name}: a python block failed\n--- stdout\n{result.stdout[-3000:]}"
        f"\n--- stderr\n{textwrap.indent(result.stderr[-6000:], '  ')}"
    )


def test_pages_have_python_blocks() -> None:
    """The guides teach by running code; a page with none would not be checked at all."""
    guides = [p for p in ROOT.glob("docs/*.md") if p.stem not in {"index", "regenerating"}]
    assert guides
    for page in guides:
        assert any(b.language == "python" for b in blocks_of(page)), page.name


def test_non_running_blocks_are_few_and_justified() -> None:
    total = 0
    for page in PAGES:
        norun = [b for b in blocks_of(page) if b.language == "python-norun"]
        total += len(norun)
        assert len(norun) <= MAX_NORUN_PER_PAGE, f"{page.name}: too many python-norun blocks"
        for block in norun:
            assert NORUN_REASON.search(block.preceding.rstrip() + "\n"), (
                f"{page.name}:{block.line}: a python-norun block needs a "
                "'<!-- norun: why -->' comment right before it"
            )
    assert total <= MAX_NORUN_TOTAL


def test_no_python_hides_under_another_fence_name() -> None:
    for page in PAGES:
        for block in blocks_of(page):
            assert block.language not in PYTHON_ALIASES, (
                f"{page.name}:{block.line}: use ```python (runs) or ```python-norun (justified)"
            )


def test_fence_parser_finds_blocks_and_their_lines(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(
        "# t\n\n```python\nx = 1\n```\n\n<!-- norun: real API -->\n```python-norun\ny\n```\n"
    )
    blocks = blocks_of(page)
    assert [(b.language, b.code, b.line) for b in blocks] == [
        ("python", "x = 1\n", 4),
        ("python-norun", "y\n", 9),
    ]
    assert NORUN_REASON.search(blocks[1].preceding.rstrip() + "\n")


LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_relative_links_point_at_existing_files() -> None:
    for page in PAGES:
        text = FENCE.sub("", page.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            if target.startswith(("http://", "https://", "mailto:", "#")):
                continue
            path = (page.parent / target.split("#", 1)[0]).resolve()
            assert path.exists(), f"{page.relative_to(ROOT)}: broken link {target}"
