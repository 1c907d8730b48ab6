"""The report's number formatting (report.formatting) and its refusal to replace a folder it did not write."""

import math

import pandas as pd
import pytest

from report.formatting import bilingual, fmt_ci, fmt_count, fmt_decimal
from report.site import MARKER, prepare_out

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "text"),
    [(148346, f"148{NNBSP}346"), (5912, f"5{NNBSP}912"), (538107, f"538{NNBSP}107"), (999, "999"), (0, "0"),
     (1234567, f"1{NNBSP}234{NNBSP}567"), (None, "-"), (pd.NA, "-"), (math.nan, "-")],
)
def test_counts_have_norwegian_thousands_and_dash_when_suppressed(value, text):
    assert fmt_count(value) == text


def test_a_count_must_be_whole():
    with pytest.raises(ValueError, match="whole number"):
        fmt_count(2.5)


@pytest.mark.parametrize(
    ("value", "text"),
    # half up on the printed decimal, not half-even on the binary value (2.25 -> 2.3, 0.05 -> 0.1)
    [(2.25, "2.3"), (0.05, "0.1"), (2.35, "2.4"), (380.96, "381.0"), (50.4000133802, "50.4"),
     (1234.56, f"1{NNBSP}234.6"), (0.04, "0.0"), (-0.04, "0.0"), (None, "-"), (math.nan, "-")],
)
def test_decimals_round_half_up_to_one_decimal(value, text):
    assert fmt_decimal(value) == text


def test_confidence_interval():
    assert fmt_ci(2.104751, 2.244931) == "2.1\u20132.2"
    assert fmt_ci(None, 2.2) == "-"
    assert fmt_decimal(None, missing="n/a") == "n/a"


def test_bilingual_labels_fall_back_to_english():
    assert bilingual("Men", "Menn") == "Men (Menn)"
    assert bilingual("Neoplasms", None) == "Neoplasms"
    assert bilingual("A", "A") == "A"


def test_out_folder_not_written_by_the_report_is_never_replaced(tmp_path):
    precious = tmp_path / "site"
    precious.mkdir()
    (precious / "thesis.tex").write_text("keep me")
    with pytest.raises(SystemExit, match="refusing"):
        prepare_out(precious)
    assert (precious / "thesis.tex").read_text() == "keep me"
    (precious / MARKER).write_text("")
    staging = prepare_out(precious)
    assert staging.is_dir() and (staging / MARKER).is_file() and staging != precious
