"""One row of a SIDER file, checked field by field: a malformed value is a SiderError naming
the file and line (file:line), raised before anything is written."""

import re
from pathlib import Path

from app.importers.sider.files import SiderError

FLAT_ID = re.compile(r"CID1\d{8}")  # STITCH flat id: CID1 + the PubChem CID, zero-padded
CUI = re.compile(r"C\d{7}")


def at(path: Path, number: int) -> str:
    return f"{path.name}:{number}"


def split(line: str, expected: int, path: Path, number: int) -> list[str]:
    fields = line.split("\t")
    if len(fields) != expected:
        raise SiderError(
            f"{at(path, number)}: expected {expected} tab-separated fields, found {len(fields)}"
        )
    return fields


def cid(value: str, path: Path, number: int) -> int:
    if not FLAT_ID.fullmatch(value):
        raise SiderError(f"{at(path, number)}: '{value[:40]}' is not a flat STITCH id (CID1...)")
    return int(value[4:])


def cui(value: str, path: Path, number: int) -> str:
    if not CUI.fullmatch(value):
        raise SiderError(f"{at(path, number)}: '{value[:40]}' is not a UMLS CUI (C + 7 digits)")
    return value


def fraction(value: str, what: str, path: Path, number: int) -> float:
    try:
        fraction = float(value)
    except ValueError:
        raise SiderError(f"{at(path, number)}: {what} '{value[:40]}' is not a number") from None
    if not 0 <= fraction <= 1:  # also rejects nan
        raise SiderError(f"{at(path, number)}: {what} {value} is not a fraction between 0 and 1")
    return fraction
