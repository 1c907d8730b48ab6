"""Command line: python -m synthetic_registers --scale S --seed N --out DIR."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .generate import DEFAULT_RATE, IRREGULARITIES, generate


def parse_rate(text: str) -> tuple[str, float]:
    kind, sep, value = text.partition("=")
    if not sep or kind not in IRREGULARITIES:
        raise argparse.ArgumentTypeError(f"expected KIND=RATE with KIND one of {', '.join(IRREGULARITIES)}")
    rate = float(value)
    if not 0 <= rate <= 0.1:
        raise argparse.ArgumentTypeError(f"rate for {kind} must be between 0 and 0.1, got {rate}")
    return kind, rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synthetic_registers", description=__doc__)
    parser.add_argument("--scale", type=float, default=0.1, help="share of the national population (1.0 = 5.7 million)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path, default=Path("data/raw"))
    parser.add_argument("--irregularity-rate", type=float, default=None,
                        help=f"rate of every injected irregularity (default {DEFAULT_RATE})")
    parser.add_argument("--irregularity", type=parse_rate, action="append", default=[], metavar="KIND=RATE",
                        help="rate of one irregularity kind (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1.5:
        parser.error(f"--scale must be in (0, 1.5], got {args.scale}")
    rates = {k: args.irregularity_rate for k in IRREGULARITIES} if args.irregularity_rate is not None else {}
    rates.update(dict(args.irregularity))
    manifest = generate(args.scale, args.seed, args.out, rates, args.quiet)
    if not args.quiet:
        print(f"{sum(manifest['rows'].values()):,} rows in {len(manifest['rows'])} files, "
              f"{manifest['seconds']} s -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
