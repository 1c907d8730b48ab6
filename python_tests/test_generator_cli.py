"""The generator's command line: arguments checked before anything is written, all-or-nothing output, help."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from synthetic_registers import generate as generator
from synthetic_registers.__main__ import main
from synthetic_registers.generate import (
    DEFAULT_RATE,
    IRREGULARITIES,
    MAX_SCALE,
    generate,
)

ROOT = Path(__file__).resolve().parents[1]
TINY = 0.001  # ~5,700 persons, under a second


def digest(directory: Path) -> str:
    """Every file's path and bytes under `directory`."""
    h = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(directory)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_rate_2_is_rejected_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "x"
    run = subprocess.run([sys.executable, "-m", "synthetic_registers", "--scale", "0.02", "--out", str(out),
                          "--irregularity-rate", "2"], check=False, cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert "argument --irregularity-rate: must be between 0 and 1" in last and "got 2" in last
    assert list(tmp_path.iterdir()) == []  # neither the output nor a temporary directory


@pytest.mark.parametrize(("args", "message"), [
    (["--irregularity", "typo=0.1"], "argument --irregularity: unknown irregularity kind 'typo'; valid kinds: "
                                     + ", ".join(IRREGULARITIES)),
    (["--irregularity", "duplicate_bill_rows"], "argument --irregularity: expected KIND=RATE"),
    (["--irregularity", "duplicate_bill_rows=1.5"],
     "argument --irregularity: rate of duplicate_bill_rows must be between 0 and 1"),
    (["--irregularity-rate", "-0.1"], "argument --irregularity-rate: must be between 0 and 1"),
    (["--irregularity-rate", "nan"], "argument --irregularity-rate: must be between 0 and 1"),
    (["--scale", "0"], "argument --scale: must be between 0.0001 and 1"),
    (["--scale", "1.5"], "argument --scale: must be between 0.0001 and 1"),
    (["--scale", "big"], "argument --scale: must be a number, got 'big'"),
    (["--seed", "1.5"], "argument --seed: must be an integer, got '1.5'"),
    (["--seed", "-1"], "argument --seed: must be a non-negative integer"),
])
def test_bad_arguments_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                           message: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--scale", str(TINY), "--out", str(tmp_path / "x"), *args])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err.strip().splitlines()[-1]
    assert list(tmp_path.iterdir()) == []


def test_a_directory_that_is_not_a_generator_output_is_never_replaced(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "extracts"
    out.mkdir()
    (out / "real.parquet").write_bytes(b"not ours")
    with pytest.raises(SystemExit) as exit_:
        main(["--scale", str(TINY), "--out", str(out), "--quiet"])
    assert exit_.value.code == 2
    assert "holds no manifest.json" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["real.parquet"]


@pytest.fixture()
def previous(tmp_path: Path) -> tuple[Path, str]:
    """A complete earlier output (seed 1) and its digest."""
    out = tmp_path / "raw"
    generate(TINY, 1, out, quiet=True)
    return out, digest(out)


@pytest.mark.parametrize("failure", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_a_failure_midway_leaves_the_previous_output_whole(previous: tuple[Path, str],
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           failure: BaseException) -> None:
    out, before = previous
    reached = []

    def fail(*args: object) -> None:
        reached.append(sorted(p.name for p in out.parent.iterdir()))  # the partial files exist by now
        raise failure

    monkeypatch.setattr(generator, "write_hom", fail)
    args = ["--scale", str(TINY), "--seed", "2", "--out", str(out), "--quiet"]
    if isinstance(failure, KeyboardInterrupt):
        assert main(args) == 130
    else:
        with pytest.raises(RuntimeError, match="disk on fire"):
            main(args)
    assert len(reached[0]) == 2 and reached[0][0].startswith(".raw.partial-")  # written beside, not into, raw
    assert digest(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["raw"]  # the temporary directory is gone


def test_a_failed_swap_puts_the_previous_output_back(previous: tuple[Path, str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out, before = previous
    renames = []
    real_rename = os.rename

    def rename(source: Path, target: Path) -> None:
        renames.append(Path(target).name)
        if len(renames) == 2:  # the new directory onto the output's name
            raise OSError("no space left on device")
        real_rename(source, target)

    monkeypatch.setattr(generator.os, "rename", rename)
    with pytest.raises(OSError, match="no space"):
        generate(TINY, 2, out, quiet=True)
    assert digest(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["raw"]


def test_a_complete_run_replaces_the_previous_output_as_a_whole(previous: tuple[Path, str], tmp_path: Path) -> None:
    out, before = previous
    (out / "stale.txt").write_text("from an earlier run")
    generate(TINY, 2, out, quiet=True)
    generate(TINY, 2, tmp_path / "fresh" / "raw", quiet=True)
    assert digest(out) == digest(tmp_path / "fresh" / "raw") != before
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["fresh", "raw"]
    assert out.stat().st_mode & 0o777 == (tmp_path / "fresh").stat().st_mode & 0o777  # as mkdir makes it


def test_help_lists_every_kind_every_default_and_the_scale_limit(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    for kind, meaning in IRREGULARITIES.items():
        assert any(line.split() and line.split()[0] == kind and meaning in line for line in lines), kind
    flat = " ".join(text.split())  # argparse wraps option help to the terminal's width
    for option, default in (("--scale", "0.1"), ("--seed", "2025"), ("--out", "data/raw"),
                            ("--irregularity-rate", str(DEFAULT_RATE)), ("--irregularity", "None"),
                            ("--quiet", "False")):
        start = flat.index(f" {option} ", flat.index("options:"))
        assert f"(default: {default})" in flat[start:flat.index("(default:", start) + 40], option
    assert f"0.0001 <= SCALE <= {MAX_SCALE:g}; 1 is the whole country" in flat
    assert "0 <= RATE <= 1" in flat
