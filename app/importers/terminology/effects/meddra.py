"""`sidefx import meddra DIR`: the user's licensed MedDRA distribution, in the caller's
transaction.

MedDRA is licensed to its subscribers (MSSO): sidefx never ships it, and reads the ASCII files
of the user's own distribution (meddra_files.py). SOCs, PTs with their primary SOC, and LLTs
replace the previous import's in tables of their own; the read model then gives each effect
that is a MedDRA preferred term (its MedDRA term, by name) the PT's code, its primary SOC as
its body system (exact), the kind of term five SOCs name, and the PT's current LLTs as
aliases, each cited to the MedDRA version (links.py).
The whole distribution is read and checked before anything is written: a bad or cut file
changes nothing. Same files and loader as last time: nothing happens unless forced.
"""

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.enums import Release, SourceKind
from app.importers.load_lock import take_load_lock
from app.importers.terminology.effects.meddra_files import MeddraRelease, read_meddra
from app.importers.terminology.effects.release import (
    Tables,
    TerminologyReport,
    replace_release,
)
from app.models import MeddraLlt, MeddraPt, MeddraSoc
from app.name_keys import name_key

IMPORTER = "meddra-importer-1"  # bump when the same files would be written differently
SOURCE_SLUG = "meddra"
HIERARCHY, TERMS = "mdhier.asc", "llt.asc"
ANCHORS = {
    HIERARCHY: "mdhier.asc: each preferred term's primary system organ class",
    TERMS: "llt.asc: the lowest level terms of each preferred term (current ones)",
}


def import_meddra(
    session: Session, directory: Path, *, version: str | None = None, force: bool = False
) -> TerminologyReport:
    """The caller owns the transaction (and commits once)."""
    take_load_lock(session)
    release = read_meddra(directory, version)
    return replace_release(
        session,
        Release.meddra,
        f"{IMPORTER}:{release.checksum}",
        release.version,
        tables=lambda: _tables(release),
        source=_source(release),
        anchors=ANCHORS,
        force=force,
    )


def _tables(release: MeddraRelease) -> Tables:
    return [
        (
            MeddraSoc,
            [
                {"code": code, "name": name[:100], "abbrev": abbrev[:10]}
                for code, (name, abbrev) in release.socs.items()
            ],
        ),
        (
            MeddraPt,
            [
                {"code": code, "name": name[:100], "key": name_key(name)[:100], "soc_code": soc}
                for code, (name, soc) in release.pts.items()
            ],
        ),
        (
            MeddraLlt,
            [
                {"code": code, "name": name[:100], "pt_code": pt, "current": current}
                for code, (name, pt, current) in release.llts.items()
            ],
        ),
    ]


def _source(release: MeddraRelease) -> dict[str, Any]:
    return {
        "slug": SOURCE_SLUG,
        "title": f"MedDRA version {release.version}",
        "kind": SourceKind.database_release,
        "publisher": "ICH (MedDRA MSSO)",
        "url": "https://www.meddra.org",
        "published_date": None,
        "licence": "MedDRA subscription (the user's own licence); not redistributed",
        "document": None,
        "summary": (
            f"The user's MedDRA {release.version} distribution: each preferred term's primary "
            "system organ class (its body system, exact) and its current lowest level terms "
            "(other names of the effect). MedDRA trademark is registered by ICH."
        ),
    }
