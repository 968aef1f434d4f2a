"""Import cost of ``import replicate_ext`` in a fresh interpreter (``-X importtime``), and which
heavy modules it pulls in: the generated bindings, the server stack and rich must stay out.

Goal: ``import replicate_ext`` costs at most 30 ms more than ``import httpx`` (best of N fresh
processes each, bytecode cached as after any ``pip install``: with PYTHONDONTWRITEBYTECODE set
and no ``__pycache__``, every run would compile our sources again and count that instead).
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass

from common import REPO_DIR, Row, child_env, median, ms

# The most `import replicate_ext` may add to `import httpx` (issue 13).
MAX_OWN_SHARE = 0.030
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
        env=_env_with_bytecode(),
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


def _env_with_bytecode() -> dict[str, str]:
    return {k: v for k, v in child_env().items() if k != "PYTHONDONTWRITEBYTECODE"}


def _matching(modules: set[str], prefix: str) -> list[str]:
    return sorted(m for m in modules if m == prefix or m.startswith(prefix + "."))


def run_imports(*, quick: bool) -> list[Row]:
    runs = 5 if quick else 15
    # The first import of each writes any missing bytecode and warms the file cache.
    profile_import("replicate_ext")
    profile_import("httpx")
    # Alternating, so a burst of load on a shared machine hits both alike.
    profiles: list[ImportProfile] = []
    baselines: list[ImportProfile] = []
    for _ in range(runs):
        profiles.append(profile_import("replicate_ext"))
        # httpx imports its own CLI (httpx._main → click, pygments, rich) whenever those are
        # installed; what httpx loads is charged to httpx, not to our package.
        baselines.append(profile_import("httpx"))
    loaded = set(profiles[-1].modules)
    by_httpx = set(baselines[-1].modules)
    # The best run is the one least disturbed by other processes: the cost itself.
    total = min(p.total for p in profiles)
    httpx_total = min(p.total for p in baselines)
    own_share = total - httpx_total
    generated = _matching(loaded, "replicate_api")
    rows = [
        Row(f"import replicate_ext: cumulative time (best of {runs})", ms(total)),
        Row(f"import httpx alone: cumulative time (best of {runs})", ms(httpx_total)),
        Row(
            "import replicate_ext: own share beyond httpx",
            ms(own_share),
            f"≤ {MAX_OWN_SHARE * 1e3:.0f} ms",
            own_share <= MAX_OWN_SHARE,
        ),
        Row(
            "import replicate_ext: medians (ours / httpx)",
            f"{ms(median([p.total for p in profiles]))} / "
            f"{ms(median([p.total for p in baselines]))}",
        ),
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
