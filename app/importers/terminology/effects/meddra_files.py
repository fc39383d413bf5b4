"""Read the user's MedDRA ASCII distribution (the `MedAscii` folder, or its files).

Layouts, as MedDRA's "Distribution File Format Document" gives them (one record a line,
fields ended by `$`, so a line ends with `$`; the English files are extended ASCII, other
languages UTF-8). Checked against the column lists loaders of MedDRA use, e.g. OHDSI's
Vocabulary-v5.0 (MedDRA/create_source_tables.sql and its *.ctl control files):

- soc.asc:    soc_code $ soc_name $ soc_abbrev $ (7 legacy cross-coding fields) $
- pt.asc:     pt_code $ pt_name $ null_field $ pt_soc_code $ (7 legacy fields) $
- llt.asc:    llt_code $ llt_name $ pt_code $ (6 legacy fields) $ llt_currency $ llt_jart_code $
- mdhier.asc: pt_code $ hlt_code $ hlgt_code $ soc_code $ pt_name $ hlt_name $ hlgt_name $
              soc_name $ soc_abbrev $ null_field $ pt_soc_code $ primary_soc_fg $
- meddra_release.asc: version $ language $ ... (e.g. `27.0$English$$`)

A PT's primary SOC is its mdhier row flagged `Y` (pt.asc's pt_soc_code says the same; a file
where they differ is refused). LLT currency `Y` marks current terms. A missing file, a line
with too few fields or a code that is not a number, and a distribution whose files do not
fit together (an LLT under no PT, a PT without its primary SOC or its own LLT: the signs of a
cut file) raise TerminologyError naming the file and line.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.importers.terminology.effects.release import TerminologyError

FILES = ("soc.asc", "pt.asc", "llt.asc", "mdhier.asc")
RELEASE_FILE = "meddra_release.asc"
FIELDS = {"soc.asc": 3, "pt.asc": 4, "llt.asc": 10, "mdhier.asc": 12}  # fields read, at least


@dataclass
class MeddraRelease:
    version: str
    checksum: str
    socs: dict[int, tuple[str, str]] = field(default_factory=dict)  # code -> (name, abbrev)
    pts: dict[int, tuple[str, int]] = field(default_factory=dict)  # code -> (name, primary SOC)
    llts: dict[int, tuple[str, int, bool]] = field(default_factory=dict)  # -> (name, pt, current)


def read_meddra(directory: Path, version: str | None = None) -> MeddraRelease:
    files = _locate(directory)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].read_bytes())
    found = _version(files.get(RELEASE_FILE))
    if not (version or found):
        raise TerminologyError(f"{directory}: no {RELEASE_FILE}: give the version (--version)")
    release = MeddraRelease(version=version or found, checksum=digest.hexdigest())
    for number, f in _records(files["soc.asc"]):
        release.socs[_code(files["soc.asc"], number, f[0])] = (f[1], f[2])
    pt_socs: dict[int, tuple[int, int | None]] = {}
    for number, f in _records(files["pt.asc"]):
        code = _code(files["pt.asc"], number, f[0])
        soc = _code(files["pt.asc"], number, f[3]) if f[3] else None
        release.pts[code] = (f[1], 0)
        pt_socs[code] = (number, soc)
    for number, f in _records(files["llt.asc"]):
        path = files["llt.asc"]
        code, pt = _code(path, number, f[0]), _code(path, number, f[2])
        if pt not in release.pts:
            raise TerminologyError(
                f"{path}: line {number}: LLT {code} is under PT {pt}, "
                "which pt.asc does not have (a cut file?)"
            )
        release.llts[code] = (f[1], pt, f[9].strip().upper() == "Y")
    if not release.pts:
        raise TerminologyError(f"{files['pt.asc']}: no preferred terms (an empty file?)")
    _primary_socs(files["mdhier.asc"], files["pt.asc"], release, pt_socs)
    own = [pt for pt in release.pts if pt not in release.llts]
    if own:
        raise TerminologyError(
            f"{files['llt.asc']}: PT {own[0]} has no LLT of its own "
            f"({len(own)} PTs lack one: a cut file?)"
        )
    return release


def _primary_socs(
    path: Path, pt_path: Path, release: MeddraRelease, pt_socs: dict[int, tuple[int, int | None]]
) -> None:
    for number, f in _records(path):
        if f[11].strip().upper() != "Y":
            continue
        pt, soc = _code(path, number, f[0]), _code(path, number, f[3])
        if pt not in release.pts or soc not in release.socs:
            raise TerminologyError(
                f"{path}: line {number}: PT {pt} or SOC {soc} is in no "
                "pt.asc / soc.asc line (files of different versions?)"
            )
        line, stated = pt_socs[pt]
        if stated is not None and stated != soc:
            raise TerminologyError(
                f"{pt_path}: line {line}: PT {pt}'s primary SOC is {stated}, "
                f"{path.name} line {number} says {soc}"
            )
        release.pts[pt] = (release.pts[pt][0], soc)
    missing = [pt for pt, (_, soc) in release.pts.items() if not soc]
    if missing:
        raise TerminologyError(
            f"{path}: PT {missing[0]} has no primary SOC row "
            f"({len(missing)} PTs lack one: a cut file?)"
        )


def _locate(directory: Path) -> dict[str, Path]:
    """Each file by its lower-case name, in DIR or its MedAscii folder."""
    for folder in (directory, directory / "MedAscii", directory / "medascii"):
        if folder.is_dir():
            files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
            if all(name in files for name in FILES):
                return files
    if not directory.is_dir():
        raise TerminologyError(f"{directory}: not a folder")
    raise TerminologyError(
        f"{directory}: not a MedDRA ASCII distribution (needs {', '.join(FILES)}, "
        "there or in its MedAscii folder)"
    )


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each line; too few fields raise TerminologyError."""
    need = FIELDS[path.name.lower()]
    for number, line in enumerate(_text(path).splitlines(), start=1):
        fields = line.split("$")
        if len(fields) < need or not fields[0].strip():
            raise TerminologyError(
                f"{path}: line {number}: {len(fields)} fields, {path.name} has at least {need} "
                "(a cut or different file?)"
            )
        yield number, [f.strip() for f in fields]


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # the English distribution's extended ASCII


def _code(path: Path, number: int, value: str) -> int:
    if not value.isdigit():
        raise TerminologyError(f"{path}: line {number}: not a MedDRA code: {value[:20]!r}")
    return int(value)


def _version(path: Path | None) -> str:
    if path is None:
        return ""
    first = next(iter(_text(path).splitlines()), "")
    return first.split("$")[0].strip()
