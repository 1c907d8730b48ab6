"""Entry point: ``python -m extract_contract``."""

import sys

from extract_contract.cli import main

if __name__ == "__main__":
    sys.exit(main())
