"""Find, checksum and stream the SIDER files as SIDER distributes them (`.tsv` or `.tsv.gz`)."""

import gzip
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAPPING = "label_mapping"  # SIDER 4.0: generic and brand names -> STITCH ids
SIDE_EFFECTS = "meddra_all_se"
FREQUENCIES = "meddra_freq"
INDICATIONS = "meddra_all_indications"
FILES = (MAPPING, SIDE_EFFECTS, FREQUENCIES, INDICATIONS)  # the order they are read in

PROGRESS_EVERY = 8192  # lines between progress reports

# progress(task, completed, total): one task per file (bytes) and per table written (rows).
Progress = Callable[[str, int, int], None]


class SiderError(Exception):
    """A SIDER file is missing or malformed; nothing was written."""


@dataclass(frozen=True)
class SiderFiles:
    paths: dict[str, Path]
    checksum: str  # sha256 over every file's bytes, in FILES order


def locate_files(directory: Path) -> SiderFiles:
    """The four files in DIRECTORY, each plain or gzipped; SiderError names what is missing."""
    if not directory.is_dir():
        raise SiderError(f"{directory}: not a directory")
    paths: dict[str, Path] = {}
    for name in FILES:
        found = [
            p for p in (directory / f"{name}.tsv", directory / f"{name}.tsv.gz") if p.is_file()
        ]
        if not found:
            raise SiderError(f"{directory}: missing {name}.tsv (or {name}.tsv.gz)")
        if len(found) > 1:
            raise SiderError(f"{directory}: both {name}.tsv and {name}.tsv.gz; keep one")
        paths[name] = found[0]
    return SiderFiles(paths=paths, checksum=_checksum(paths))


def _checksum(paths: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0")
        with paths[name].open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def read_lines(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, str]]:
    """Yield (line number, line without its newline), one at a time; blank lines are skipped.

    Text is UTF-8, except that a line which is not valid UTF-8 is read as Latin-1: the real
    label_mapping.tsv mixes both.
    """
    total = path.stat().st_size
    with path.open("rb") as raw:
        stream: io.BufferedIOBase = raw
        if path.suffix == ".gz":
            stream = gzip.GzipFile(fileobj=raw)
        try:
            for number, data in enumerate(stream, start=1):
                if progress is not None and number % PROGRESS_EVERY == 0:
                    progress(path.name, raw.tell(), total)
                line = _decode(data).rstrip("\r\n")
                if line.strip():
                    yield number, line
        except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
            raise SiderError(f"{path.name}: cannot read ({exc})") from exc
    if progress is not None:
        progress(path.name, total, total)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
