"""`sidefx import atc FILE`: ATC codes from the user's WHO ATC index (CSV: code,name).

Level-5 codes (chemical substances) are matched to drugs by ingredient name with the salt rule
(common.py); a substance with several codes (one per use) gives the drug all of them. Codes of
levels 1-4 name groups, not drugs: they are read, checked and counted, not written. Same file,
importer and drugs as the last import: nothing happens unless forced.
"""

import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy.orm import Session

from app.enums import DrugCodeSystem, Release, SourceKind
from app.importers.load_lock import take_load_lock
from app.importers.recompute import recompute
from app.importers.terminology.drugs import common
from app.importers.terminology.drugs.files import ATC_SUBSTANCE, checksum, read_atc_csv
from app.importers.terminology.drugs.report import TerminologyReport
from app.name_keys import ingredient_key, slugify

IMPORTER = "atc-importer-1"


def import_atc(
    session: Session, path: Path, *, force: bool = False, version: str | None = None
) -> TerminologyReport:
    """Read and check the whole file first, then write; a bad file raises TerminologyError.
    The caller owns the transaction (and commits once)."""
    started = time.perf_counter()
    take_load_lock(session)
    codes_of: dict[str, set[str]] = defaultdict(set)  # substance key -> level-5 codes
    rows = 0
    for rows, (_, code, name) in enumerate(read_atc_csv(path), start=1):  # noqa: B007
        if ATC_SUBSTANCE.match(code):
            codes_of[ingredient_key(name)].add(code)
    check = f"{IMPORTER}:{checksum([path])[:24]}:{common.drugs_digest(session)[:12]}"
    if common.unchanged(session, Release.atc, check) and not force:
        return TerminologyReport(changed=False)
    version = version or path.stem
    report = TerminologyReport(changed=True, release=f"WHO ATC {version}")
    report.rows_read = {path.name: rows, "substances": len(codes_of)}
    source = {
        "slug": f"who-atc-{slugify(version) or 'index'}"[:80],
        "title": f"WHO ATC index ({version})",
        "kind": SourceKind.database_release,
        "publisher": "WHO Collaborating Centre for Drug Statistics Methodology",
        "url": "https://atcddd.fhi.no/atc_ddd_index/",
        "licence": "The user's own copy, under the WHOCC's terms",
        "summary": "ATC codes of chemical substances (level 5), matched to drugs by name.",
    }
    label = f"{path.name}: ATC codes and names"
    anchors = common.replace_source(session, "who-atc", source, {path.name: label})
    common.clear_release(session, Release.atc)
    # A substance key is one substance whatever its codes: never ambiguous by the salt rule.
    keys = {key: {key} for key in codes_of}
    matched = common.match_drugs(session, keys, report)
    codes = [(d, DrugCodeSystem.atc, c) for d, key in matched.items() for c in codes_of[key]]
    common.write_codes(session, codes, Release.atc, anchors[path.name], report)
    recompute(session)
    common.record_release(session, Release.atc, check)
    report.seconds = time.perf_counter() - started
    return report
