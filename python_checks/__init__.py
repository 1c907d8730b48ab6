"""Great Expectations data-quality checks of the warehouse (issue 5).

Run ``python -m python_checks --warehouse PATH --raw-dir DIR``; see ``cli.py`` for the options and
``checks.py`` for what each suite checks.
"""
