"""sqlfluff on the project's SQL: only the files changed against a base commit, or all of them.

    python tools/lint_sql.py --base origin/main [--processes 2]   # what `make lint` runs
    python tools/lint_sql.py --all [--processes 2]                # `make lint-all`

Changed means changed between the merge base of BASE and HEAD and the working tree (commits, staged and
unstaged edits, and new untracked files). Everything is linted instead when a narrower lint could miss an
error: when the base does not exist or HEAD is the base itself on a clean tree (a fresh clone of main, as
CI has), when there is no git checkout, and when a change reaches every file's rendered SQL (a macro, the
sqlfluff or dbt configuration, the pinned packages, this script). Exits with sqlfluff's exit code.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQLFLUFF = ROOT / ".venv" / "bin" / "sqlfluff"
# Linted one by one; macros are rendered into them (the dbt templater skips macro files on their own).
LINTED = ("models", "tests", "analyses")
# A change here can change the rendered SQL or the verdict of any file: lint them all.
EVERYTHING_DEPENDS_ON = ("macros/", ".sqlfluff", ".sqlfluffignore", "dbt_project.yml", "profiles.yml",
                         "packages.yml", "requirements.txt", "constraints.txt", "tools/lint_sql.py")


def git(*args: str) -> str | None:
    """stdout of a git command in the project, or None if it fails."""
    run = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
    return run.stdout if run.returncode == 0 else None


def linted(path: str) -> bool:
    return path.endswith(".sql") and path.split("/")[0] in LINTED


def widening(path: str) -> bool:
    return any(path == d or path.startswith(d) for d in EVERYTHING_DEPENDS_ON)


def changed_files(base: str) -> tuple[list[str] | None, str]:
    """The SQL files to lint (None: all of them), and a phrase saying why."""
    if git("rev-parse", "--is-inside-work-tree") is None:
        return None, "not a git checkout"
    if git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}") is None:
        return None, f"base {base} not found"
    fork, head = git("merge-base", base, "HEAD"), git("rev-parse", "HEAD")
    if fork is None or head is None:
        return None, f"no merge base of {base} and HEAD"
    fork = fork.strip()
    tracked = git("diff", "--name-only", "--no-renames", "--diff-filter=d", fork) or ""
    untracked = git("ls-files", "--others", "--exclude-standard") or ""
    paths = sorted(set(tracked.splitlines()) | set(untracked.splitlines()))
    relevant = [p for p in paths if linted(p) or widening(p)]
    if fork == head.strip() and not relevant:
        return None, f"HEAD is {base} or behind it, nothing changed to compare: a checkout of the base"
    wide = [p for p in relevant if widening(p)]
    if wide:
        return None, f"{', '.join(wide[:3])}{' ...' if len(wide) > 3 else ''} changed against {base}"
    files = [p for p in relevant if (ROOT / p).is_file()]
    return files, f"changed against {base} (merge base {fork[:7]})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--base", help="lint the SQL changed against this commit (e.g. origin/main)")
    which.add_argument("--all", action="store_true", help="lint every SQL file")
    parser.add_argument("--processes", type=int, default=1, help="sqlfluff worker processes")
    args = parser.parse_args(argv)

    files, why = (None, "make lint-all") if args.all else changed_files(args.base)
    workers = args.processes if files is None else max(1, min(args.processes, len(files)))  # one per file at most
    processes = f"{workers} process{'es' if workers != 1 else ''}"
    if files is None:
        targets = list(LINTED)
        count = sum(1 for d in LINTED for _ in (ROOT / d).rglob("*.sql"))
        print(f"lint: sqlfluff on all {count} files in {' '.join(LINTED)} ({why}; {processes})...", flush=True)
    elif not files:
        print(f"lint: sqlfluff: no SQL {why}, nothing to lint (make lint-all lints everything)", flush=True)
        return 0
    else:
        targets = files
        shown = " ".join(files[:10]) + (" ..." if len(files) > 10 else "")
        print(f"lint: sqlfluff on {len(files)} file{'s' if len(files) != 1 else ''} {why} ({processes}): {shown}",
              flush=True)
    return subprocess.run([str(SQLFLUFF), "lint", "--processes", str(workers), *targets], cwd=ROOT,
                          check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
