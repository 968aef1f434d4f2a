"""Import cost of ``import replicate_ext`` in a fresh interpreter (``-X importtime``), and which
heavy modules it pulls in: the generated bindings, the server stack and rich must stay out."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass

from common import REPO_DIR, Row, child_env, median, ms

# Module prefixes that `import replicate_ext` must not load.
FORBIDDEN = ("replicate_api.models", "replicate_api.api", "starlette", "uvicorn", "rich")
# "import time: self [us] | cumulative | imported package"
_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


@dataclass(frozen=True)
class ImportProfile:
    total: float  # seconds: cumulative time of the top-level `replicate_ext` import
    modules: list[str]  # every module imported by it, in order


def profile_import(module: str = "replicate_ext") -> ImportProfile:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        cwd=REPO_DIR,
        env=child_env(),
        timeout=60,
        check=True,
    )
    total = 0.0
    modules: list[str] = []
    for line in result.stderr.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        name = match.group(4)
        modules.append(name)
        if name == module:  # listed once, after everything it imported
            total = int(match.group(2)) / 1e6
    if not modules:
        raise RuntimeError(f"no -X importtime output:\n{result.stderr[-2000:]}")
    return ImportProfile(total=total, modules=modules)


def _matching(modules: set[str], prefix: str) -> list[str]:
    return sorted(m for m in modules if m == prefix or m.startswith(prefix + "."))


def run_imports(*, quick: bool) -> list[Row]:
    runs = 3 if quick else 7
    profiles = [profile_import("replicate_ext") for _ in range(runs)]
    # httpx imports its own CLI (httpx._main → click, pygments, rich) whenever those are
    # installed; what httpx loads is charged to httpx, not to our package.
    baselines = [profile_import("httpx") for _ in range(runs)]
    loaded = set(profiles[-1].modules)
    by_httpx = set(baselines[-1].modules)
    total = median([p.total for p in profiles])
    httpx_total = median([p.total for p in baselines])
    generated = _matching(loaded, "replicate_api")
    rows = [
        Row("import replicate_ext: cumulative time (median)", ms(total)),
        Row("import httpx alone: cumulative time (median)", ms(httpx_total)),
        Row("import replicate_ext: own share beyond httpx", ms(total - httpx_total)),
        Row(
            "import replicate_ext: generated replicate_api modules imported",
            f"{len(generated)}" + (f" ({', '.join(generated[:4])}...)" if generated else ""),
        ),
    ]
    for prefix in FORBIDDEN:
        hits = _matching(loaded, prefix)
        ours = [m for m in hits if m not in by_httpx]
        if not hits:
            value = "no"
        elif not ours:
            value = f"only via `import httpx` ({len(hits)} modules, httpx._main)"
        else:
            value = f"yes ({len(ours)} modules beyond what httpx loads)"
        rows.append(Row(f"import replicate_ext: imports {prefix}", value, "no", not ours))
    return rows
