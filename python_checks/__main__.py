"""Entry point: ``python -m python_checks``."""

import sys

from python_checks.cli import main

if __name__ == "__main__":
    sys.exit(main())
