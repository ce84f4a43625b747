"""The book's repository address: where the pages' repository, edit and launch (Binder) buttons point, if anywhere.

It is taken, in this order, from

1. the environment variable ``GITHUB_REPOSITORY`` (``owner/name``, set by GitHub Actions, as in
   ``.github/workflows/pages.yml``), on the server of ``GITHUB_SERVER_URL`` (``https://github.com`` if not set);
2. ``repository.url`` in ``_config.yml``, unless it is empty or the old placeholder
   ``https://github.com/OWNER/REPOSITORY``.

With neither, no address is known and the pages have no such buttons (:func:`microwork.pipeline.sphinxext.set_repository_buttons`):
no page links to a repository that does not exist. The address is input, never markup: anything but an
``https://`` server and a GitHub ``owner/name`` is refused, in one line naming the variable, or the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .layout import BuildError

CONFIG = "_config.yml"
PLACEHOLDER = "https://github.com/OWNER/REPOSITORY"
DEFAULT_SERVER = "https://github.com"
DEFAULT_BRANCH = "main"
# GitHub's rules: an owner is 1 to 39 letters, digits or single hyphens, not at either end; a repository name is
# 1 to 100 letters, digits, ".", "-" or "_", and not "." or "..".
OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
NAME = r"(?!\.{1,2}(?:/|$))[A-Za-z0-9._-]{1,100}"
OWNER_AND_NAME = re.compile(rf"({OWNER})/({NAME})")
SERVER = re.compile(r"https://[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?")
REPOSITORY_URL = re.compile(rf"({SERVER.pattern})/({OWNER})/({NAME})")
# A branch name git accepts and a URL can carry as it is: no "..", no leading or trailing "/" or ".".
BRANCH = re.compile(r"(?!.*\.\.)(?!.*//)[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}(?<![./])")


class RepositoryError(BuildError):
    """The repository address given is not one (the message names the variable, or the file and line)."""


@dataclass(frozen=True)
class Repository:
    """A repository on a GitHub server, and the branch the book is on."""

    server: str
    owner: str
    name: str
    branch: str = DEFAULT_BRANCH
    origin: str = ""  # where the address was read: "GITHUB_REPOSITORY", "_config.yml:37"

    @property
    def url(self) -> str:
        """The repository's web address, e.g. https://github.com/example-org/microwork-book."""
        return f"{self.server}/{self.owner}/{self.name}"


def shown(value: str) -> str:
    """A value read from outside, as an error message shows it: quoted, cut short, control characters escaped."""
    return repr(value[:80] + ("…" if len(value) > 80 else ""))


def from_environment(environ: Mapping[str, str], branch: str = DEFAULT_BRANCH) -> Repository | None:
    """The repository named by ``GITHUB_REPOSITORY`` (and ``GITHUB_SERVER_URL``), or None when it is not set."""
    path = environ.get("GITHUB_REPOSITORY", "")
    if not path:
        return None
    if not OWNER_AND_NAME.fullmatch(path):
        raise RepositoryError(f"GITHUB_REPOSITORY is {shown(path)}: it must be a GitHub repository's owner/name, "
                              "e.g. example-org/microwork-book")
    server = environ.get("GITHUB_SERVER_URL", "") or DEFAULT_SERVER
    if not SERVER.fullmatch(server):
        raise RepositoryError(f"GITHUB_SERVER_URL is {shown(server)}: it must be a server's address, "
                              "e.g. https://github.com (https, no path)")
    owner, name = path.split("/")
    return Repository(server, owner, name, branch, "GITHUB_REPOSITORY")


def from_config(url: object, branch: str = DEFAULT_BRANCH, where: str = CONFIG) -> Repository | None:
    """The repository of ``repository.url`` (read at ``where``, e.g. ``_config.yml:37``), or None when it is empty
    or the placeholder."""
    text = "" if url is None else str(url).strip()
    if text.rstrip("/") in ("", PLACEHOLDER):
        return None
    found = REPOSITORY_URL.fullmatch(text.rstrip("/").removesuffix(".git"))
    if not isinstance(url, str) or found is None:
        raise RepositoryError(f"{where}: repository.url is {shown(text)}: it must be a repository's address, "
                              "https://github.com/owner/name, or empty")
    return Repository(found.group(1), found.group(2), found.group(3), branch, where)


def checked_branch(branch: object, where: str = CONFIG) -> str:
    """``repository.branch`` of ``_config.yml`` (``main`` if not set), refused unless it is a plain branch name."""
    text = DEFAULT_BRANCH if branch in (None, "") else str(branch)
    if not isinstance(branch, (str, type(None))) or not BRANCH.fullmatch(text):
        raise RepositoryError(f"{where}: repository.branch is {shown(text)}: it must be a branch name, e.g. main")
    return text


def key_line(text: str, section: str, key: str) -> int | None:
    """The line (from 1) of ``key:`` inside the top-level ``section:`` of a YAML text, if it is there."""
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(r"\S", line):
            inside = re.match(rf"{re.escape(section)}\s*:", line) is not None
        elif inside and re.match(rf"\s+{re.escape(key)}\s*:", line):
            return number
    return None


def where_in_config(text: str, key: str, name: str = CONFIG) -> str:
    """``_config.yml:37``: the file and line of ``repository.<key>`` (the file alone if it is not written)."""
    line = key_line(text, "repository", key)
    return f"{name}:{line}" if line else name


def resolve(environ: Mapping[str, str], url: object, branch: object, config_text: str = "") -> Repository | None:
    """The book's repository: ``GITHUB_REPOSITORY`` if set, else ``repository.url`` (``url``, ``branch``, as read
    from ``config_text``, the text of ``_config.yml``, for the lines of the messages); None when neither gives one.

    The configured address is checked even when the variable is set: a wrong ``_config.yml`` fails everywhere."""
    branch_name = checked_branch(branch, where_in_config(config_text, "branch"))
    configured = from_config(url, branch_name, where_in_config(config_text, "url"))
    return from_environment(environ, branch_name) or configured


def book_repository(root: Path, environ: Mapping[str, str]) -> Repository | None:
    """The repository of the book at ``root`` (see :func:`resolve`), reading its ``_config.yml``."""
    text = (root / CONFIG).read_text(encoding="utf-8")
    settings = (yaml.safe_load(text) or {}).get("repository") or {}
    return resolve(environ, settings.get("url"), settings.get("branch"), text)
