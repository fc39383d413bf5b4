"""Stream the SIDER files into the staging tables; a malformed main-file row aborts with file:line.

Only MedDRA preferred terms (PT rows) are kept; every side effect also appears as lower-level
term (LLT) rows, which are counted and passed over. A first pass over the side-effect file
learns which one PT each label term is (terms.py); PT rows of a label term that name
another PT are passed over and counted, so one label word never makes two records. Rows go to
the temporary staging tables (stage.py) as they are read; what stays in memory is
bounded by the drugs and terms of the release (names, the vocabulary), not by its rows. No
table of the API is touched here.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.importers.sider import parse
from app.importers.sider.files import (
    FILES,
    FREQUENCIES,
    INDICATIONS,
    MAPPING,
    SIDE_EFFECTS,
    Decoding,
    Progress,
    SiderError,
    SiderFiles,
    read_lines,
)
from app.importers.sider.incidence import FreqRow, row_band
from app.importers.sider.mapping import DrugNames, read_mapping
from app.importers.sider.stage import INDICATIONS as STAGED_INDICATIONS
from app.importers.sider.stage import LABELS, PAIRS, Stage
from app.importers.sider.terms import choose_preferred_terms

MAX_TEXT = 100  # Evidence.frequency_text
# Refuse a name mapping that names under half of the side-effect file's drugs: an empty or
# wrong label_mapping would otherwise drop nearly every record (SIDER 4.1 maps all of them).
MIN_MAPPED_SHARE = 0.5


@dataclass
class SiderData:
    checksum: str
    names: dict[int, DrugNames] = field(default_factory=dict)  # PubChem CID -> names
    effects: dict[str, str] = field(default_factory=dict)  # PT UMLS CUI -> MedDRA name
    cids: set[int] = field(default_factory=set)  # compounds with a staged pair
    rows_read: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FILES, 0))
    skipped: Counter[str] = field(default_factory=Counter)
    decoding: Decoding = field(default_factory=Decoding)
    unmapped: set[int] = field(default_factory=set)  # CIDs of the side-effect file without names
    errata_rows: int = 0  # rows the errata file lists
    errata_dropped: int = 0  # meddra_freq rows dropped because the errata list them
    label_pt: dict[str, str] = field(default_factory=dict)  # label concept CUI -> its one PT
    label_names: dict[str, str] = field(default_factory=dict)  # label concept CUI -> LLT name


def read_sider(files: SiderFiles, stage: Stage, progress: Progress | None = None) -> SiderData:
    data = SiderData(checksum=files.checksum)
    errata = _read_errata(files.errata, data) if files.errata else set()
    data.names = read_mapping(
        lambda: _mapping_lines(files.paths[MAPPING], data, progress), data.skipped
    )
    if not data.names:
        raise SiderError(f"{files.paths[MAPPING].name}: no row maps a drug name to a STITCH id")
    _read_label_terms(files.paths[SIDE_EFFECTS], data, stage)
    _read_side_effects(files.paths[SIDE_EFFECTS], data, stage, progress)
    _check_mapped(files, data)
    _read_frequencies(files.paths[FREQUENCIES], data, stage, progress, errata)
    _read_indications(files.paths[INDICATIONS], data, stage, progress)
    stage.flush()
    return data


def _mapping_lines(path: Path, data: SiderData, progress: Progress | None) -> Iterator[str]:
    """The mapping's lines; read twice (mapping.py), counted once."""
    first = data.rows_read[MAPPING] == 0
    for _, line in read_lines(path, progress, data.decoding if first else None):
        if first:
            data.rows_read[MAPPING] += 1
        yield line


def _read_errata(path: Path, data: SiderData) -> set[tuple[str, ...]]:
    """The meddra_freq rows SIDER's maintainers list as extraction errors (`#` lines say why)."""
    rows: set[tuple[str, ...]] = set()
    for number, line in read_lines(path):
        if line.startswith("#"):
            continue
        rows.add(tuple(parse.split(line, 10, path, number)))
    data.errata_rows = len(rows)
    return rows


def _check_mapped(files: SiderFiles, data: SiderData) -> None:
    unmapped = data.skipped[f"{SIDE_EFFECTS}: drug not in the name mapping"]
    mapped = len(data.cids)
    if mapped == 0 or mapped / (mapped + len(data.unmapped)) < MIN_MAPPED_SHARE:
        raise SiderError(
            f"{files.paths[MAPPING].name} names {mapped} of the "
            f"{mapped + len(data.unmapped)} drugs in {files.paths[SIDE_EFFECTS].name} "
            f"({unmapped} rows without a name): wrong or truncated name mapping?"
        )


SECONDARY = "another preferred term of the same label term (its own term is used)"


def _read_label_terms(path: Path, data: SiderData, stage: Stage) -> None:
    """Which PT each label concept is; the label terms' names are staged for the evidence."""
    label_pts: dict[str, set[str]] = {}
    label_names: dict[str, str] = {}
    pt_names: dict[str, str] = {}
    for number, line in read_lines(path):
        fields = parse.split(line, 6, path, number)
        label = fields[2]
        if fields[3] == "PT":
            label_pts.setdefault(parse.cui(label, path, number), set()).add(
                parse.cui(fields[4], path, number)
            )
            pt_names.setdefault(fields[4], fields[5].strip())
        elif fields[3] == "LLT" and (fields[4] == label or label not in label_names):
            label_names[label] = fields[5].strip()
    data.label_pt = choose_preferred_terms(label_pts, label_names, pt_names)
    data.label_names = label_names
    for label in sorted(data.label_pt):
        stage.add(LABELS, {"cui": label, "name": (label_names.get(label) or label)[:MAX_TEXT]})


def _is_own_term(label: str, cui: str, data: SiderData, file: str) -> bool:
    """False for a PT row of a label term that is another PT (counted)."""
    if data.label_pt.get(label, cui) == cui:
        return True
    data.skipped[f"{file}: {SECONDARY}"] += 1
    return False


def _read_side_effects(
    path: Path, data: SiderData, stage: Stage, progress: Progress | None
) -> None:
    for number, line in read_lines(path, progress):
        data.rows_read[SIDE_EFFECTS] += 1
        fields = parse.split(line, 6, path, number)
        cid = parse.cid(fields[0], path, number)
        if _is_term(fields[3], SIDE_EFFECTS, data):
            cui = parse.cui(fields[4], path, number)
            if cid not in data.names:
                data.skipped[f"{SIDE_EFFECTS}: drug not in the name mapping"] += 1
                data.unmapped.add(cid)
                continue
            if not _is_own_term(fields[2], cui, data, SIDE_EFFECTS):
                continue
            data.effects.setdefault(cui, fields[5].strip() or cui)
            data.cids.add(cid)
            stage.add(PAIRS, {"cid": cid, "label": fields[2], "cui": cui})


def _read_frequencies(
    path: Path,
    data: SiderData,
    stage: Stage,
    progress: Progress | None,
    errata: set[tuple[str, ...]],
) -> None:
    for number, line in read_lines(path, progress):
        data.rows_read[FREQUENCIES] += 1
        fields = parse.split(line, 10, path, number)
        if errata and tuple(fields) in errata:
            data.errata_dropped += 1
            continue
        cid = parse.cid(fields[0], path, number)
        if fields[3] not in ("", "placebo"):
            placebo = fields[3][:40]
            raise SiderError(
                f"{parse.at(path, number)}: column 4 is '{placebo}', not 'placebo' or empty"
            )
        lower = parse.fraction(fields[5], "lower bound", path, number)
        upper = parse.fraction(fields[6], "upper bound", path, number)
        if not _is_term(fields[7], FREQUENCIES, data):
            continue
        cui = parse.cui(fields[8], path, number)
        if cid not in data.names:
            data.skipped[f"{FREQUENCIES}: drug not in the name mapping"] += 1
            continue
        label = parse.cui(fields[2], path, number)
        if not _is_own_term(label, cui, data, FREQUENCIES):
            continue
        row = FreqRow(fields[4].strip()[:MAX_TEXT], lower, upper, fields[3] == "placebo")
        data.effects.setdefault(cui, fields[9].strip() or cui)
        data.cids.add(cid)
        stage.add(PAIRS, {"cid": cid, "label": label, "cui": cui})
        stage.add_frequency(
            {"cid": cid, "label": label, "cui": cui, "band": row_band(row).value,
             "text": row.text or None, "lower": lower, "upper": upper, "placebo": row.placebo}
        )  # fmt: skip


# SIDER's detection methods: NLP_indication rows are the label's indications; NLP_precondition
# rows are conditions the label names for use (respiratory depression for baclofen) and
# text_mention rows any term in the indications text (the panic-attack symptoms, nausea and
# chest pain among them, for clonazepam). Read as indications, they hid real side effects.
INDICATION_METHOD = "NLP_indication"
NOT_AN_INDICATION = "a precondition or a mention in the indications text, not an indication"


def _read_indications(path: Path, data: SiderData, stage: Stage, progress: Progress | None) -> None:
    for number, line in read_lines(path, progress):
        data.rows_read[INDICATIONS] += 1
        fields = parse.split(line, 7, path, number)
        cid = parse.cid(fields[0], path, number)
        if not _is_term(fields[4], INDICATIONS, data):
            continue
        if fields[2] != INDICATION_METHOD:
            data.skipped[f"{INDICATIONS}: {NOT_AN_INDICATION}"] += 1
            continue
        cui = parse.cui(fields[5], path, number)
        if cid not in data.cids:
            data.skipped[f"{INDICATIONS}: drug without side effects in this release"] += 1
            continue
        stage.add(STAGED_INDICATIONS, {"cid": cid, "cui": cui, "name": fields[6].strip() or cui})


def _is_term(kind: str, file: str, data: SiderData) -> bool:
    """PT rows are used; LLT rows (their PT rows follow) and untyped rows are counted."""
    if kind == "PT":
        return True
    reason = "lower-level term (its PT row is used)" if kind == "LLT" else "not a MedDRA term"
    data.skipped[f"{file}: {reason}"] += 1
    return False
