"""Copies of a delivery for tests that damage one: every file a link to the clean one (a test replaces the
link by a damaged file), manifest.json written anew (a file of the copy's own, newer than any warehouse)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path


def linked_delivery(clean: Path, raw: Path, *, checksums: bool) -> Path:
    """`raw`: links to the files of `clean`, and its manifest.json, with its sha256 digests only when
    `checksums` (tests that damage files on purpose drop them, or the door's checksum verification would
    refuse every case before the rule it covers)."""
    for path in clean.rglob("*"):
        if path.is_file() and path.name != "manifest.json":
            target = raw / path.relative_to(clean)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    raw.mkdir(parents=True, exist_ok=True)
    if checksums:
        shutil.copyfile(clean / "manifest.json", raw / "manifest.json")
    else:
        manifest = json.loads((clean / "manifest.json").read_text(encoding="utf-8"))
        manifest.pop("sha256", None)
        (raw / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return raw
