"""Reading terminology files strictly: a missing, empty, truncated or malformed file is a
TerminologyError naming the file (and line), raised before anything is written.

RRF (RxNorm): one row a line, fields separated by `|`, a `|` after the last field, the line
ending in a newline; a last line without its newline is a download cut mid-line. CSV (ATC):
a header naming `code` and `name`, then one code a row.
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

# WHO ATC codes, levels 1-5 (`N`, `N03`, `N03A`, `N03AE`, `N03AE01`).
ATC_CODE = re.compile(r"^[A-Z](?:\d\d(?:[A-Z](?:[A-Z](?:\d\d)?)?)?)?$")
ATC_SUBSTANCE = re.compile(r"^[A-Z]\d\d[A-Z][A-Z]\d\d$")  # level 5: a chemical substance
MAX_NAME = 3000  # RXNCONSO's STR is at most 3000 characters


class TerminologyError(Exception):
    """A terminology file is missing or malformed; nothing was written."""


def checksum(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as file:
            while block := file.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def read_rrf(path: Path, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """The rows of an RRF file as dicts of COLUMNS (the release's own column order)."""
    if not path.is_file():
        raise TerminologyError(f"{path.name}: not found in {path.parent.name or path.parent}")
    number = 0
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            line = _decode(raw, path, number)
            if not line.endswith("\n"):
                raise TerminologyError(
                    f"{path.name} line {number}: no newline at its end (a cut download?)"
                )
            fields = line.rstrip("\r\n").split("|")
            if len(fields) != len(columns) + 1 or fields[-1] != "":
                raise TerminologyError(
                    f"{path.name} line {number}: {len(fields) - 1} fields, expected "
                    f"{len(columns)} each followed by '|' ({'|'.join(columns)}|)"
                )
            yield dict(zip(columns, fields, strict=False))
    if number == 0:
        raise TerminologyError(f"{path.name}: empty")


def read_atc_csv(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, code, name) of a CSV with `code` and `name` columns (any others ignored)."""
    if not path.is_file():
        raise TerminologyError(f"{path.name}: not found")
    data = path.read_bytes()
    text = _decode(data, path, 0)
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip().casefold() for h in next(rows, [])]
    if "code" not in header or "name" not in header:
        raise TerminologyError(f"{path.name} line 1: the header must name 'code' and 'name'")
    code_at, name_at, count = header.index("code"), header.index("name"), 0
    for row in rows:
        number = rows.line_num
        if not any(field.strip() for field in row):
            continue
        if len(row) != len(header):
            raise TerminologyError(
                f"{path.name} line {number}: {len(row)} fields, expected {len(header)}"
            )
        code, name = row[code_at].strip().upper(), row[name_at].strip()
        if not ATC_CODE.match(code):
            raise TerminologyError(f"{path.name} line {number}: {code[:20]!r} is not an ATC code")
        if not name or len(name) > MAX_NAME:
            raise TerminologyError(f"{path.name} line {number}: no name, or a name too long")
        count += 1
        yield number, code, name
    if count == 0:
        raise TerminologyError(f"{path.name}: no codes (an empty file?)")


def _decode(data: bytes, path: Path, number: int) -> str:
    try:
        return data.decode()
    except UnicodeDecodeError as exc:
        where = f" line {number}" if number else ""
        raise TerminologyError(f"{path.name}{where}: not UTF-8 ({exc.reason})") from None
