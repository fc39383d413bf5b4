"""Name normalisation shared by the loaders and lookups (leaf module).

The one rule for matching names (paths, compare lists, the symptom check): two names are the
same when their `name_key`s are equal. A key is the name in Unicode NFKC form (fullwidth
letters become ASCII ones), without invisible format characters (zero-width spaces), case-
folded, with runs of spaces, hyphens and underscores as one space, and with British spellings
of medical words read as American ones (`anaemia` is `anemia`, `oedema` is `edema`,
`diarrhoea` is `diarrhea`, `haemorrhage` is `hemorrhage`, `paraesthesia` is `paresthesia`,
`tumour` is `tumor`): MedDRA names its terms in British English, people and US labels write
American. The rule is a list of word parts (SPELLINGS), not stored aliases. Nothing else is
dropped: `clonazepam!!!` is not `clonazepam` (it is a 404 that suggests it).
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


# British -> American spellings of medical word parts, applied to case-folded text. Each part
# is specific enough not to occur in other words (no bare "ae" or "oe": Aerius, shoe).
SPELLINGS = (
    (r"haem", "hem"),  # haemorrhage, haematoma, haemoglobin, polycythaemia
    (r"aemi", "emi"),  # anaemia, hypokalaemia, leukaemia, ischaemia, septicaemia
    (r"aesthe", "esthe"),  # anaesthesia, paraesthesia, hypoaesthesia, dysaesthesia
    (r"\b(ortho)?paed", r"\1ped"),  # paediatric, orthopaedic
    (r"\bfaec", "fec"),  # faecal, faeces
    (r"\bcaec", "cec"),  # caecum
    (r"\baetio", "etio"),  # aetiology
    (r"gynaec", "gynec"),  # gynaecomastia
    (r"\bnaev", "nev"),  # naevus
    (r"\boedem", "edem"),  # oedema
    (r"\boesophag", "esophag"),  # oesophagitis
    (r"\boestr", "estr"),  # oestrogen, oestradiol
    (r"rhoea", "rhea"),  # diarrhoea, amenorrhoea, rhinorrhoea, seborrhoea
    (r"pnoea", "pnea"),  # dyspnoea, apnoea, tachypnoea
    (r"\bfoet", "fet"),  # foetal
    (r"\bcoeliac", "celiac"),
    (r"\b(tum|behavi|col|od|flav|lab|hum|vap)our", r"\1or"),  # tumour, behaviour, colour
    (r"isation\b", "ization"),  # hospitalisation, sensitisation
    (r"sulph", "sulf"),  # sulphate, sulphonamide
    (r"\b(cent|lit|fib)re\b", r"\1er"),  # centre, litre, fibre
)
_SPELLING = [(re.compile(british), american) for british, american in SPELLINGS]
# Every British part above holds one of these: a name without them skips the patterns.
_SPELLING_MARKS = ("ae", "oe", "our", "isation", "sulph", "tre", "bre")


def name_key(name: str) -> str:
    """The form names are compared in (see the module docstring)."""
    text = name
    if not name.isascii():  # ASCII is its own NFKC form and has no format characters
        text = unicodedata.normalize("NFKC", name)
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    key = _SEPARATORS.sub(" ", text.casefold()).strip()
    if any(mark in key for mark in _SPELLING_MARKS):
        for british, american in _SPELLING:
            key = british.sub(american, key)
    return key


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
