"""``python -m replicate_ext.cli``: the same as the ``replicate-ext`` command."""

import sys

from .app import main

sys.exit(main())
