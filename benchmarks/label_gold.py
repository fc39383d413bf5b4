"""The hand-annotated FDA labels (../shared/data/label-gold/README.md), the rules by which the
label-truth benchmark counts an effect as listed, and its figures (a)-(d) from per-label results.

One Label per `label_id` (brand), its three sections pooled: an effect is listed when the label
mentions it in any of them. Names are compared case-folded and otherwise as written (British
and US spellings are not normalised: "Anaemia" is not "Anemia").
"""

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Positions in an `adverse_events` entry: [mention, PT name, PT code, LLT name, LLT code, ...].
PT_NAME, LLT_NAME = 1, 3


@dataclass(frozen=True)
class Label:
    label_id: str
    sections: tuple[str, ...]
    mentions: int
    terms: frozenset[str]  # case-folded PT and LLT names of every annotated mention
    preferred_terms: frozenset[str]  # case-folded PT names alone


@dataclass(frozen=True)
class EffectNames:
    """What sidefx calls an effect (GET /v1/effects/{effect}): its name, its aliases, and the
    MedDRA term it is coded to (`codes.meddra_term`, a PT or an LLT)."""

    name: str
    aliases: tuple[str, ...]
    meddra_term: str | None
    is_preferred_term: bool


def read_gold(path: Path) -> list[Label]:
    """The gold file's sections grouped by label, in label_id order (case-folded)."""
    sections: dict[str, list[str]] = defaultdict(list)
    events: dict[str, list[list[Any]]] = defaultdict(list)
    for section in json.loads(path.read_text(encoding="utf-8")):
        sections[section["label_id"]].append(section["section_name"])
        events[section["label_id"]].extend(section["adverse_events"])
    return [
        Label(
            label_id=label_id,
            sections=tuple(sections[label_id]),
            mentions=len(events[label_id]),
            terms=frozenset(
                str(e[i]).casefold() for e in events[label_id] for i in (PT_NAME, LLT_NAME) if e[i]
            ),
            preferred_terms=frozenset(str(e[PT_NAME]).casefold() for e in events[label_id]),
        )
        for label_id in sorted(sections, key=str.casefold)
    ]


def listed(effect: EffectNames, label: Label) -> bool:
    """The label lists the effect: its name, an alias or its MedDRA term is a PT or LLT the
    label annotates (curated "Drowsiness" is coded to Somnolence, the labels' PT)."""
    names = (effect.name, *effect.aliases, *([effect.meddra_term] if effect.meddra_term else []))
    return any(n.casefold() in label.terms for n in names)


def listed_as_preferred_term(effect: EffectNames, label: Label) -> bool:
    """The stricter reading: the effect is coded to a MedDRA PT the label annotates as a PT."""
    return bool(effect.meddra_term and effect.is_preferred_term) and (
        str(effect.meddra_term).casefold() in label.preferred_terms
    )


def precision(flags: Sequence[bool]) -> float | None:
    """Share of a shown list that the label lists; None for an empty list (nothing shown)."""
    return sum(flags) / len(flags) if flags else None


def mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Item:
    """One record of a drug's list as the API gave it, scored against the label."""

    effect: str
    name: str
    context: str
    band: str
    frequency: float | None
    placebo: float | None
    flag: str | None
    sources: list[str]
    listed: bool = False
    listed_as_pt: bool = False


@dataclass
class Check:
    """A symptom check of a label-listed effect SIDER lists for the drug."""

    effect: str
    explained: bool
    only_flagged: bool  # every record of the drug for this effect is flagged


@dataclass
class LabelResult:
    label_id: str
    slug: str | None
    top: list[Item] = field(default_factory=list)
    flagged: list[Item] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    checkable: int = 0  # label-listed side effects SIDER lists for the drug, before the cap


@dataclass
class Summary:
    labels: int
    unresolved: list[str]
    p10_mean: float | None  # (a) mean over resolved labels with a non-empty list
    p10_micro: float | None  # (a) pooled: listed items / shown items
    p10_pt_mean: float | None  # (a) by MedDRA PT name only
    p10_pt_micro: float | None
    scored: int  # labels (a) is averaged over
    flagged: int  # (b)
    flagged_listed: int
    flagged_listed_pt: int
    by_flag: dict[str, tuple[int, int]]  # flag: (records, listed)
    checks: int  # (c)
    not_explained: int
    not_explained_only_flagged: int
    checkable: int  # label-listed SIDER effects before the per-label cap

    @property
    def resolved(self) -> int:  # (d)
        return self.labels - len(self.unresolved)


def summarise(results: Sequence[LabelResult]) -> Summary:
    resolved = [r for r in results if r.slug]
    shown = [i for r in resolved for i in r.top]
    flagged = [i for r in resolved for i in r.flagged]
    checks = [c for r in resolved for c in r.checks]
    records, listed_records = Counter[str](), Counter[str]()
    for i in flagged:
        records[str(i.flag)] += 1
        listed_records[str(i.flag)] += i.listed
    missed = [c for c in checks if not c.explained]
    return Summary(
        labels=len(results),
        unresolved=[r.label_id for r in results if not r.slug],
        p10_mean=mean(precision([i.listed for i in r.top]) for r in resolved),
        p10_micro=share(sum(i.listed for i in shown), len(shown)),
        p10_pt_mean=mean(precision([i.listed_as_pt for i in r.top]) for r in resolved),
        p10_pt_micro=share(sum(i.listed_as_pt for i in shown), len(shown)),
        scored=sum(1 for r in resolved if r.top),
        flagged=len(flagged),
        flagged_listed=sum(i.listed for i in flagged),
        flagged_listed_pt=sum(i.listed_as_pt for i in flagged),
        by_flag={k: (n, listed_records[k]) for k, n in records.most_common()},
        checks=len(checks),
        not_explained=len(missed),
        not_explained_only_flagged=sum(c.only_flagged for c in missed),
        checkable=sum(r.checkable for r in resolved),
    )
