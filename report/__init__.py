"""The FHI 2025 report rendered as a static HTML site from the BI export (``python -m report --help``)."""
