"""Find, checksum and stream the SIDER files as SIDER distributes them (`.tsv` or `.tsv.gz`).

Refuses what would silently lose data: a missing, empty, truncated or undecodable file is a
SiderError naming the file (and line), raised before anything is written. Truncated means: a
gzip stream without its end (trailer), a last line without its newline (a download cut
mid-line), or fewer rows than the file's size can hold (MAX_BYTES_PER_ROW).
"""

import gzip
import hashlib
import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAPPING = "label_mapping"  # SIDER 4.0: generic and brand names -> STITCH ids
SIDE_EFFECTS = "meddra_all_se"
FREQUENCIES = "meddra_freq"
INDICATIONS = "meddra_all_indications"
FILES = (MAPPING, SIDE_EFFECTS, FREQUENCIES, INDICATIONS)  # the order they are read in
ERRATA = "meddra_freq_to_exclude"  # SIDER's published errata (CC0), applied when present
# Only the 4.0 name mapping mixes encodings (a few brand names in Latin-1); the 4.1 files are
# UTF-8, and a line that is not is an error.
LATIN1_ALLOWED = frozenset({MAPPING})

PROGRESS_EVERY = 8192  # lines between progress reports
# SIDER 4.1's rows average 63-138 bytes (label_mapping's longest line: 6 KiB); a file with
# more bytes, stored or unpacked, per row than this is not a list of rows (a download padded
# or replaced by something else) and is refused.
MAX_BYTES_PER_ROW = 1024

# progress(task, completed, total): one task per file (bytes) and per table written (rows).
Progress = Callable[[str, int, int], None]


class SiderError(Exception):
    """A SIDER file is missing or malformed; nothing was written."""


@dataclass(frozen=True)
class SiderFiles:
    paths: dict[str, Path]
    errata: Path | None
    checksum: str  # sha256 over every file's bytes (errata included), in FILES order


def locate_files(directory: Path, errata: Path | None = None) -> SiderFiles:
    """The four files in DIRECTORY, each plain or gzipped, and the errata file (given, or
    beside them); SiderError names what is missing or empty."""
    if not directory.is_dir():
        raise SiderError(f"{directory}: not a directory")
    paths: dict[str, Path] = {}
    for name in FILES:
        found = _one(directory, name)
        if found is None:
            raise SiderError(f"{directory}: missing {name}.tsv (or {name}.tsv.gz)")
        if found.stat().st_size == 0:
            raise SiderError(f"{found.name}: the file is empty")
        paths[name] = found
    if errata is not None and not errata.is_file():
        raise SiderError(f"{errata}: no such errata file")
    errata = errata or _one(directory, ERRATA)
    return SiderFiles(paths=paths, errata=errata, checksum=_checksum(paths, errata))


def _one(directory: Path, name: str) -> Path | None:
    found = [p for p in (directory / f"{name}.tsv", directory / f"{name}.tsv.gz") if p.is_file()]
    if len(found) > 1:
        raise SiderError(f"{directory}: both {name}.tsv and {name}.tsv.gz; keep one")
    return found[0] if found else None


def _checksum(paths: dict[str, Path], errata: Path | None) -> str:
    digest = hashlib.sha256()
    for name, path in [*paths.items(), *([(ERRATA, errata)] if errata else [])]:
        digest.update(name.encode() + b"\0")
        with path.open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class Decoding:
    """Lines of a file read as Latin-1 because they were not UTF-8 (label_mapping only)."""

    latin1_lines: int = 0
    first: str | None = None  # file:line of the first


def read_lines(
    path: Path, progress: Progress | None = None, decoding: Decoding | None = None
) -> Iterator[tuple[int, str]]:
    """Yield (line number, line without its newline), one at a time; blank lines are skipped.

    A file with no line at all, a truncated gzip stream, a last line without its newline, too
    few rows for the file's size or (except in label_mapping) a line that is not UTF-8 raises
    SiderError."""
    total = path.stat().st_size
    name = path.name.split(".")[0]
    seen = unpacked = 0
    with path.open("rb") as raw:
        stream: io.BufferedIOBase = raw
        if path.suffix == ".gz":
            stream = gzip.GzipFile(fileobj=raw)
        try:
            for number, data in enumerate(stream, start=1):
                if progress is not None and number % PROGRESS_EVERY == 0:
                    progress(path.name, raw.tell(), total)
                if not data.endswith(b"\n"):  # only the last line can lack it
                    raise SiderError(
                        f"{_at(path, number)}: the last line is cut (no newline at the end "
                        "of the file): truncated download?"
                    )
                unpacked += len(data)
                line = _decode(data, path, number, name, decoding).rstrip("\r\n")
                if line.strip():
                    seen += 1
                    yield number, line
        except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
            raise SiderError(f"{path.name}: cannot read, truncated or corrupt ({exc})") from exc
    if not seen:
        raise SiderError(f"{path.name}: the file has no rows")
    if max(total, unpacked) > seen * MAX_BYTES_PER_ROW:
        raise SiderError(
            f"{path.name}: {seen:,} rows in {max(total, unpacked):,} bytes is implausible "
            f"(over {MAX_BYTES_PER_ROW:,} bytes a row): corrupt or padded download?"
        )
    if progress is not None:
        progress(path.name, total, total)


def _at(path: Path, number: int) -> str:
    return f"{path.name}:{number}"


def _decode(data: bytes, path: Path, number: int, name: str, decoding: Decoding | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if name not in LATIN1_ALLOWED:
            raise SiderError(f"{path.name}:{number}: not valid UTF-8 ({exc.reason})") from None
        if decoding is not None:
            decoding.latin1_lines += 1
            decoding.first = decoding.first or f"{path.name}:{number}"
        return data.decode("latin-1")
