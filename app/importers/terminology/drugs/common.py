"""What both terminology loaders share: their source and anchors, clearing their previous
load, matching drugs to concepts by ingredient name, writing codes and citations.

The matching rule: a drug's ingredient key (app.name_keys.ingredient_key: its name key with salt
and hydrate words dropped) equal to a concept name's ingredient key. One concept: matched.
Several distinct concepts: ambiguous, reported and left without a code (never a guess).
None: unmatched.
"""

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.enums import AnchorKind, DrugCodeSystem, Release
from app.importers.terminology.drugs.report import TerminologyReport
from app.models import Alias, Citation, DataRelease, Drug, DrugCode, Source, SourceAnchor


def drugs_digest(session: Session) -> str:
    """The drugs a match depends on: a new drug (an import) re-matches the same files."""
    rows = session.execute(select(Drug.slug, Drug.ingredient_key).order_by(Drug.slug))
    return hashlib.sha256("|".join(f"{s}:{k}" for s, k in rows).encode()).hexdigest()


def unchanged(session: Session, release: Release, checksum: str) -> bool:
    row = session.get(DataRelease, release.value)
    return row is not None and row.checksum == checksum


def record_release(session: Session, release: Release, checksum: str) -> None:
    """The release's checksum and load time: they make part of the public data version."""
    row, now = session.get(DataRelease, release.value), datetime.now(UTC)
    if row is None:
        session.add(DataRelease(name=release.value, checksum=checksum, loaded_at=now))
    else:
        row.checksum, row.loaded_at = checksum, now
    session.flush()


def replace_source(
    session: Session, prefix: str, source: dict[str, Any], anchors: dict[str, str]
) -> dict[str, int]:
    """Delete the loader's earlier sources (slug PREFIX-...) with their citations, then write
    SOURCE and its file ANCHORS; returns anchor key -> id."""
    old = select(Source.id).where(Source.slug.like(f"{prefix}-%"))
    old_anchors = select(SourceAnchor.id).where(SourceAnchor.source_id.in_(old))
    options = {"synchronize_session": False}
    session.execute(
        delete(Citation).where(Citation.anchor_id.in_(old_anchors)), execution_options=options
    )
    session.execute(
        delete(SourceAnchor).where(SourceAnchor.source_id.in_(old)), execution_options=options
    )
    session.execute(delete(Source).where(Source.id.in_(old)), execution_options=options)
    row = Source(**source)
    session.add(row)
    session.flush()
    out = {}
    for position, (key, label) in enumerate(anchors.items()):
        anchor = SourceAnchor(
            source_id=row.id, key=key, kind=AnchorKind.file, label=label, position=position
        )
        session.add(anchor)
        session.flush()
        out[key] = anchor.id
    return out


def clear_release(session: Session, release: Release) -> None:
    """The codes and aliases the loader's previous import wrote."""
    options = {"synchronize_session": False}
    for model in (DrugCode, Alias):
        session.execute(delete(model).where(model.release == release), execution_options=options)


def match_drugs(
    session: Session,
    concepts: dict[str, set[str]],
    report: TerminologyReport,
    *,
    by_code: dict[int, str] | None = None,
    names: dict[str, str] | None = None,
) -> dict[int, str]:
    """Drug id -> its one concept (see the module docstring). CONCEPTS: ingredient key ->
    concept ids; BY_CODE: drug id -> a concept its curated code names (wins over names);
    NAMES: concept id -> name, for the report."""
    matched: dict[int, str] = {}
    rows = session.execute(
        select(Drug.id, Drug.slug, Drug.ingredient_key, Drug.release).order_by(Drug.slug)
    )
    for drug_id, slug, key, release in rows:
        found = {by_code[drug_id]} if by_code and drug_id in by_code else concepts.get(key, set())
        if len(found) == 1:
            matched[drug_id] = next(iter(found))
            report.count(release.value, "matched")
        elif found:
            report.count(release.value, "ambiguous")
            named = sorted(f"{(names or {}).get(c, c)} ({c})" for c in found)
            report.ambiguous.append(f"{slug}: {', '.join(named)}")
        else:
            report.count(release.value, "unmatched")
    return matched


def write_codes(
    session: Session,
    codes: Iterable[tuple[int, DrugCodeSystem, str]],
    release: Release,
    anchor_id: int,
    report: TerminologyReport,
) -> None:
    """DrugCode rows, each drug's identifiers cited once to ANCHOR_ID."""
    rows: list[dict[str, Any]] = [
        {"drug_id": d, "system": s, "code": c, "release": release} for d, s, c in sorted(set(codes))
    ]
    if not rows:
        return
    session.execute(insert(DrugCode), rows)
    for row in rows:
        report.codes[row["system"].value] += 1
    cited = sorted({row["drug_id"] for row in rows})
    session.execute(
        insert(Citation),
        [{"anchor_id": anchor_id, "part": "identifiers", "drug_id": d} for d in cited],
    )
