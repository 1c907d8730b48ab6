"""Entry point: ``python -m bi_export``."""

import sys

from bi_export.cli import main

if __name__ == "__main__":
    sys.exit(main())
