"""The URL of each saved page given to ``newscrawl extract``, where the HTML may not say it.

Extraction and site templates need a page's URL: templates are learned per host, and a
page without one belongs to no site. In order of trust:

1. a URL list (``--urls FILE``): JSON lines ``{"path": ..., "url": ...}`` or a CSV file
   with ``path`` and ``url`` columns; relative paths are read from the current folder,
   else from the list's own folder;
2. a wget-style mirror: a page at ``HOST/path/.../index.html`` or ``HOST/path.html``
   under a folder given on the command line was fetched from ``https://HOST/path/...``
   (wget names the first folder after the host; ``HOST:PORT`` too);
3. the page's own canonical link or ``og:url`` (read by the extraction's caller).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

#: A host name as wget writes it: dotted labels ending in a letter label (a TLD), an
#: IPv4 address or ``localhost``, with an optional port (``HOST:PORT``, or ``HOST+PORT``
#: as wget writes it with ``--restrict-file-names=windows``).
_HOST = re.compile(
    r"(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]"
    r"|(?:\d{1,3}\.){3}\d{1,3}|localhost)(?:[:+]\d{1,5})?",
    re.IGNORECASE,
)
_INDEX = ("index.html", "index.htm")


class UrlListError(ValueError):
    """A URL list that cannot be read (the message names the file and line)."""


def _web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def read_url_list(path: Path) -> dict[Path, str]:
    """Page path (resolved) to URL, from a JSON-lines or CSV URL list."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UrlListError(f"cannot read {path}: {exc}") from exc
    first = next((line for line in text.splitlines() if line.strip()), "")
    json_lines = first.lstrip().startswith("{")
    rows = _json_rows(path, text) if json_lines else _csv_rows(path, text)
    urls: dict[Path, str] = {}
    for line, page, url in rows:
        if not _web_url(url):
            raise UrlListError(f"{path}:{line}: not an http(s) URL: {url!r}")
        given = Path(page).expanduser()
        found = given if given.is_absolute() or given.exists() else path.parent / given
        urls[found.resolve()] = url
    return urls


def _json_rows(path: Path, text: str) -> list[tuple[int, str, str]]:
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UrlListError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if (
            not isinstance(row, dict)
            or not isinstance(row.get("path"), str)
            or not isinstance(row.get("url"), str)
        ):
            raise UrlListError(f'{path}:{number}: needs "path" and "url" strings')
        rows.append((number, row["path"], row["url"]))
    return rows


def _csv_rows(path: Path, text: str) -> list[tuple[int, str, str]]:
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or not {"path", "url"} <= {f.strip() for f in reader.fieldnames}:
        raise UrlListError(f"{path}: a CSV URL list needs a header with path and url columns")
    rows = []
    for row in reader:
        values = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if values.get("path") and values.get("url"):
            rows.append((reader.line_num, values["path"], values["url"]))
        elif any(values.values()):
            raise UrlListError(f"{path}:{reader.line_num}: needs a path and a url")
    return rows


def mirror_url(page: Path, folder: Path) -> str | None:
    """The URL a wget mirror's file was fetched from: ``folder/HOST/a/b.html`` is
    ``https://HOST/a/b.html``, ``folder/HOST/a/index.html`` is ``https://HOST/a/``;
    None when the first folder under ``folder`` is not named like a host."""
    try:
        parts = page.relative_to(folder).parts
    except ValueError:
        return None
    if len(parts) < 2 or not _HOST.fullmatch(parts[0]):
        return None
    host = parts[0].replace("+", ":").lower()
    rest = list(parts[1:])
    name = rest[-1]
    if name.lower().endswith(".gz"):
        rest[-1] = name = name[:-3]
    if name.lower() in _INDEX:
        rest[-1] = ""
    return f"https://{host}/" + quote("/".join(rest), safe="/%:@!$&'()*+,;=~-._?")
