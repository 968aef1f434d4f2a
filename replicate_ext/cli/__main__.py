"""``python -m replicate_ext.cli``: the same as the ``replicate-ext`` command."""

import sys

from .app import main

if __name__ == "__main__":  # importing the module (e.g. to list the package) runs nothing
    sys.exit(main())
