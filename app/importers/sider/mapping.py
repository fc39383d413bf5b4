"""Drug names from SIDER 4.0's label_mapping.tsv: one generic name and the brand names per compound.

The file is ragged (6 to 9 fields; an extra name column, sometimes an extra flag such as "False";
unmapped rows may lack the id columns), so fields are located, not counted: the first three are
always the two names and the marker, and the flat STITCH id is the first negative number after
them. Which of the two name columns holds the generic name depends on where the label came from
(FDA labels list the brand first, Canadian DPD labels the generic), so it is learnt per label
source (the prefix of the label id, the last field) from the rows that carry a single name.
"""

import html
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from app.name_keys import name_key

STITCH_OFFSET = 100_000_000  # flat id CID1xxxxxxxx = 100,000,000 + PubChem CID
_NEGATIVE_ID = re.compile(r"-\d+")
_BRAND_SEPARATOR = re.compile(r",\s+")
# A label's product name carries strength and form after the brand ("SYNTHROID - TAB 100MCG",
# "XANAX TAB 0.25MG"): the brand is what comes before the first such word.
_PRODUCT_TAIL = re.compile(
    r"\s(?:-\s|\(|\d|(?:tab|tabs|tablet|tablets|cap|caps|capsule|capsules|inj|injection|"
    r"liq|syrup|suspension|solution|cream|gel|ointment|powder|pws|for|in|ampules?|nebules|"
    r"sterile|oral|topical|iv|im|sr|xr|er|ds|ect)\b)",
    re.IGNORECASE,
)
_FORM_ONLY = re.compile(
    r"(?i)(?:film[- ]coated |extended[- ]release |oral |chewable )?"
    r"(?:tablets?|capsules?|injection|solution|suspension|cream|gel|ointment|syrup|drops)"
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_SALT_NOTE = re.compile(r"(.+?)\s*\((.+)\)")  # "CILAZAPRIL (CILAZAPRIL MONOHYDRATE)"
# Label-extraction debris that sits in a name column of some rows: headings and phrases of the
# label ("Composition:", "Product Information", "the active principle", ".HCl", "Thyroid
# hormone levels"), words of its trials
# ("Double-Blind", "Monotherapy Epilepsy Trials") and dosage forms alone ("Enema", "Oral
# paste"). Matched on name keys; never a drug's name or a brand.
NOT_A_NAME = re.compile(
    r":|^(?:the|this) |^[^a-z0-9]|^(?:description|presentation|actions|composition)$"
    r"|\bproduct (?:information|infomation|name|description)\b"
    r"|\b(?:approved name|double.blind|placebo|trials?|monotherapy|contraindications"
    r"|indications|carcinogenic|precautions|warnings|dosage|levels)\b"
    r"|^(?:(?:oral|rectal|capsules?|granules|tablets?|paste|enema|and)\s*)+$"
)
MAX_GENERIC_LENGTH = 60
DEFAULT_GENERIC_COLUMN = 1  # the second name column, as most label sources have it


@dataclass(frozen=True, slots=True)
class DrugNames:
    name: str  # display form of the most frequent generic name
    brands: tuple[str, ...]  # one spelling per distinct brand key, sorted


@dataclass(frozen=True, slots=True)
class _Row:
    cid: int
    names: tuple[str, str]
    source: str


def read_mapping(
    open_lines: Callable[[], Iterable[str]], skipped: Counter[str]
) -> dict[int, DrugNames]:
    """PubChem CID -> names, from the mapped rows; unmappable rows are counted in SKIPPED.

    Two passes over the lines (OPEN_LINES gives them afresh each time), so memory holds the
    distinct names per compound, not the file: the first learns which names are generic, the
    second which column holds them per label source and each compound's names."""
    single: set[str] = set()
    for row in _rows(open_lines(), skipped):
        if _single_name(row):
            single.add(name_key(row.names[0] or row.names[1]))
    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_cid: dict[int, Counter[tuple[str, str, str]]] = defaultdict(Counter)
    for row in _rows(open_lines(), Counter()):
        by_cid[row.cid][row.source, *row.names] += 1
        if not _single_name(row):
            for index in (0, 1):
                votes[row.source][index] += name_key(row.names[index]) in single
    generic_column = {source: 0 if v[0] > v[1] else 1 for source, v in votes.items()}
    return {cid: _names(cid, by_cid[cid], generic_column) for cid in sorted(by_cid)}


def _rows(lines: Iterable[str], skipped: Counter[str]) -> Iterator[_Row]:
    for line in lines:
        row = _parse(line, skipped)
        if row is not None:
            yield row


def _parse(line: str, skipped: Counter[str]) -> _Row | None:
    fields = [f.strip() for f in line.split("\t")]
    if len(fields) < 4:
        skipped["mapping: ragged row"] += 1
        return None
    if fields[2]:
        skipped[f"mapping: {_marker_reason(fields[2])}"] += 1
        return None
    flat = next((int(f) for f in fields[3:] if _NEGATIVE_ID.fullmatch(f)), None)
    if flat is None or -flat <= STITCH_OFFSET:
        skipped["mapping: no flat STITCH id"] += 1
        return None
    if not fields[0] and not fields[1]:
        skipped["mapping: no name"] += 1
        return None
    label = fields[-1]
    source = label.split("/", 1)[0] if "/" in label and "://" not in label else ""
    return _Row(cid=-flat - STITCH_OFFSET, names=(fields[0], fields[1]), source=source)


def _marker_reason(marker: str) -> str:
    marker = marker.lower()
    if marker.startswith(("mapping_conflict", "mapping conflict")):
        return "mapping conflict"
    if marker in ("combination", "not found", "template"):
        return marker
    return "unknown marker"


def _single_name(row: _Row) -> bool:
    first, second = row.names
    return not first or not second or name_key(first) == name_key(second)


def _names(
    cid: int, rows: Counter[tuple[str, str, str]], generic_column: dict[str, int]
) -> DrugNames:
    """A compound's names from its distinct (source, first name, second name) rows."""
    generics: dict[str, Counter[str]] = defaultdict(Counter)  # key -> spellings
    brands: dict[str, Counter[str]] = defaultdict(Counter)
    for (source, *names), count in rows.items():
        index = generic_column.get(source, DEFAULT_GENERIC_COLUMN)
        generic, brand = names[index], names[1 - index]
        if not generic:
            generic, brand = brand, ""
        generic = _without_salt_note(generic)
        generics[name_key(generic)][generic] += count
        if brand and name_key(brand) != name_key(generic):
            for part in _BRAND_SEPARATOR.split(brand):
                clean = brand_name(part)
                if clean and name_key(clean) != name_key(generic):
                    brands[name_key(clean)][clean] += count
    name = _pick(generics) or _pick(brands) or f"CID {cid}"
    return DrugNames(name=name, brands=tuple(sorted(_spelling(s) for s in brands.values())))


def brand_name(product: str) -> str | None:
    """The brand in a label's product name, in display case; None for no brand ("Tablet",
    "75MG")."""
    text = " ".join(html.unescape(product).split())
    if _FORM_ONLY.fullmatch(text):
        return None
    text = _PRODUCT_TAIL.split(text, maxsplit=1)[0].strip(" -")
    if not _WORD.search(text) or _FORM_ONLY.fullmatch(text):
        return None
    return display_case(text)


def display_case(name: str) -> str:
    """`KLONOPIN` -> `Klonopin`, `GEN-NAPROXEN EC` -> `Gen-Naproxen EC`; mixed case is kept."""
    if not name.isupper():
        return name
    words = re.split(r"([\s\-/]+)", name)
    return "".join(
        w if len(w) <= 3 and w.isalpha() and len(words) > 1 else w.capitalize() for w in words
    )


def _without_salt_note(name: str) -> str:
    match = _SALT_NOTE.fullmatch(name)
    if match and name_key(match[2]).startswith(name_key(match[1])):
        return match[1]
    return name


def _pick(candidates: dict[str, Counter[str]]) -> str | None:
    """The most frequent plausible name (then the shortest, then A-Z), in display form."""
    ranked = sorted(candidates, key=lambda k: (-sum(candidates[k].values()), len(k), k))
    for key in ranked:
        if len(key) <= MAX_GENERIC_LENGTH and not NOT_A_NAME.search(key):
            spelling = _spelling(candidates[key])
            if spelling.isupper() or spelling.islower():
                return spelling.capitalize()  # "CLONAZEPAM" -> "Clonazepam"
            return spelling[:1].upper() + spelling[1:]
    return None


def _spelling(spellings: Counter[str]) -> str:
    return min(spellings, key=lambda s: (-spellings[s], s))
