"""A batch process killed mid-run (a crash: no cleanup at all) and run again with its journal:
every input ends up with exactly one prediction, the in-flight ones are re-attached."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import replicate_ext
from replicate_ext._journal import parse_journal
from replicate_ext.local import LocalServer

from .conftest import creates_by_input, journal_when
from .models import REF

INPUTS = [{"n": n, "seconds": 1.5} for n in range(6)]
# The batch as a separate process would run it; concurrency 2 with 1.5 s predictions leaves a
# long quiet spell after the first two creates, when the kill comes.
BATCH_SCRIPT = """
import json, sys
import replicate_ext
base_url, token, journal, inputs = sys.argv[1:5]
client = replicate_ext.Client(api_token=token, base_url=base_url, timeout=30)
for result in client.run_many(
    sys.argv[5], json.loads(inputs), concurrency=2, journal=journal, timeout=60
):
    print(result.index, flush=True)
"""


def test_a_rerun_after_a_crash_resumes(
    server: LocalServer, client: replicate_ext.Client, tmp_path: Path
) -> None:
    journal = tmp_path / "batch.journal"
    arguments = [server.base_url, server.token, str(journal), json.dumps(INPUTS), REF]
    process = subprocess.Popen(
        [sys.executable, "-c", BATCH_SCRIPT, *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        journal_when(journal, 2, process)
        process.kill()
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    at_crash = parse_journal(journal.read_bytes())
    in_flight = set(at_crash.created) - set(at_crash.finished)
    assert in_flight, "nothing was in flight at the crash"
    assert creates_by_input(client) == {index: 1 for index in at_crash.created}

    results = {r.index: r for r in client.run_many(REF, INPUTS, concurrency=3, journal=journal)}

    assert creates_by_input(client) == {n: 1 for n in range(len(INPUTS))}
    assert sorted(results) == list(range(len(INPUTS)))
    for index, (prediction_id, _input_hash) in at_crash.created.items():
        assert results[index].attached
        assert results[index].prediction_id == prediction_id
    for n, result in results.items():
        assert result.ok and result.output == n * n
    assert not any(results[n].attached for n in set(results) - set(at_crash.created))
