"""In-process name index: exact, alias, prefix and fuzzy (typo and sound-alike) matching.

Pure Python over rapidfuzz (no SQL), so SQLite and PostgreSQL rank identically. Built once per
data version by index_cache.py.
"""

import bisect
import math
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from app.enums import MatchKind
from app.name_keys import ingredient_key, name_key

# Prefix scores by tier (coverage adds up to 4.8): a drug's own name, then the first word of
# any other name, then a later word; all below exact names (100) and aliases (98), all above
# fuzzy matches (at most 80).
PREFIX_DRUG, PREFIX_FIRST, PREFIX_LATER = 93.0, 88.0, 81.0
FUZZY_CANDIDATES = 40
FUZZY_CUTOFF = 0.7
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLES = re.compile(r"(.)\1+")
_SOFT_C = re.compile(r"c(?=[eis])")
_VOWELS = re.compile(r"[aeiou]+")
_WORD_BREAKS = re.compile(r"[\s\-/,()]+")
_SOUNDS = (
    ("ph", "f"),
    ("ck", "k"),
    ("qu", "kw"),
    ("x", "ks"),
    ("z", "s"),
    ("y", "i"),
    ("th", "t"),
    ("gh", "g"),
    ("wr", "r"),
    ("kn", "n"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    type: str  # "drug" | "effect"
    slug: str
    name: str  # canonical display name
    matched: str  # the name that matched (canonical, slug or alias)
    alias_kind: str | None  # brand, synonym ... when the name is an alias
    key: str  # name_key(matched), as the loaders stored it


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    kind: MatchKind
    score: float


def sound_key(flat: str) -> str:
    """A rough phonetic skeleton of a compact name: `klonazapam`, `clonazepam` -> the same."""
    s = flat
    for a, b in _SOUNDS:
        s = s.replace(a, b)
    s = _SOFT_C.sub("s", s).replace("c", "k").replace("q", "k")
    head, tail = s[:1], _VOWELS.sub("a", s[1:])
    return _DOUBLES.sub(r"\1", head + tail)


class NameIndex:
    def __init__(self, entries: list[Entry]) -> None:
        # Keys come from the database (the loaders' name_key): the build only derives the
        # compact and sound forms (bench-scale 50x: the first search spent 14.6 s here).
        self.entries = entries
        self._compact = [_NON_ALNUM.sub("", e.key) for e in entries]
        self._sounds = [sound_key(flat) for flat in self._compact]
        self._exact: dict[str, list[int]] = {}
        prefixes: list[tuple[str, int, int]] = []  # (word, word position, entry)
        for i, key in enumerate(e.key for e in entries):
            self._exact.setdefault(key, []).append(i)
            self._exact.setdefault(self._compact[i], []).append(i)
            for position, word in enumerate(_WORD_BREAKS.split(key)):
                if word:
                    prefixes.append((word, position, i))
            prefixes.append((self._compact[i], 0, i))
        prefixes.sort()
        self._prefix_words = [p[0] for p in prefixes]
        self._prefixes = prefixes
        self._spellings = _ByLength(self._compact)
        self._soundings = _ByLength(self._sounds)

    def search(self, query: str, *, type: str | None = None, limit: int = 10) -> list[Match]:
        key = name_key(query)
        flat = _NON_ALNUM.sub("", key)
        if not flat:
            return []
        best: dict[tuple[str, str], Match] = {}
        for match in self._salt_aware(key, flat):
            entry = match.entry
            if type and entry.type != type:
                continue
            ident = (entry.type, entry.slug)
            if ident not in best or match.score > best[ident].score:
                best[ident] = match
        ranked = sorted(best.values(), key=lambda m: (-m.score, len(m.entry.name), m.entry.slug))
        return ranked[:limit]

    def _salt_aware(self, key: str, flat: str) -> list[Match]:
        """A salt's name ("warfarin sodium") is its ingredient's before any fuzzy match, and
        fuzzy scoring never turns it into another drug (sertraline hydrochloride once found
        sibutramine): with salt words, drugs come only through the ingredient's own name."""
        ingredient = ingredient_key(key)
        if ingredient == key:
            return self._candidates(key, flat)
        through = [
            Match(m.entry, MatchKind.salt, 99.0 if m.kind is not MatchKind.prefix else m.score)
            for m in self._candidates(ingredient, _NON_ALNUM.sub("", ingredient), fuzzy=False)
            if m.entry.type == "drug"
        ]
        whole = [m for m in self._candidates(key, flat) if not (
            m.entry.type == "drug" and m.kind is MatchKind.fuzzy)]  # fmt: skip
        return through + whole

    def _candidates(self, key: str, flat: str, *, fuzzy: bool = True) -> list[Match]:
        out = []
        for i in set(self._exact.get(key, []) + self._exact.get(flat, [])):
            entry = self.entries[i]
            kind = MatchKind.alias if entry.alias_kind else MatchKind.exact
            out.append(Match(entry, kind, 100.0 if kind is MatchKind.exact else 98.0))
        out += self._prefix_matches(flat)
        if fuzzy:
            out += self._fuzzy_matches(flat)
        return out

    def _prefix_matches(self, stem: str, cap: int = 200) -> list[Match]:
        out = []
        start = bisect.bisect_left(self._prefix_words, stem)
        for word, position, i in self._prefixes[start : start + cap]:
            if not word.startswith(stem):
                break
            # A whole word typed beats the start of a longer one; shorter names break ties.
            coverage = 6.0 * len(stem) / len(word) + 2.0 * len(stem) / max(len(self._compact[i]), 1)
            entry = self.entries[i]
            # What people type the start of is mostly a medicine: a drug's own name starting
            # with it ranks above effects and brands that merely start with it ("clon":
            # clonazepam before clonus and the brand Clonea).
            if position == 0 and entry.type == "drug" and entry.alias_kind is None:
                tier = PREFIX_DRUG
            else:
                tier = PREFIX_FIRST if position == 0 else PREFIX_LATER
            out.append(Match(entry, MatchKind.prefix, round(tier + coverage * 0.6, 1)))
        return out

    def _fuzzy_matches(self, flat: str) -> list[Match]:
        if len(flat) < 3:
            return []
        sound = sound_key(flat)
        out = []
        for i in self._spellings.closest(flat) | self._soundings.closest(sound):
            spelled = OSA.normalized_similarity(flat, self._compact[i])
            heard = OSA.normalized_similarity(sound, self._sounds[i]) - 0.04
            similarity = max(spelled, heard)
            if similarity >= FUZZY_CUTOFF:
                out.append(Match(self.entries[i], MatchKind.fuzzy, round(80.0 * similarity, 1)))
        return out


class _ByLength:
    """Names sorted by length, so fuzzy candidates come only from lengths that can reach the
    cutoff: a similarity of FUZZY_CUTOFF allows a length difference of at most
    (1 - FUZZY_CUTOFF) x the longer length. A four-letter prefix then meets the few names of
    three to five letters, not every name (bench-scale: 2.7 -> 0.1 ms at 1x, 32 -> 0.2 ms
    at 10x); a whole misspelt name still meets most names of its length."""

    def __init__(self, texts: list[str]) -> None:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        self._texts = [texts[i] for i in order]
        self._ids = order
        self._lengths = [len(t) for t in self._texts]

    def closest(self, text: str) -> set[int]:
        """Entry numbers of the FUZZY_CANDIDATES names most like TEXT (rapidfuzz's ratio)."""
        n, slack = len(text), 1 - FUZZY_CUTOFF
        low = bisect.bisect_left(self._lengths, math.ceil(n * (1 - slack) - 1e-9))
        high = bisect.bisect_right(self._lengths, math.floor(n / (1 - slack) + 1e-9))
        hits = process.extract(
            text, self._texts[low:high], scorer=fuzz.ratio, limit=FUZZY_CANDIDATES
        )
        return {self._ids[low + h[2]] for h in hits}
