"""Start or stop the local Superset on the BI export (`make bi`, `make bi-stop`, used by `make bi-test`).

start: stops a Superset this script started before, builds a fresh metadata database from the files in
bi/superset/dashboard/ (superset db upgrade, fab create-admin, init, import-dashboards), starts gunicorn on
127.0.0.1 in the background (pid file in the state folder), waits until /health answers and prints the URL
and the login. stop: stops that gunicorn.

Settings come from the environment (documented defaults for local use):
    SUPERSET_ADMIN_USER / SUPERSET_ADMIN_PASSWORD   admin / admin
    SUPERSET_SECRET_KEY                              a fixed local key (set your own outside this machine)
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bundle import build_bundle

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent


def admin_login() -> tuple[str, str]:
    return os.environ.get("SUPERSET_ADMIN_USER", "admin"), os.environ.get("SUPERSET_ADMIN_PASSWORD", "admin")


def superset_env(state: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SUPERSET_CONFIG_PATH=str(HERE / "superset_config.py"),
        SUPERSET_STATE_DIR=str(state),
        SUPERSET_HOME=str(state),
        FLASK_APP="superset.app:create_app()",
        SCARF_ANALYTICS="false",
        DO_NOT_TRACK="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_cli(args: list[str], env: dict[str, str], log) -> None:
    shown = ["***" if previous == "--password" else a for previous, a in zip([""] + args, args, strict=False)]
    log.write(f"\n$ superset {' '.join(shown)}\n")
    log.flush()
    result = subprocess.run([str(VENV_BIN / "superset"), *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                            check=False)
    if result.returncode != 0:
        raise SystemExit(f"superset {args[0]} failed (exit {result.returncode}); see {log.name}")


def pid_alive(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return "gunicorn" in cmdline and "superset" in cmdline


def stop(state: Path, quiet: bool = False) -> None:
    pid_file = state / "superset.pid"
    if not pid_file.exists():
        if not quiet:
            print("Superset is not running (no pid file)")
        return
    pid = int(pid_file.read_text().strip() or 0)
    if pid and pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not pid_alive(pid):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        print(f"Superset stopped (pid {pid})")
    elif not quiet:
        print(f"Superset was not running (stale pid {pid})")
    pid_file.unlink(missing_ok=True)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"Superset exited while starting (exit {process.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise SystemExit(f"Superset did not answer {url}/health within {timeout:.0f} s; see {log_path}")


def start(state: Path, export: Path, port: int, timeout: float) -> str:
    if not export.exists():
        raise SystemExit(f"no BI export at {export}: run `make publish` (or `make build`) first")
    state.mkdir(parents=True, exist_ok=True)
    stop(state, quiet=True)
    env = superset_env(state)
    log_path = state / "superset.log"
    user, password = admin_login()
    started = time.monotonic()
    with open(log_path, "w") as log:
        # The metadata database is rebuilt from the repository's files every time: the dashboard is
        # what bi/superset/dashboard/ says, never an edited copy left from last time.
        for name in ("superset.db", "superset.db-journal", "dashboard.zip"):
            (state / name).unlink(missing_ok=True)
        print("Superset: creating the metadata database (superset db upgrade) ...", flush=True)
        run_cli(["db", "upgrade"], env, log)
        run_cli(["fab", "create-admin", "--username", user, "--firstname", "Admin", "--lastname", "User",
                 "--email", f"{user}@localhost", "--password", password], env, log)
        print("Superset: roles and permissions (superset init) ...", flush=True)
        run_cli(["init"], env, log)
        bundle = state / "dashboard.zip"
        build_bundle(export, bundle)
        print(f"Superset: importing the dashboard from {HERE / 'dashboard'} ...", flush=True)
        run_cli(["import-dashboards", "-p", str(bundle), "-u", user], env, log)
    # gunicorn keeps its own copy of the log file's descriptor.
    with open(state / "gunicorn.log", "w") as server_log:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--worker-class", "gthread", "--threads", "8", "--timeout", "120",
             "--limit-request-line", "0", "--limit-request-field_size", "0", "--no-control-socket",
             "superset.app:create_app()"],
            env=env, stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (state / "superset.pid").write_text(f"{process.pid}\n")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, timeout, state / "gunicorn.log")
    except BaseException:
        stop(state, quiet=True)
        raise
    print(f"Superset is ready after {time.monotonic() - started:.0f} s (pid {process.pid}, logs in {state}):")
    print(f"  dashboard: {url}/superset/dashboard/refugee-health-service-use/")
    print(f"  login:     {user} / {'*' * len(password) if 'SUPERSET_ADMIN_PASSWORD' in os.environ else password}")
    print(f"  stop it with: make bi-stop SUPERSET_STATE_DIR={state}")
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--state-dir", type=Path, default=Path("data/superset"),
                        help="metadata database, logs and pid file (default data/superset)")
    parser.add_argument("--export", type=Path, default=Path("data/bi/marts.duckdb"), help="the BI export")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for /health")
    args = parser.parse_args(argv)
    state = args.state_dir.resolve()
    if args.action == "start":
        start(state, args.export.resolve(), args.port, args.timeout)
    else:
        stop(state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
