"""`sidefx import rxnorm DIR`: codes and brand names from the user's RxNorm release.

Reads RXNCONSO.RRF (names and codes), RXNREL.RRF (brand -> ingredient, precise ingredient ->
ingredient; optional: without it no brand names) and RXNSAB.RRF (the release's version;
optional). The full release and the prescribable-content subset both have them. Each drug
gets its ingredient's RXCUI (SAB RXNORM, TTY IN; a precise ingredient, TTY PIN, counts as
the ingredient RXNREL makes it a form of), the ATC codes the release gives that concept
(SAB ATC, level 5), and the brand names (TTY BN) of that one ingredient as aliases. Same
files, importer and drugs as the last import: nothing happens unless forced.
"""

import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.enums import AliasKind, DrugCodeSystem, Release, SourceKind
from app.importers.load_lock import take_load_lock
from app.importers.recompute import recompute
from app.importers.sider.mapping import NOT_A_NAME
from app.importers.terminology.drugs import common
from app.importers.terminology.drugs.files import (
    ATC_SUBSTANCE,
    TerminologyError,
    checksum,
    read_rrf,
)
from app.importers.terminology.drugs.report import TerminologyReport
from app.models import Alias, Citation, Drug
from app.name_keys import ingredient_key, name_key, slugify

IMPORTER = "rxnorm-importer-1"  # bump when the same files would be written differently
CONSO, REL, SAB = "RXNCONSO.RRF", "RXNREL.RRF", "RXNSAB.RRF"
# The release's own column order (RxNorm Technical Documentation, section 12).
CONSO_COLUMNS = ("RXCUI", "LAT", "TS", "LUI", "STT", "SUI", "ISPREF", "RXAUI", "SAUI", "SCUI",
                 "SDUI", "SAB", "TTY", "CODE", "STR", "SRL", "SUPPRESS", "CVF")  # fmt: skip
REL_COLUMNS = ("RXCUI1", "RXAUI1", "STYPE1", "REL", "RXCUI2", "RXAUI2", "STYPE2", "RELA", "RUI",
               "SRUI", "SAB", "SL", "DIR", "RG", "SUPPRESS", "CVF")  # fmt: skip
SAB_COLUMNS = ("VCUI", "RCUI", "VSAB", "RSAB", "SON", "SF", "SVER", "VSTART", "VEND", "IMETA",
               "RMETA", "SLC", "SCC", "SRL", "TFR", "CFR", "CXTY", "TTYL", "ATNL", "LAT", "CENC",
               "CURVER", "SABIN", "SSN", "SCIT")  # fmt: skip
# RXNREL reads right to left: RELA is what RXCUI2 is to RXCUI1. Each pair: (what the second
# is, what the first is) -> the RELA naming it either way round.
FORMS = {"form_of": ("pin", "in"), "has_form": ("in", "pin")}
TRADENAMES = {"tradename_of": ("bn", "in"), "has_tradename": ("in", "bn")}
MAX_ALIAS = 200


def import_rxnorm(
    session: Session, directory: Path, *, force: bool = False, version: str | None = None
) -> TerminologyReport:
    """Read every file first, then write; a bad file raises TerminologyError, writing nothing.
    The caller owns the transaction (and commits once)."""
    started = time.perf_counter()
    take_load_lock(session)
    paths = [directory / CONSO, *(p for p in (directory / REL, directory / SAB) if p.is_file())]
    if not (directory / CONSO).is_file():
        raise TerminologyError(f"{CONSO}: not found in {directory.name or directory}")
    check = f"{IMPORTER}:{checksum(paths)[:24]}:{common.drugs_digest(session)[:12]}"
    if common.unchanged(session, Release.rxnorm, check) and not force:
        return TerminologyReport(changed=False)
    report = TerminologyReport(changed=True)
    release = _Release(directory, report)
    version = version or release.version or "version not stated"
    report.release = f"RxNorm {version}"
    anchors = common.replace_source(session, "rxnorm", _source(version, check), _anchors(paths))
    common.clear_release(session, Release.rxnorm)
    keys: dict[str, set[str]] = defaultdict(set)
    for rxcui, name in release.ingredients.items():
        keys[ingredient_key(name)].add(rxcui)
    for rxcui, name in release.precise.items():
        keys[ingredient_key(name)].add(release.pin_of.get(rxcui, rxcui))
    with_codes = select(Drug.id, Drug.rxcui).where(Drug.rxcui.isnot(None))
    curated = {d: c for d, c in session.execute(with_codes) if c in release.ingredients}
    names = release.ingredients | release.precise
    matched = common.match_drugs(session, keys, report, by_code=curated, names=names)
    codes = [(d, DrugCodeSystem.rxnorm, c) for d, c in matched.items()]
    codes += [(d, DrugCodeSystem.atc, a) for d, c in matched.items() for a in release.atc[c]]
    common.write_codes(session, codes, Release.rxnorm, anchors[CONSO], report)
    if REL in anchors:
        _write_brands(session, release, matched, [anchors[CONSO], anchors[REL]], report)
    else:
        report.skipped[f"brand names: {REL} not in the release"] += len(release.brands)
    recompute(session)  # the new source's backing (/v1/sources)
    common.record_release(session, Release.rxnorm, check)
    report.seconds = time.perf_counter() - started
    return report


class _Release:
    """The parts of a release the import uses, read and checked in full before any write."""

    def __init__(self, directory: Path, report: TerminologyReport) -> None:
        self.ingredients: dict[str, str] = {}  # IN rxcui -> name
        self.precise: dict[str, str] = {}  # PIN rxcui -> name
        self.brands: dict[str, str] = {}  # BN rxcui -> name
        self.atc: dict[str, set[str]] = defaultdict(set)  # rxcui -> ATC level-5 codes
        self.pin_of: dict[str, str] = {}  # PIN rxcui -> IN rxcui
        self.brand_of: dict[str, set[str]] = defaultdict(set)  # BN rxcui -> IN rxcuis
        self.version: str | None = None
        rows = 0
        for rows, row in enumerate(read_rrf(directory / CONSO, CONSO_COLUMNS), start=1):  # noqa: B007
            if row["SUPPRESS"] not in ("N", ""):  # obsolete or suppressible names
                continue
            sab, tty, rxcui = row["SAB"], row["TTY"], row["RXCUI"]
            if sab == "RXNORM" and tty in ("IN", "PIN", "BN"):
                target = {"IN": self.ingredients, "PIN": self.precise, "BN": self.brands}[tty]
                target.setdefault(rxcui, row["STR"])
            elif sab == "ATC" and ATC_SUBSTANCE.match(row["CODE"]):
                self.atc[rxcui].add(row["CODE"])
        report.rows_read[CONSO] = rows
        if (directory / REL).is_file():
            report.rows_read[REL] = self._relations(directory / REL)
        if (directory / SAB).is_file():
            for row in read_rrf(directory / SAB, SAB_COLUMNS):
                if row["RSAB"] == "RXNORM" and row["CURVER"] == "Y":
                    self.version = row["SVER"] or row["VSAB"]
        report.rows_read["ingredients"] = len(self.ingredients)
        report.rows_read["brand names"] = len(self.brands)

    def _relations(self, path: Path) -> int:
        rows = 0
        for rows, row in enumerate(read_rrf(path, REL_COLUMNS), start=1):  # noqa: B007
            rela, first, second = row["RELA"], row["RXCUI1"], row["RXCUI2"]
            if row["SAB"] != "RXNORM":
                continue
            if rela in FORMS:
                pair = dict(zip(FORMS[rela], (second, first), strict=True))
                if pair["in"] in self.ingredients and pair["pin"] in self.precise:
                    self.pin_of[pair["pin"]] = pair["in"]
            elif rela in TRADENAMES:
                pair = dict(zip(TRADENAMES[rela], (second, first), strict=True))
                if pair["in"] in self.ingredients and pair["bn"] in self.brands:
                    self.brand_of[pair["bn"]].add(pair["in"])
        return rows


def _write_brands(
    session: Session,
    release: _Release,
    matched: dict[int, str],
    anchor_ids: list[int],
    report: TerminologyReport,
) -> None:
    """A brand of one ingredient -> an alias of that ingredient's one drug, unless the name is
    taken (a drug's name or another alias) or is not a name."""
    drugs_of: dict[str, list[int]] = defaultdict(list)
    for drug_id, rxcui in matched.items():
        drugs_of[rxcui].append(drug_id)
    own = dict(session.execute(select(Drug.id, Drug.key)).all())
    taken = set(own.values()) | set(
        session.scalars(select(Alias.key).where(Alias.drug_id.isnot(None)))
    )
    rows, seen = [], set()
    for rxcui, name in sorted(release.brands.items()):
        key, ingredients = name_key(name), release.brand_of.get(rxcui, set())
        drugs = [d for i in ingredients for d in drugs_of.get(i, [])]
        if len(drugs) > 1:  # one ingredient of several drugs: the one named as it, if any
            drugs = [d for d in drugs if own[d] == name_key(release.ingredients[matched[d]])]
        reason = (
            "not linked to an ingredient" if not ingredients
            else "several ingredients (a combination)" if len(ingredients) > 1
            else "its ingredient matched no drug, or several" if len(drugs) != 1
            else "not a name" if NOT_A_NAME.search(key) or len(key) > MAX_ALIAS
            else "already a drug's name or alias" if key in taken or key in seen
            else None
        )  # fmt: skip
        if reason is not None:
            report.skipped[f"brand names: {reason}"] += 1
            continue
        seen.add(key)
        rows.append({"name": name[:MAX_ALIAS], "key": key, "kind": AliasKind.brand,
                     "drug_id": drugs[0], "release": Release.rxnorm})  # fmt: skip
    if not rows:
        return
    session.execute(insert(Alias), rows)
    report.aliases = len(rows)
    ids = session.scalars(select(Alias.id).where(Alias.release == Release.rxnorm)).all()
    session.execute(
        insert(Citation), [{"anchor_id": a, "alias_id": i} for i in ids for a in anchor_ids]
    )


def _source(version: str, check: str) -> dict[str, object]:
    return {
        "slug": f"rxnorm-{slugify(version)}"[:80] if slugify(version) else "rxnorm-release",
        "title": f"RxNorm {version}",
        "kind": SourceKind.database_release,
        "publisher": "U.S. National Library of Medicine",
        "url": "https://www.nlm.nih.gov/research/umls/rxnorm/",
        "licence": "RxNorm's own names (SAB RXNORM): free; others: UMLS Metathesaurus Licence",
        "summary": (
            "Ingredient codes (RXCUI), ATC codes and brand names from the user's RxNorm release "
            f"(files checksum {check.split(':')[1][:12]}); drugs matched by ingredient name."
        ),
    }


def _anchors(paths: list[Path]) -> dict[str, str]:
    labels = {
        CONSO: "RXNCONSO.RRF: ingredient (IN, PIN) and brand (BN) names, ATC codes",
        REL: "RXNREL.RRF: brand names of an ingredient (tradename_of), its precise forms",
        SAB: "RXNSAB.RRF: the release's version",
    }
    return {p.name: labels[p.name] for p in paths}
