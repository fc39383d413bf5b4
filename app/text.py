"""Name normalisation shared by the loaders and lookups (leaf module)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def name_key(name: str) -> str:
    """The form names are compared in: NFKC, case-folded, single spaces, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()


def slugify(name: str) -> str:
    """`Leg Cramps` -> `leg-cramps`; accents dropped, anything else becomes a hyphen."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_name.lower()).strip("-")[:80].strip("-")


def like_pattern(query: str) -> str:
    """A case-folded `%...%` LIKE pattern with the wildcards in the query escaped (escape `\\`)."""
    escaped = name_key(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
