"""The server's libraries are an optional extra: importing the SDK must not load them."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_server_libraries() -> None:
    code = (
        "import sys, replicate_ext, replicate_ext.local, replicate_ext.cli; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('starlette', 'uvicorn', 'python_multipart', 'multipart')]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
