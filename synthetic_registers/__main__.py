"""Command line: python -m synthetic_registers --scale S --seed N --out DIR.

Writes the synthetic extracts of docs/extracts.md and manifest.json into DIR, all or nothing: the files go
to a temporary sibling directory that replaces DIR only when complete. An existing DIR must be empty or an
earlier generator output (it holds manifest.json). Every argument is checked before anything is written.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from .generate import (
    DEFAULT_RATE,
    IRREGULARITIES,
    MAX_RATE,
    MAX_SCALE,
    MIN_SCALE,
    generate,
    out_error,
    rate_error,
    scale_error,
    seed_error,
)


def checked(convert, error, what: str = ""):
    """An argparse type: convert the text, then reject what the generator cannot honour, saying why.

    argparse prefixes the message with "argument --name:"; `what` names the value further if needed.
    """
    prefix = f"{what} " if what else ""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            kind = "an integer" if convert is int else "a number"
            raise argparse.ArgumentTypeError(f"{prefix}must be {kind}, got {text!r}") from None
        problem = error(value)
        if problem:
            raise argparse.ArgumentTypeError(f"{prefix}{problem}")
        return value
    return parse


def parse_kind_rate(text: str) -> tuple[str, float]:
    kind, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected KIND=RATE, got {text!r}")
    if kind not in IRREGULARITIES:
        raise argparse.ArgumentTypeError(f"unknown irregularity kind {kind!r}; "
                                         f"valid kinds: {', '.join(IRREGULARITIES)}")
    return kind, checked(float, rate_error, f"rate of {kind}")(value)


def parser() -> argparse.ArgumentParser:
    width = max(len(k) for k in IRREGULARITIES)
    kinds = "\n".join(f"  {k:<{width}}  {meaning}" for k, meaning in IRREGULARITIES.items())
    epilog = (
        f"irregularity kinds (extra rows, never part of a published total; each rate is irregular rows per\n"
        f"row of the file or contacts the kind is drawn from, default {DEFAULT_RATE}, at most {MAX_RATE:g}):\n"
        f"{kinds}\n\n"
        f"scale: {MIN_SCALE:g} <= SCALE <= {MAX_SCALE:g}; 1 is the whole country (5.7 million persons, about 88\n"
        f"million contacts; about 2 1/4 minutes and 9 GB of memory). Below {MIN_SCALE:g} the smallest group has at\n"
        f"most one person.\n"
        f"rate: 0 <= RATE <= {MAX_RATE:g}: duplicates copy distinct rows and the extra-code kinds add a code to\n"
        f"distinct valid bills, so no kind can have more than one irregular row per row.\n"
        f"Same scale and seed give byte-identical files.")
    p = argparse.ArgumentParser(prog="python -m synthetic_registers", description=__doc__.split("\n\n")[1],
                                epilog=epilog, formatter_class=Formatter)
    p.add_argument("--scale", type=checked(float, scale_error), default=0.1,
                   help=f"share of the national population, {MIN_SCALE:g} to {MAX_SCALE:g} (1 = 5.7 million persons)")
    p.add_argument("--seed", type=checked(int, seed_error), default=2025,
                   help="random seed, a non-negative integer")
    p.add_argument("--out", type=Path, default=Path("data/raw"),
                   help="output directory; replaced as a whole once the new files are complete")
    p.add_argument("--irregularity-rate", type=checked(float, rate_error),
                   default=DEFAULT_RATE, metavar="RATE", help="rate of every irregularity kind")
    p.add_argument("--irregularity", type=parse_kind_rate, action="append", default=None, metavar="KIND=RATE",
                   help="rate of one kind, overriding --irregularity-rate (repeatable; kinds below)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    return p


class Terminated(BaseException):
    """SIGTERM (a CI timeout, kill): unwinds through generate() like Ctrl-C, so the partial files go."""


def terminate(signum: int, frame: object) -> None:
    raise Terminated


class Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults after every option's help; the epilog's table of kinds kept as written."""


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    problem = out_error(args.out)
    if problem:
        p.error(f"argument --out: {problem}")
    rates = {k: args.irregularity_rate for k in IRREGULARITIES}
    rates.update(dict(args.irregularity or []))
    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        manifest = generate(args.scale, args.seed, args.out, rates, args.quiet)
    except (KeyboardInterrupt, Terminated) as stop:
        print(f"{p.prog}: {'interrupted' if isinstance(stop, KeyboardInterrupt) else 'terminated'}; "
              f"nothing written, {args.out} unchanged", file=sys.stderr)
        return 130 if isinstance(stop, KeyboardInterrupt) else 128 + signal.SIGTERM
    except OSError as error:
        print(f"{p.prog}: error: {error}; nothing written, {args.out} unchanged", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not args.quiet:
        print(f"{sum(manifest['rows'].values()):,} rows in {len(manifest['rows'])} files, "
              f"{manifest['seconds']} s -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
