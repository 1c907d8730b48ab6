"""Make Great Expectations Data Docs work without a network.

GX's page templates load bootstrap, jquery, bootstrap-table, bootstrap-datepicker, popper, font-awesome and
vega from CDNs; offline (a secure research environment) the pages are unstyled and the index's table of
validation results, which bootstrap-table draws, stays empty. The same libraries, at the versions the CDN
URLs name, are pinned in ``docs_assets/package.json`` (and its lock file) and installed by ``make
docs-assets`` (``npm ci --ignore-scripts``) into ``docs_assets/node_modules``, which is not committed.

``make_offline`` copies each file a page needs into ``<site>/static/vendor/<package>@<version>/<path>``,
with every file a copied stylesheet names in ``url(...)`` (font-awesome's webfonts), and rewrites every
generated HTML file to load them by relative paths. A ``<script>`` whose CDN tag carries an ``integrity``
hash is checked against the local file (then the attribute and ``crossorigin`` are dropped: browsers do not
apply them to ``file://`` pages). A script, stylesheet or font that is still remote after the rewrite, or a
local asset that does not exist, is an error that names the page and the URL: a GX upgrade that adds a CDN
file must be added to ``CDN_FILES`` and ``package.json``, not silently left remote.

The navbar logo (an <img> from GX's S3 bucket) is pointed at the copy GX ships in static/images. The only
remote reference left is an image: the white logo that GX's inline dark-mode style sets as the navbar's
background (no local copy exists); offline, a browser in dark mode shows no logo there.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from python_checks.reference import PROJECT_DIR

ASSETS_DIR = PROJECT_DIR / "python_checks" / "docs_assets" / "node_modules"
PACKAGE_JSON = PROJECT_DIR / "python_checks" / "docs_assets" / "package.json"
VENDOR_DIR = Path("static") / "vendor"
INSTALL_HINT = "run `make docs-assets` (npm ci --ignore-scripts in python_checks/docs_assets)"

# Every CDN file GX 1.x's Data Docs templates load -> (folder in node_modules, file in that package).
# vega@5, vega-lite@5 and vega-embed@6 name only a major version; the CDN serves the package's `jsdelivr`
# file of the newest release, which package.json pins.
CDN_FILES: dict[str, tuple[str, str]] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        ("bootstrap", "dist/css/bootstrap.min.css"),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        ("bootstrap", "dist/js/bootstrap.min.js"),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        ("bootstrap-table", "dist/bootstrap-table.min.css"),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        ("bootstrap-table", "dist/bootstrap-table.min.js"),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        ("bootstrap-table", "dist/extensions/filter-control/bootstrap-table-filter-control.min.js"),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        ("bootstrap-table-1.19.0", "dist/extensions/filter-control/bootstrap-table-filter-control.min.css"),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        ("bootstrap-table-1.19.0", "dist/extensions/filter-control/bootstrap-table-filter-control.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        ("bootstrap-datepicker", "dist/css/bootstrap-datepicker.min.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        ("bootstrap-datepicker", "dist/js/bootstrap-datepicker.min.js"),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        ("@forevolve/bootstrap-dark", "dist/css/bootstrap-prefers-dark.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        ("@fortawesome/fontawesome-free", "css/all.min.css"),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery", "dist/jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        ("popper.js", "dist/umd/popper.min.js"),
    "https://cdn.jsdelivr.net/npm/vega@5": ("vega", "build/vega.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-lite@5": ("vega-lite", "build/vega-lite.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-embed@6": ("vega-embed", "build/vega-embed.min.js"),
}
# The GX logo in each page's navbar comes from GX's S3 bucket (with a cache-busting query); GX ships the
# same image in the site's static/images.
REMOTE_IMAGES: dict[str, str] = {
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png": "static/images/logo-long.png",
}

_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)""")
_QUICK_REMOTE = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


class OfflineDocsError(RuntimeError):
    """Data Docs that would still need the network, or whose local assets are missing."""


@dataclass(frozen=True)
class AssetRef:
    """One asset a page loads: a <script src>, a <link href> or an <img src>."""

    tag: str
    attribute: str
    url: str
    rel: str
    start: int
    text: str

    @property
    def kind(self) -> str:
        if self.tag == "script":
            return "script"
        if self.tag == "img":
            return "image"
        if "stylesheet" in self.rel.split():
            return "stylesheet"
        if "icon" in self.rel.split():
            return "icon"
        if "preload" in self.rel.split() or "font" in self.rel:
            return "font"
        return "link"

    @property
    def needs_network_free(self) -> bool:
        """Scripts, stylesheets, fonts and icons must be local; a plain <link> (e.g. canonical) need not."""
        return self.kind in ("script", "stylesheet", "font", "icon", "image")


class _AssetFinder(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0]
        for match in re.finditer("\n", html):
            self._line_starts.append(match.end())
        self.refs: list[AssetRef] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "style":
            self._in_style = True
        attribute = {"script": "src", "link": "href", "img": "src"}.get(tag)
        if attribute and values.get(attribute):
            line, column = self.getpos()
            text = self.get_starttag_text() or ""
            self.refs.append(AssetRef(tag, attribute, values[attribute], values.get("rel", "").lower(),
                                      self._line_starts[line - 1] + column, text))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def asset_refs(html: str) -> list[AssetRef]:
    """The scripts, links and images a page loads, in order."""
    return _AssetFinder(html).refs


def inline_style_urls(html: str) -> list[tuple[str, str]]:
    """(url, context) of every url(...) in the page's <style> blocks; context 'font' inside @font-face."""
    found: list[tuple[str, str]] = []
    for style in _AssetFinder(html).styles:
        font_faces = [m.span() for m in re.finditer(r"@font-face\s*{[^}]*}", style)]
        for match in _CSS_URL.finditer(style):
            inside_font_face = any(start <= match.start() < end for start, end in font_faces)
            found.append((_css_url(match), "font" if inside_font_face else "image"))
    return found


def _css_url(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group is not None)


def css_urls(css: str) -> list[str]:
    """Every url(...) in a stylesheet."""
    return [_css_url(match) for match in _CSS_URL.finditer(css)]


def is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def local_target(page: Path, url: str) -> Path | None:
    """The file a relative URL in `page` names (None for data:, fragments and remote URLs)."""
    if is_remote(url) or url.startswith(("data:", "#", "mailto:", "javascript:")):
        return None
    path = urlsplit(url).path
    return (page.parent / path).resolve() if path else None


def _relative(site: Path, page: Path, site_path: str | Path) -> str:
    return Path(os.path.relpath(site / site_path, page.parent)).as_posix()


def _pinned_versions() -> dict[str, str]:
    dependencies = json.loads(PACKAGE_JSON.read_text())["dependencies"]
    return {name: spec.rsplit("@", 1)[-1] for name, spec in dependencies.items()}


@dataclass(frozen=True)
class VendorFile:
    source: Path
    site_path: Path  # relative to the site's root


def vendor_files(assets_dir: Path = ASSETS_DIR) -> dict[str, VendorFile]:
    """CDN URL -> the installed file and where it goes in the site. Fails if a package is missing or stale."""
    if not assets_dir.is_dir():
        raise OfflineDocsError(f"Data Docs assets not installed: {assets_dir} does not exist; {INSTALL_HINT}")
    pinned = _pinned_versions()
    files: dict[str, VendorFile] = {}
    problems: list[str] = []
    for url, (folder, inner) in CDN_FILES.items():
        package_json = assets_dir / folder / "package.json"
        if not package_json.is_file():
            problems.append(f"package {folder} is not installed in {assets_dir}")
            continue
        meta = json.loads(package_json.read_text())
        if folder in pinned and meta["version"] != pinned[folder]:
            problems.append(f"{folder} {meta['version']} is installed, package.json pins {pinned[folder]}")
            continue
        source = assets_dir / folder / inner
        if not source.is_file():
            problems.append(f"{source} (for {url}) does not exist")
            continue
        files[url] = VendorFile(source, VENDOR_DIR / f"{meta['name']}@{meta['version']}" / inner)
    if problems:
        raise OfflineDocsError("Data Docs assets incomplete: " + "; ".join(problems) + f"; {INSTALL_HINT}")
    return files


def _copy(source: Path, target: Path) -> bool:
    if target.is_file() and target.stat().st_size == source.stat().st_size \
            and target.read_bytes() == source.read_bytes():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


def copy_vendor_files(site: Path, files: dict[str, VendorFile]) -> int:
    """Copy each vendored file and the files its stylesheet names into the site (unless already there,
    identical); returns how many were copied."""
    copied = 0
    for vendor in files.values():
        pending = [(vendor.source, site / vendor.site_path)]
        while pending:
            source, target = pending.pop()
            copied += _copy(source, target)
            if source.suffix != ".css":
                continue
            for url in css_urls(source.read_text(encoding="utf-8", errors="replace")):
                if is_remote(url):
                    raise OfflineDocsError(f"{source} loads {url} from the network")
                referenced = local_target(source, url)
                if referenced is None:
                    continue
                if not referenced.is_file():
                    raise OfflineDocsError(f"{source} names {url}, which its package does not contain")
                pending.append((referenced, (target.parent / urlsplit(url).path).resolve()))
    return copied


def _sri_matches(integrity: str, source: Path) -> bool:
    content = source.read_bytes()
    for token in integrity.split():
        algorithm, _, expected = token.partition("-")
        if algorithm in ("sha256", "sha384", "sha512"):
            digest = base64.b64encode(hashlib.new(algorithm, content).digest()).decode()
            if digest == expected:
                return True
    return False


def _attribute(name: str) -> re.Pattern[str]:
    """An attribute of a start tag, with the whitespace before it."""
    return re.compile(rf"""\s+{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _attribute_value(tag_text: str, name: str) -> str | None:
    match = _attribute(name).search(tag_text)
    if not match:
        return None
    return next(group for group in match.groups() if group is not None)


def rewrite_page(site: Path, page: Path, files: dict[str, VendorFile]) -> list[str]:
    """Rewrite one page's remote and mislocated assets to local files; returns the problems left."""
    html = page.read_text(encoding="utf-8")
    problems: list[str] = []
    edits: list[tuple[int, str, str]] = []
    for ref in asset_refs(html):
        new_url: str | None = None
        drop_integrity = False
        if is_remote(ref.url):
            base = ref.url.split("?", 1)[0].split("#", 1)[0]
            if ref.url in files:
                vendor = files[ref.url]
                integrity = _attribute_value(ref.text, "integrity")
                if integrity and not _sri_matches(integrity, vendor.source):
                    problems.append(f"{page}: {vendor.source} does not match the integrity hash {integrity} "
                                    f"of {ref.url}")
                    continue
                new_url = _relative(site, page, vendor.site_path)
                drop_integrity = True
            elif base in REMOTE_IMAGES and (site / REMOTE_IMAGES[base]).is_file():
                new_url = _relative(site, page, REMOTE_IMAGES[base])
            elif ref.needs_network_free and ref.kind != "image":
                problems.append(f"{page}: {ref.kind} {ref.url} is loaded from the network and is not in "
                                "python_checks/docs_offline.py CDN_FILES (add it there and to "
                                "python_checks/docs_assets/package.json)")
                continue
        else:
            target = local_target(page, ref.url)
            if target is not None and not target.exists() and ref.needs_network_free:
                # GX links the favicon of pages four folders deep three folders up; find it from the root.
                inner = urlsplit(ref.url).path
                position = inner.find("static/")
                if position >= 0 and (site / inner[position:]).is_file():
                    new_url = _relative(site, page, inner[position:])
                else:
                    problems.append(f"{page}: {ref.kind} {ref.url} does not exist ({target})")
                    continue
        if new_url is None:
            continue
        if ref.url not in ref.text:
            problems.append(f"{page}: cannot rewrite {ref.url}: the tag spells it differently ({ref.text})")
            continue
        text = ref.text.replace(ref.url, new_url, 1)
        if drop_integrity:
            for name in ("integrity", "crossorigin"):
                text = _attribute(name).sub("", text)
        edits.append((ref.start, ref.text, text))
    for url, context in inline_style_urls(html):
        if context == "font" and is_remote(url):
            problems.append(f"{page}: font {url} in an inline style is loaded from the network")
    if edits:
        pieces: list[str] = []
        position = 0
        for start, old, new in sorted(edits):
            if html[start:start + len(old)] != old:
                raise OfflineDocsError(f"{page}: could not locate the tag {old!r} at offset {start}")
            pieces.extend((html[position:start], new))
            position = start + len(old)
        pieces.append(html[position:])
        page.write_text("".join(pieces), encoding="utf-8")
    return problems


@dataclass(frozen=True)
class OfflineReport:
    pages_rewritten: int
    pages_checked: int
    files_copied: int  # vendored files (and the fonts their stylesheets name) copied this time


def make_offline(site: Path, assets_dir: Path = ASSETS_DIR, since: float | None = None) -> OfflineReport:
    """Vendor the CDN files into `site` and rewrite its pages. Pages modified before `since` (an epoch time)
    that already load nothing remote are skipped: they were rewritten by the run that wrote them."""
    files = vendor_files(assets_dir)
    copied = copy_vendor_files(site, files)
    problems: list[str] = []
    checked = rewritten = 0
    for page in sorted(site.rglob("*.html")):
        if since is not None and page.stat().st_mtime < since \
                and not _QUICK_REMOTE.search(page.read_text(encoding="utf-8")):
            continue
        checked += 1
        before = page.stat().st_mtime_ns
        problems.extend(rewrite_page(site, page, files))
        rewritten += page.stat().st_mtime_ns != before
    if problems:
        raise OfflineDocsError(f"Data Docs in {site} would not work offline:\n  " + "\n  ".join(problems))
    return OfflineReport(rewritten, checked, copied)
