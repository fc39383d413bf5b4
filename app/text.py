"""Name normalisation shared by the loaders and lookups (leaf module).

The one rule for matching names (paths, compare lists, the symptom check): two names are the
same when their `name_key`s are equal. A key is the name in Unicode NFKC form (fullwidth
letters become ASCII ones), without invisible format characters (zero-width spaces), case-
folded, with runs of spaces, hyphens and underscores as one space. Nothing else is dropped:
`clonazepam!!!` is not `clonazepam` (it is a 404 that suggests it).
"""

import re
import unicodedata

# What any name a client sends may be (paths, compare lists, the symptom check).
MAX_NAME_LENGTH = 200
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"  # no control characters (NUL breaks PostgreSQL text)
_SEPARATORS = re.compile(r"[\s\-_]+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
# Salt and hydrate words that follow an active ingredient's name in a product name.
SALT_WORDS = frozenset(
    [
        "acetate",
        "anhydrous",
        "besilate",
        "besylate",
        "bitartrate",
        "bromide",
        "calcium",
        "carbonate",
        "chloride",
        "citrate",
        "dihydrate",
        "dimesylate",
        "dipropionate",
        "disodium",
        "fumarate",
        "gluconate",
        "hcl",
        "hemihydrate",
        "hyclate",
        "hydrobromide",
        "hydrochloride",
        "hydrate",
        "lactate",
        "magnesium",
        "maleate",
        "malate",
        "mesilate",
        "mesylate",
        "monohydrate",
        "monosodium",
        "nitrate",
        "oxalate",
        "pamoate",
        "phosphate",
        "potassium",
        "propionate",
        "sodium",
        "succinate",
        "sulfate",
        "sulphate",
        "tartrate",
        "tosylate",
        "trihydrate",
        "valerate",
    ]
)


def name_key(name: str) -> str:
    """The form names are compared in (see the module docstring)."""
    text = name
    if not name.isascii():  # ASCII is its own NFKC form and has no format characters
        text = unicodedata.normalize("NFKC", name)
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def slug_key(slug: str) -> str:
    """A slug's name key: `leg-cramps` -> `leg cramps`."""
    return slug.replace("-", " ")


def slugify(name: str) -> str:
    """`Leg Cramps` -> `leg-cramps`; accents dropped, anything else becomes a hyphen."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_name.lower()).strip("-")[:80].strip("-")


def ingredient_key(name: str) -> str:
    """The active ingredient of a product name: salt and hydrate words at its end dropped
    (`Venlafaxine hydrochloride` -> `venlafaxine`); the whole key when only salt words would
    be left (`potassium chloride`)."""
    key = name_key(name)
    words = key.split(" ")
    while len(words) > 1 and words[-1].strip("()") in SALT_WORDS:
        words.pop()
    if all(w in SALT_WORDS for w in words):  # potassium chloride: the salt is the ingredient
        return key
    return " ".join(words)


def like_pattern(query: str) -> str:
    """A case-folded `%...%` LIKE pattern with the wildcards in the query escaped (escape `\\`)."""
    escaped = name_key(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
