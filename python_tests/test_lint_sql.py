"""tools/lint_sql.py: which SQL `make lint` lints. A narrower lint must never skip a file whose verdict changed."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

# tools/ holds scripts, not a package: load lint_sql.py from its path.
_spec = importlib.util.spec_from_file_location("lint_sql",
                                               Path(__file__).resolve().parents[1] / "tools" / "lint_sql.py")
assert _spec is not None and _spec.loader is not None
lint_sql = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lint_sql)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                   capture_output=True)


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout of `main` with two models, a macro and a Python file."""
    for path in ("models/a.sql", "models/b.sql", "macros/m.sql", "tools/x.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("select 1\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "base")
    monkeypatch.setattr(lint_sql, "ROOT", tmp_path)
    return tmp_path


def commit_on_branch(repo: Path, path: str, text: str = "SELECT 2\n") -> None:
    git(repo, "checkout", "-q", "-B", "feature")
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "change")


def test_a_clean_checkout_of_the_base_lints_everything(repo: Path) -> None:
    """CI's fresh clone of main: nothing to compare with, so nothing may be skipped."""
    files, why = lint_sql.changed_files("main")
    assert files is None and "checkout of the base" in why


def test_a_missing_base_lints_everything(repo: Path) -> None:
    files, why = lint_sql.changed_files("origin/main")
    assert files is None and "not found" in why


def test_a_branch_lints_its_committed_edited_and_new_sql(repo: Path) -> None:
    commit_on_branch(repo, "models/a.sql")
    (repo / "models/b.sql").write_text("SELECT 3\n")  # edited, not committed
    (repo / "models/c.sql").write_text("select 4\n")  # new, untracked
    files, why = lint_sql.changed_files("main")
    assert files == ["models/a.sql", "models/b.sql", "models/c.sql"] and "changed against main" in why


def test_edits_on_the_base_itself_are_linted(repo: Path) -> None:
    (repo / "models/b.sql").write_text("SELECT 3\n")
    assert lint_sql.changed_files("main")[0] == ["models/b.sql"]


@pytest.mark.parametrize("path", ["macros/m.sql", ".sqlfluff", "dbt_project.yml", "constraints.txt"])
def test_a_change_every_file_renders_through_lints_everything(repo: Path, path: str) -> None:
    commit_on_branch(repo, path)
    files, why = lint_sql.changed_files("main")
    assert files is None and path in why


def test_a_branch_without_sql_changes_lints_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commit_on_branch(repo, "tools/x.py", "print(2)\n")
    assert lint_sql.changed_files("main")[0] == []
    assert lint_sql.main(["--base", "main"]) == 0
    assert "no SQL changed against main" in capsys.readouterr().out
