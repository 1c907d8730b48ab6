"""Checksums at the door: where a delivery lists SHA-256 digests, every listed file must match its digest.

DuckDB does not verify Parquet page checksums, so a file with flipped bytes in a data page is read without a
word, as other numbers or as an error deep inside the build. Two sources of digests are verified:

- checksum files as registries deliver them, in `sha256sum` format: `SHA256SUMS` or any `*.sha256` file in
  the extracts folder or in a register folder (`ssb/`, `kpr/`, `npr/`), one line per file,
  `<64 hex digits>  <path>` (two spaces, or space and `*`; BSD `SHA256 (<path>) = <hex>` lines too), the
  path relative to the checksum file's own folder, exactly what `sha256sum -c` reads there;
- `manifest.json`'s `sha256` object (the synthetic generator writes one), keyed like its `rows`:
  `{"kpr/kuhr_regninger": "<hex>", ...}`.

A source covers what it stands for: a checksum file in the extracts folder, and manifest.json, the whole
delivery; one in a register folder, that register (registries deliver their own folder, and not every one
sends checksums). A contract file that a covering source does not list is an error: the build would read it
unverified, and most often it belongs to another delivery. A register no source covers, where others are
covered, is a warning; without any source nothing is verified, and the door's last line says so.

Files are hashed in chunks (hashlib.file_digest), several at once in threads: hashlib releases the GIL.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extract_contract.check import Report

CHECKSUM_FILE = "SHA256SUMS"
CHECKSUM_SUFFIX = ".sha256"
SHORT = 12  # hex digits of a digest shown in a message
_GNU_LINE = re.compile(r"(?P<hex>[0-9a-fA-F]+) [ *](?P<path>.+)")
_BSD_LINE = re.compile(r"SHA256 \((?P<path>.+)\) = (?P<hex>[0-9a-fA-F]+)")
_OTHER_DIGESTS = {32: "an MD5", 40: "a SHA-1", 56: "a SHA-224", 96: "a SHA-384", 128: "a SHA-512"}


def is_checksum_file(path: Path) -> bool:
    return path.is_file() and (path.name == CHECKSUM_FILE or path.name.endswith(CHECKSUM_SUFFIX))


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def sha256_files(paths: list[Path], threads: int | None = None) -> dict[Path, str | OSError]:
    """The hex SHA-256 of every file (or the OSError reading it), hashed in parallel threads."""
    workers = max(1, min(len(paths), threads or os.cpu_count() or 1))

    def one(path: Path) -> str | OSError:
        try:
            return sha256_file(path)
        except OSError as error:
            return error

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(paths, pool.map(one, paths), strict=True))


@dataclass(frozen=True)
class Listed:
    """One expected digest: the delivery-relative file, the digest, and where it was listed."""

    file: str
    digest: str
    source: str  # "SHA256SUMS", "kpr/SHA256SUMS", "manifest.json"


def checksum_files(raw_dir: Path, registers: list[str]) -> list[Path]:
    folders = [raw_dir, *(raw_dir / register for register in registers)]
    return [path for folder in folders if folder.is_dir() for path in sorted(folder.iterdir())
            if is_checksum_file(path)]


def _unescape(name: str) -> str:
    """sha256sum's escaping of a name holding a backslash or a newline (the line then starts with `\\`)."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "\\": "\\"}.get(m.group(1), m.group(0)), name)


def read_checksum_file(path: Path, raw_dir: Path, report: Report) -> list[Listed]:
    """The lines of one checksum file; a line that is not in sha256sum format is an error naming it."""
    label = path.relative_to(raw_dir).as_posix()
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        report.error(label, None, f"refused: not a text file in sha256sum format ({error})")
        return []
    except OSError as error:
        report.error(label, None, f"refused: not readable ({error})")
        return []
    folder = PurePosixPath(path.parent.relative_to(raw_dir).as_posix())
    listed: list[Listed] = []
    problems_before = len(report.problems)
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        escaped = line.startswith("\\")
        body = line[1:] if escaped else line
        match = _GNU_LINE.fullmatch(body) or _BSD_LINE.fullmatch(body)
        if match is None:
            report.error(label, None, f"refused: line {number} is not a sha256sum line "
                                      f"('<64 hex digits>  <file>'): {line[:80]!r}")
            continue
        digest, name = match.group("hex").lower(), match.group("path")
        if escaped:
            name = _unescape(name)
        if len(digest) != 64:
            kind = _OTHER_DIGESTS.get(len(digest), f"a {len(digest)}-digit")
            report.error(label, None, f"refused: line {number} holds {kind} digest, not SHA-256 (64 hex digits): "
                                      f"{line[:80]!r}")
            continue
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            report.error(label, None, f"refused: line {number} names {name!r}, outside the folder of the checksum "
                                      "file (paths are relative to it, as sha256sum -c reads them)")
            continue
        listed.append(Listed((folder / relative).as_posix(), digest, label))
    if not listed and len(report.problems) == problems_before:
        report.error(label, None, "refused: lists no files")
    return listed


def _manifest(raw_dir: Path) -> dict[str, Any]:
    """manifest.json as an object, or {} (a manifest that does not parse is the manifest check's to report)."""
    try:
        manifest = json.loads((raw_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def manifest_has_digests(raw_dir: Path) -> bool:
    return "sha256" in _manifest(raw_dir)


def read_manifest_digests(raw_dir: Path, report: Report) -> list[Listed]:
    """manifest.json's `sha256` object: file (as in `rows`) -> hex digest."""
    digests = _manifest(raw_dir).get("sha256")
    if not isinstance(digests, dict):
        report.error("manifest.json", None, "refused: `sha256` is not an object of file -> hex digest")
        return []
    listed = []
    for name, digest in sorted(digests.items()):
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
            report.error("manifest.json", None, f"refused: `sha256` of {name} is not 64 hex digits: {digest!r}")
            continue
        listed.append(Listed(f"{name}.parquet", digest.lower(), "manifest.json"))
    return listed


def verify_checksums(raw_dir: Path, contract_files: list[str], report: Report) -> set[str]:
    """Verify every digest the delivery lists; returns the files whose content is not what was listed.

    `contract_files` are the delivery-relative Parquet files of the contract (`kpr/kuhr_regninger.parquet`).
    Fills report.checksum_sources (every checksum file found, and manifest.json if it has `sha256`) and
    report.verified (the files whose every listed digest matched).
    """
    registers = sorted({name.split("/")[0] for name in contract_files})
    listed: list[Listed] = []
    for path in checksum_files(raw_dir, registers):
        report.checksum_sources.append(path.relative_to(raw_dir).as_posix())
        listed += read_checksum_file(path, raw_dir, report)
    if manifest_has_digests(raw_dir):
        report.checksum_sources.append("manifest.json")
        listed += read_manifest_digests(raw_dir, report)
    sources = sorted({entry.source for entry in listed})  # a checksum file refused as a whole covers nothing
    by_file: dict[str, list[Listed]] = {}
    for entry in listed:
        by_file.setdefault(entry.file, []).append(entry)
    present = {file: raw_dir / file for file in by_file if (raw_dir / file).is_file()}
    for file in sorted(set(by_file) - set(present)):
        if file not in contract_files:  # a missing contract file is reported by the file check
            listing = ", ".join(sorted({entry.source for entry in by_file[file]}))
            report.error(file, None, f"missing: listed in {listing} but not in the delivery; re-request the file")
    # What a source covers: a checksum file in RAW_DIR and manifest.json the whole delivery, one in a register
    # folder that register (registries deliver their own folder; not every one sends checksums).
    scopes: dict[str, list[str]] = {}  # "" (the delivery) or a register -> its sources
    for source in sources:
        scopes.setdefault(source.split("/")[0] if "/" in source else "", []).append(source)
    unverified: dict[str, int] = {}  # register without any checksum -> its files present
    for file in contract_files if sources else []:
        if file in by_file or not (raw_dir / file).exists():
            continue
        register = file.split("/")[0]
        covering = scopes.get("", []) + scopes.get(register, [])
        if covering:
            report.error(file, None, f"not listed in {_either(covering)}: the delivery's checksums do not cover "
                                     "this file, so damage in transfer cannot be ruled out; re-request the file "
                                     "with its checksum")
        else:
            unverified[register] = unverified.get(register, 0) + 1
    for register, count in sorted(unverified.items()):
        report.warning(f"{register}/", None, f"no checksum file ({CHECKSUM_FILE} or *{CHECKSUM_SUFFIX}) for this "
                                             f"register, where the delivery has {', '.join(sources)}: its {count} "
                                             "files are not verified")
    damaged: set[str] = set()
    started = time.perf_counter()
    digests = sha256_files(list(present.values()))
    report.checksum_seconds = time.perf_counter() - started
    for path, found in digests.items():
        file = path.relative_to(raw_dir).as_posix()
        if isinstance(found, OSError):
            report.error(file, None, f"not readable to verify its checksum: {found}")
            damaged.add(file)
            continue
        expected: dict[str, list[str]] = {}  # listed digest -> its sources
        for entry in by_file[file]:
            expected.setdefault(entry.digest, []).append(entry.source)
        for digest, listed_by in sorted(expected.items()):
            if digest != found:
                report.error(file, None, f"checksum mismatch: expected sha256 {digest[:SHORT]}... (listed in "
                                         f"{' and '.join(sorted(set(listed_by)))}), found {found[:SHORT]}...: the file "
                                         "was damaged in transfer or changed after it was checksummed; re-request "
                                         "the file")
                damaged.add(file)
        if file not in damaged:
            report.verified.append(file)
    return damaged


def _either(sources: list[str]) -> str:
    return sources[0] if len(sources) == 1 else "any of " + ", ".join(sources)
