"""Benchmarks behind ``make bench``: speed and memory goals of replicate_ext, measured on
127.0.0.1 only against local servers in their own processes.

    python bench/run.py            # everything (~3 minutes on 2 cores)
    python bench/run.py --quick    # fewer iterations (~2 minutes)
    python bench/run.py --only hot_path,imports
    python bench/run.py --profile  # also print a cProfile of predictions.get

Prints one table (metric, value, goal, PASS/FAIL/info) and exits 1 when a goal fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable

from common import Row, format_table, log

BENCHMARKS = ("hot_path", "run_latency", "waiting", "concurrency", "batch", "imports", "memory")


def _hot_path(quick: bool, want_profile: bool) -> list[Row]:
    import hot_path

    rows, body, prediction_id = hot_path.run_hot_path(quick=quick, budget=30 if quick else 60)
    if want_profile or any(row.passed is False for row in rows):
        log("  predictions.get cost breakdown")
        rows += hot_path.breakdown(body, prediction_id, quick=quick)
    if want_profile:
        log(
            "\npredictions.get over MockTransport, cProfile by own time (inflated by the profiler):"
        )
        log(hot_path.profile_client_get(body, prediction_id, calls=3000 if quick else 10000))
    return rows


def _run_latency(quick: bool, want_profile: bool) -> list[Row]:
    import latency

    return latency.run_latency(quick=quick)


def _waiting(quick: bool, want_profile: bool) -> list[Row]:
    import waiting

    return waiting.run_waiting(quick=quick)


def _concurrency(quick: bool, want_profile: bool) -> list[Row]:
    import many

    return many.run_concurrent(quick=quick)


def _batch(quick: bool, want_profile: bool) -> list[Row]:
    import many

    return many.run_batch(quick=quick)


def _imports(quick: bool, want_profile: bool) -> list[Row]:
    import imports

    return imports.run_imports(quick=quick)


def _memory(quick: bool, want_profile: bool) -> list[Row]:
    import memory

    return memory.run_memory(quick=quick)


RUNNERS: dict[str, Callable[[bool, bool], list[Row]]] = {
    "hot_path": _hot_path,
    "run_latency": _run_latency,
    "waiting": _waiting,
    "concurrency": _concurrency,
    "batch": _batch,
    "imports": _imports,
    "memory": _memory,
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated subset of: {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of predictions.get"
    )
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"replicate_ext benchmarks — Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {load:.2f}, {'quick' if args.quick else 'full'} run",
        flush=True,
    )
    rows: list[Row] = []
    started = time.monotonic()
    for name in args.only:
        log(f"[{name}]")
        began = time.monotonic()
        rows += RUNNERS[name](args.quick, args.profile)
        log(f"[{name}] {time.monotonic() - began:.1f} s")
    print()
    print(format_table(rows))
    failed = [row for row in rows if row.passed is False]
    checked = [row for row in rows if row.passed is not None]
    print(
        f"\n{len(checked) - len(failed)}/{len(checked)} goals met "
        f"in {time.monotonic() - started:.0f} s" + (" — FAILED" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
