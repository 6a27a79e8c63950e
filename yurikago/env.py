"""Reading the environment strictly: one `.env` reader and the typed helpers settings use.

Why a small reader of our own rather than python-dotenv or environs: the same `.env` (and the
committed `.env.example`) must mean the same thing to three readers: these settings, a shell
(`set -a; . ./.env`) and systemd's `EnvironmentFile=`. They disagree on inline comments, quotes,
escapes and spaces (python-dotenv drops `# …` after a value; systemd keeps it as part of the
value; a shell runs the word after a space as a command). So the reader accepts only the common
subset and refuses the rest with the line number, instead of guessing:

- blank lines and lines starting with `#`;
- `NAME=value`, NAME in capitals, digits and `_`, no spaces around `=`;
- the value bare (letters, digits and `_ @ % + = : , . / -`) or in single quotes with no
  single quote, backslash or newline inside (all three readers take single quotes literally).

Variables already in the process environment win over the file, as with systemd and
python-dotenv. An empty value means unset everywhere: `NAME=` is the same as no line at all, so
a copied `.env.example` with its blanks gives the built-in defaults.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_LINE = re.compile(r"^(?P<name>[A-Z_][A-Z0-9_]*)=(?P<value>[A-Za-z0-9_@%+=:,./-]*|'[^'\\\n]*')$")


def parse_env_file(text: str, source: str = ".env") -> dict[str, str]:
    """NAME → value for each assignment in `text`, or ImproperlyConfigured naming the line."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ImproperlyConfigured(
                f"{source}, line {number}: expected NAME=value (a bare value, or one in single "
                "quotes; no spaces, no comment after the value)"
            )
        value = match["value"]
        if value.startswith("'"):
            value = value[1:-1]
        values[match["name"]] = value
    return values


def load_env_file(path: Path) -> None:
    """Put the file's variables into os.environ unless the process already has them."""
    if not path.is_file():
        return
    for name, value in parse_env_file(path.read_text(encoding="utf-8"), str(path)).items():
        if os.environ.get(name, "") == "":
            os.environ[name] = value


def envstr(name: str, default: str = "") -> str:
    """The variable's value; unset and empty both give the default."""
    return os.environ.get(name, "") or default


def envbool(name: str, default: str = "False") -> bool:
    """Strict boolean: only "True" or "False", so a typo never silently flips a switch."""
    value = envstr(name, default)
    if value not in ("True", "False"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")
    return value == "True"


def envint(name: str, default: int) -> int:
    value = envstr(name)
    if value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


def envchoice(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of a fixed set of words, exactly (a `Twilio` must not quietly mean the console)."""
    value = envstr(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; not {value!r}")
    return value
