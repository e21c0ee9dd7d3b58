"""The registry of bodies: which bodies we harvest, where their report column is, and what is
known about them (names, level, region and division code, parent body, platform parameters).

Bodies are data: ``bodies.toml`` in this package, extended (or overridden key by key) by the
files named in the ``HARVESTER_REGISTRY`` environment variable (``os.pathsep``-separated) or
passed to :func:`reload`. Platforms are code (``harvester.platforms``). ``harvester.sites``
re-exports this module's ``SITES``/``get_site``/``Site`` for the code that predates it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = ["Body", "Site", "SITES", "BODIES", "LEVELS", "PLATFORMS", "RegistryError", "UnknownSiteError",
           "get_site", "get_body", "reload", "rebase_url", "children", "descendants",
           "user_registry_files", "body_toml", "REGISTRY_ENV"]

#: Environment variable naming the user's registry file(s), ``os.pathsep``-separated.
REGISTRY_ENV = "HARVESTER_REGISTRY"
LEVELS = ("province", "city", "county", "township", "department")
#: Platforms harvester.platforms knows; "" means: detect it from the column page.
PLATFORMS = ("gkmlpt", "hanweb", "trs", "anhui", "static", "")
#: Older names of platforms, still accepted in registry files.
PLATFORM_ALIASES = {"sichuan_static": "static"}
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
CODE_RE = re.compile(r"^\d{6}(\d{3})?$")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the file and the body."""


class UnknownSiteError(ValueError):
    """Raised for a body key that is not in the registry; the message lists the known keys."""


@dataclass(frozen=True)
class Body:
    """One body of the registry (``Site`` is the same class under its older name)."""

    key: str
    #: The body's canonical name (the agency reporting).
    agency: str
    region: str
    #: CMS pattern: gkmlpt, hanweb, trs, anhui, static; "" = detected from the column page.
    platform: str
    #: The real site's report column (entry) URL; a replica keeps its path.
    entry_url: str
    #: Title words that pick this body's items out of a column shared with other bodies.
    agency_keywords: tuple[str, ...] = ()
    #: CSS selectors of the report container, most specific first (a hint applied after parsing
    #: and tried by cleaning before its generic list).
    content_selectors: tuple[str, ...] = ()
    #: Extra text patterns (regular expressions) of site chrome to drop from the body.
    chrome_patterns: tuple[str, ...] = ()
    #: Platform parameters (column_name, column_levels, render, due ...).
    extra: dict = field(default_factory=dict)
    former_names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    level: str = ""
    region_code: str = ""
    #: Key of the body this one belongs to (a city for its districts and departments).
    parent: str = ""
    #: The file the row came from (the package file or a user file).
    source: str = ""

    @property
    def name(self) -> str:
        return self.agency

    @property
    def column_url(self) -> str:
        return self.entry_url

    @property
    def params(self) -> dict:
        return self.extra

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the body's reports may carry: canonical first, then former names, aliases."""
        return (self.agency, *self.former_names, *self.aliases)

    @property
    def needs_rendering(self) -> bool:
        return bool(self.extra.get("render") or self.extra.get("needs_rendering"))

    def url_for(self, base_url: str | None) -> str:
        """The entry URL with its scheme and host replaced by ``base_url`` (path kept)."""
        return rebase_url(self.entry_url, base_url)



Site = Body


def rebase_url(url: str, base_url: str | None) -> str:
    """Put ``url``'s path (and query) on the scheme and host of ``base_url``.

    ``base_url`` may carry a path prefix (``http://127.0.0.1:8601/mirror``); it is prepended.
    """
    if not base_url:
        return url
    target = urlsplit(url)
    base = urlsplit(base_url if "//" in base_url else f"http://{base_url}")
    if not base.scheme or not base.netloc:
        raise ValueError(f"base_url must look like http://host[:port], got {base_url!r}")
    path = base.path.rstrip("/") + target.path
    return urlunsplit((base.scheme, base.netloc, path, target.query, ""))


# ----------------------------------------------------------------------------------- loading

def _tuple(row: dict, name: str, where: str) -> tuple[str, ...]:
    value = row.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"{where}: {name} must be a list of strings")
    return tuple(value)


def body_from_row(row: dict, source: str) -> Body:
    """A :class:`Body` from one ``[[body]]`` table; RegistryError names what is wrong."""
    key = row.get("key")
    where = f"{source}: body {key!r}" if key else f"{source}: a [[body]] without key"
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise RegistryError(f"{where}: key must be lower-case letters, digits, '_' or '-'")
    for required in ("name", "column_url"):
        if not isinstance(row.get(required), str) or not row[required].strip():
            raise RegistryError(f"{where}: {required} is required")
    url = urlsplit(row["column_url"])
    if url.scheme not in ("http", "https") or not url.netloc:
        raise RegistryError(f"{where}: column_url must be an http(s) URL, got {row['column_url']!r}")
    level = row.get("level", "")
    if level and level not in LEVELS:
        raise RegistryError(f"{where}: level must be one of {', '.join(LEVELS)}, got {level!r}")
    platform = PLATFORM_ALIASES.get(row.get("platform", ""), row.get("platform", ""))
    if platform not in PLATFORMS:
        raise RegistryError(f"{where}: platform must be one of {', '.join(p for p in PLATFORMS if p)} "
                            f"or empty (detect), got {platform!r}")
    code = str(row.get("region_code", ""))
    if code and not CODE_RE.match(code):
        raise RegistryError(f"{where}: region_code must be a 6-digit division code, got {code!r}")
    params = row.get("params", {})
    hints_ = row.get("hints", {})
    if not isinstance(params, dict) or not isinstance(hints_, dict):
        raise RegistryError(f"{where}: params and hints must be tables")
    known = {"key", "name", "former_names", "aliases", "level", "region", "region_code", "parent", "platform",
             "column_url", "params", "hints"}
    unknown = sorted(set(row) - known)
    if unknown:
        raise RegistryError(f"{where}: unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    extra = dict(params)
    if extra.get("render"):
        extra["needs_rendering"] = True  # the name code before the registry read
    for name in ("title_keywords", "column_levels"):
        if name in extra:
            extra[name] = _tuple(extra, name, where)
    return Body(
        key=key,
        agency=row["name"].strip(),
        region=row.get("region", ""),
        platform=platform,
        entry_url=row["column_url"],
        agency_keywords=extra.get("title_keywords", ()),
        content_selectors=_tuple(hints_, "content_selectors", where),
        chrome_patterns=_tuple(hints_, "chrome_patterns", where),
        extra=extra,
        former_names=_tuple(row, "former_names", where),
        aliases=_tuple(row, "aliases", where),
        level=level,
        region_code=code,
        parent=row.get("parent", ""),
        source=source,
    )


def read_file(text: str, source: str) -> list[Body]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{source}: not valid TOML: {exc}") from None
    rows = data.get("body", [])
    if not isinstance(rows, list):
        raise RegistryError(f"{source}: bodies are [[body]] tables")
    bodies = [body_from_row(row, source) for row in rows]
    seen: set[str] = set()
    for body in bodies:
        if body.key in seen:
            raise RegistryError(f"{source}: body {body.key!r} is listed twice")
        seen.add(body.key)
    return bodies


def user_registry_files() -> list[Path]:
    value = os.environ.get(REGISTRY_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def load(files: Iterable[Path | str] = ()) -> dict[str, Body]:
    """The package registry, then each user file in order (a row with a known key replaces it)."""
    package = resources.files(__name__).joinpath("bodies.toml")
    bodies = {b.key: b for b in read_file(package.read_text("utf-8"), "harvester/registry/bodies.toml")}
    for path in files:
        path = Path(path)
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            raise RegistryError(f"registry file {path} does not exist (named by {REGISTRY_ENV} or --registry)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise RegistryError(f"registry file {path} cannot be read: {exc}") from None
        for body in read_file(text, str(path)):
            bodies[body.key] = body
    for body in bodies.values():
        if body.parent and body.parent not in bodies:
            raise RegistryError(f"{body.source}: body {body.key!r}: parent {body.parent!r} is not in the registry")
    return bodies


#: Every body by key (package registry + user files). Mutated in place by :func:`reload`.
SITES: dict[str, Body] = {}
BODIES = SITES


def reload(files: Iterable[Path | str] | None = None) -> dict[str, Body]:
    """(Re)load the registry: the package file plus ``files`` (default: $HARVESTER_REGISTRY)."""
    loaded = load(user_registry_files() if files is None else files)
    SITES.clear()
    SITES.update(loaded)
    return SITES


def get_site(key: str) -> Body:
    try:
        return SITES[key]
    except KeyError:
        known = ", ".join(sorted(SITES))
        raise UnknownSiteError(f"unknown body {key!r}; known: {known} (see `harvester sites`)") from None


get_body = get_site



def children(key: str) -> list[Body]:
    return [b for b in SITES.values() if b.parent == key]


def descendants(key: str) -> list[Body]:
    """Every body below ``key`` (districts, their departments ...), depth first."""
    result = []
    for child in children(key):
        result.append(child)
        result.extend(descendants(child.key))
    return result


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def body_toml(*, key: str, name: str, column_url: str, level: str = "", region: str = "", region_code: str = "",
              parent: str = "", platform: str = "", former_names: Iterable[str] = (), aliases: Iterable[str] = (),
              params: dict | None = None, content_selectors: Iterable[str] = ()) -> str:
    """One ``[[body]]`` table (what ``harvester add-body`` prints), validated by parsing it back."""
    lines = ["[[body]]", f"key = {_toml_str(key)}", f"name = {_toml_str(name)}"]
    for label, values in (("former_names", former_names), ("aliases", aliases)):
        values = list(values)
        if values:
            lines.append(f"{label} = [{', '.join(_toml_str(v) for v in values)}]")
    for label, value in (("level", level), ("region", region), ("region_code", region_code), ("parent", parent)):
        if value:
            lines.append(f"{label} = {_toml_str(value)}")
    lines.append(f"platform = {_toml_str(platform)}")
    lines.append(f"column_url = {_toml_str(column_url)}")
    if params:
        pairs = []
        for k, v in params.items():
            if isinstance(v, bool):
                pairs.append(f"{k} = {'true' if v else 'false'}")
            elif isinstance(v, (list, tuple)):
                pairs.append(f"{k} = [{', '.join(_toml_str(x) for x in v)}]")
            else:
                pairs.append(f"{k} = {_toml_str(str(v))}")
        lines.append("params = { " + ", ".join(pairs) + " }")
    selectors = list(content_selectors)
    if selectors:
        lines.append("hints = { content_selectors = [" + ", ".join(_toml_str(s) for s in selectors) + "] }")
    text = "\n".join(lines) + "\n"
    read_file(text, "add-body")  # the row must load as it is printed
    return text


#: Why the user's registry file could not be loaded at import (the package registry is used
#: instead); the CLI and the spider loader report it as one line.
LOAD_ERROR: str | None = None
try:
    reload()
except RegistryError as _exc:
    LOAD_ERROR = str(_exc)
    reload([])
