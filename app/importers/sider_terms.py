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
"""

import re
from collections import Counter
from collections.abc import Iterable

from app.text import name_key

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


def _stems(name: str) -> set[str]:
    words: Iterable[str] = _WORD.findall(name_key(name))
    out = set()
    for word in words:
        for british, american in _BRITISH:
            word = word.replace(british, american)
        out.add(word[:STEM])
    return out
