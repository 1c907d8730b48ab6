"""Synthetic Norwegian health-register extracts in the real shapes, calibrated to the FHI 2025 report.

`python -m synthetic_registers --scale S --seed N --out DIR` writes the files described in
docs/extracts.md. Counts are deterministic functions of (scale, seed): persons per group, valid contacts
per group and service, and the municipality cells of Tables V2/V3 equal round(published x scale).
"""

__version__ = "1.1.0"
