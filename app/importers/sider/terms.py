"""Which MedDRA preferred term a label term is: identity at the label-term level.

SIDER gives, for each term it found on a label (column 3, the label's UMLS concept), the
preferred terms (PTs) UMLS links it to, and at times several: "fatigue" -> Fatigue and
Asthenia, "syncope" -> Syncope, Loss of consciousness, Shock and Dizziness, "haemorrhage" ->
Haemorrhage and Haemoglobin. Recording every one of them made duplicates (Fatigue beside
Asthenia from one label word) and phantoms (Shock where the label said syncope). So each label
concept is one PT, the same for every drug:

1. the only PT it maps to;
2. else the PT that is the label term's own concept (same UMLS CUI);
3. else (43 of SIDER 4.1's 5,805 label concepts) the PT whose name shares most words with the
   label term's name (words compared on their first five letters, British spellings read as
   American: "Ankle edema" -> Oedema peripheral, "Difficulty sleeping" -> Insomnia), ties to the
   PT that more label terms are themselves (the more central term), then the lowest CUI.

The other PTs of that label concept make no record and no evidence (counted in the report).

The label terms are also the words people find effects by ("Muscle pain" for Myalgia, "Dry
cough" for Cough): each becomes an alias of its PT, kind `lower_level_term` (SIDER's LLT rows
name them), unless it is the PT's own name, is already a name of another effect (the curated
"Cramps of lower extremities" is leg cramps, not SIDER's Muscle spasms), or labels give it to
two PTs: a word that could mean two concepts is never an identity (counted in the report).
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from app.enums import AliasKind, Release
from app.importers.effect_names import effect_names
from app.name_keys import name_key

_WORD = re.compile(r"[a-z]+")
_BRITISH = (("oe", "e"), ("ae", "e"))  # oedema/edema, anaemia/anemia, haemorrhage/hemorrhage
STEM = 5


def choose_preferred_terms(
    label_pts: dict[str, set[str]], label_names: dict[str, str], pt_names: dict[str, str]
) -> dict[str, str]:
    """Label concept CUI -> the one PT CUI it stands for (rules in the module docstring)."""
    central = Counter(label for label, pts in label_pts.items() if label in pts)
    chosen: dict[str, str] = {}
    for label, pts in label_pts.items():
        if len(pts) == 1:
            (chosen[label],) = pts
        elif label in pts:
            chosen[label] = label
        else:
            words = _stems(label_names.get(label, ""))
            chosen[label] = min(
                pts,
                key=lambda pt: (-len(words & _stems(pt_names.get(pt, ""))), -central[pt], pt),
            )
    return chosen


MAX_ALIAS = 200


def label_term_aliases(
    session: Session,
    label_pt: dict[str, str],
    label_names: dict[str, str],
    effect_ids: dict[Any, int],
    skipped: Counter[str],
) -> list[dict[str, Any]]:
    """Alias rows: each label term's name for the effect its PT is (module docstring)."""
    taken = effect_names(session)  # names of effects already: key -> effects
    wanted: dict[str, set[int]] = defaultdict(set)
    spelling: dict[str, str] = {}
    for label, pt in label_pt.items():
        name = label_names.get(label, "").strip()
        if name and pt in effect_ids and len(name) <= MAX_ALIAS:
            key = name_key(name)
            wanted[key].add(effect_ids[pt])
            spelling.setdefault(key, name)
    rows = []
    for key, effects in sorted(wanted.items()):
        if len(effects) > 1:
            skipped["label terms: given to several effects (never an identity)"] += 1
        elif taken.get(key, set()) - effects:
            skipped["label terms: already a name of another effect"] += 1
        elif not taken.get(key):
            (effect_id,) = effects
            rows.append(
                {
                    "name": spelling[key],
                    "key": key,
                    "kind": AliasKind.lower_level_term,
                    "effect_id": effect_id,
                    "release": Release.sider,
                }
            )
    return rows


def _stems(name: str) -> set[str]:
    words: Iterable[str] = _WORD.findall(name_key(name))
    out = set()
    for word in words:
        for british, american in _BRITISH:
            word = word.replace(british, american)
        out.add(word[:STEM])
    return out
