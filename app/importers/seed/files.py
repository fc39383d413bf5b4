"""Read and check seed_data/*.yaml: every error names the file, the record and the field."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.enums import AnchorKind, MeddraLevel
from app.importers.seed.effect_models import SeedDrugEffect, SeedEffect
from app.importers.seed.models import SeedClass, SeedDrug, SeedSource, cites_of
from app.name_keys import name_key, slug_key, slugify

M = TypeVar("M", bound=BaseModel)
FILES = ("sources", "classes", "effects", "drugs", "drug_effects")
# Bump when the loader writes the same files differently: the release checksum changes, so
# `sidefx seed` reloads after an upgrade even when the files did not change.
FORMAT = "seed-format-2"


class SeedError(Exception):
    """A seed file is unreadable or inconsistent; nothing was written."""


@dataclass(frozen=True)
class Anchor:
    key: str
    kind: AnchorKind
    label: str


@dataclass(frozen=True)
class SeedData:
    sources: list[SeedSource]
    classes: list[SeedClass]
    effects: list[SeedEffect]
    drugs: list[SeedDrug]
    drug_effects: list[SeedDrugEffect]
    checksum: str


def anchors_of(source: SeedSource) -> list[Anchor]:
    """A source's anchors in order: heading slugs, `pN` paragraphs, or section keys."""
    a = source.anchors
    if a.headings:
        return [
            Anchor(slugify(h), AnchorKind.heading, h)
            if isinstance(h, str)
            else Anchor(h.key, AnchorKind.heading, h.heading)
            for h in a.headings
        ]
    if a.paragraphs:
        return [Anchor(f"p{n}", AnchorKind.paragraph, t) for n, t in sorted(a.paragraphs.items())]
    return [Anchor(k, AnchorKind.section, t) for k, t in a.sections.items()]


def read_seed(directory: Path) -> SeedData:
    digest = hashlib.sha256(FORMAT.encode() + b"\0")
    raw: dict[str, list[Any]] = {}
    for name in FILES:
        path = directory / f"{name}.yaml"
        try:
            content = path.read_bytes()
            data = yaml.safe_load(content)
        except OSError as exc:
            raise SeedError(f"{path.name}: cannot read ({exc.strerror})") from exc
        except yaml.YAMLError as exc:
            raise SeedError(f"{path.name}: not valid YAML: {exc}") from exc
        if not isinstance(data, list) or not data:
            raise SeedError(f"{path.name}: expected a non-empty list of records at the top level")
        digest.update(name.encode() + b"\0" + content + b"\0")
        raw[name] = data
    seed = SeedData(
        sources=_parse("sources.yaml", raw["sources"], SeedSource),
        classes=_parse("classes.yaml", raw["classes"], SeedClass),
        effects=_parse("effects.yaml", raw["effects"], SeedEffect),
        drugs=_parse("drugs.yaml", raw["drugs"], SeedDrug),
        drug_effects=_parse("drug_effects.yaml", raw["drug_effects"], SeedDrugEffect),
        checksum=digest.hexdigest(),
    )
    check_references(seed)
    return seed


def _parse(file: str, records: list[Any], model: type[M]) -> list[M]:
    out = []
    for index, record in enumerate(records, start=1):
        try:
            out.append(model.model_validate(record))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(record)"
            raise SeedError(
                f"{file}: record {index}{_label(record)}: field '{field}': {first['msg']}"
            ) from exc
    return out


def _label(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    if "slug" in record:
        return f" ({record['slug']})"
    parts = [str(record.get(k)) for k in ("drug", "effect", "context") if k in record]
    return f" ({' / '.join(parts)})" if parts else ""


def record_label(record: BaseModel) -> str:
    slug = getattr(record, "slug", None)
    if slug:
        return str(slug)
    return f"{record.drug}/{record.effect}/{record.context}"  # type: ignore[attr-defined]


def check_references(seed: SeedData) -> None:
    """Unique keys, every slug and citation anchor referenced exists, names are unambiguous."""
    sources = {s.slug: {a.key for a in anchors_of(s)} for s in seed.sources}
    _unique("sources.yaml", [s.slug for s in seed.sources])
    classes = _unique("classes.yaml", [c.slug for c in seed.classes])
    effects = _unique("effects.yaml", [e.slug for e in seed.effects])
    drugs = _unique("drugs.yaml", [d.slug for d in seed.drugs])
    _unique("drug_effects.yaml", [f"{r.drug}/{r.effect}/{r.context}" for r in seed.drug_effects])
    for file, records in (
        ("classes.yaml", seed.classes),
        ("effects.yaml", seed.effects),
        ("drugs.yaml", seed.drugs),
        ("drug_effects.yaml", seed.drug_effects),
    ):
        for index, record in enumerate(records, 1):
            _check_cites(file, index, record, sources)
    coded_pt = {e.slug for e in seed.effects if e.codes and e.codes.level is MeddraLevel.pt}
    for i, e in enumerate(seed.effects, 1):
        if e.broader is not None:
            # A MedDRA lowest-level term sits under a preferred term; a curated concept under any.
            known = coded_pt if e.codes else effects
            _need("effects.yaml", i, e.slug, "broader.effect", e.broader.effect, known)
    _unique("effects.yaml", [e.codes.umls_cui for e in seed.effects if e.codes], what="code")
    for i, d in enumerate(seed.drugs, 1):
        for m in d.classes:
            _need("drugs.yaml", i, d.slug, "classes.class", m.drug_class, classes)
    for i, de in enumerate(seed.drug_effects, 1):
        label = f"{de.drug}/{de.effect}/{de.context}"
        _need("drug_effects.yaml", i, label, "drug", de.drug, drugs)
        _need("drug_effects.yaml", i, label, "effect", de.effect, effects)
        for s in de.accompanying:
            _need("drug_effects.yaml", i, label, "accompanying.effect", s.effect, effects)
    _check_names("drugs.yaml", [(d.slug, d.name, [a.name for a in d.aliases]) for d in seed.drugs])
    _check_names(
        "effects.yaml",
        [
            (
                e.slug,
                e.name,
                [a.name for a in e.aliases] + ([e.codes.meddra_term] if e.codes else []),
            )
            for e in seed.effects
        ],
    )
    _check_names(
        "classes.yaml", [(c.slug, c.name, [a.name for a in c.aliases]) for c in seed.classes]
    )


def _check_cites(file: str, index: int, record: BaseModel, sources: dict[str, set[str]]) -> None:
    for path, cites in cites_of(record):
        for cite in cites:
            source, _, anchor = cite.partition("#")
            if source not in sources:
                raise SeedError(
                    f"{file}: record {index} ({record_label(record)}): field '{path}.cite': "
                    f"unknown source '{source}'"
                )
            if anchor not in sources[source]:
                raise SeedError(
                    f"{file}: record {index} ({record_label(record)}): field '{path}.cite': "
                    f"'{anchor}' is not an anchor of {source} (sources.yaml lists its anchors)"
                )


def _need(file: str, index: int, label: str, field: str, slug: str, known: set[str]) -> None:
    if slug not in known:
        raise SeedError(f"{file}: record {index} ({label}): field '{field}': unknown '{slug}'")


def _unique(file: str, keys: Iterable[str], what: str = "key") -> set[str]:
    seen: set[str] = set()
    for index, key in enumerate(keys, 1):
        if key in seen:
            raise SeedError(f"{file}: record {index}: duplicate {what} '{key}'")
        seen.add(key)
    return seen


def _check_names(file: str, records: list[tuple[str, str, list[str]]]) -> None:
    """Every name resolves to one record: no alias may be another record's name or alias."""
    owner: dict[str, str] = {}
    for slug, name, _ in records:
        for key in {slug_key(slug), name_key(name)}:
            owner.setdefault(key, slug)
    for index, (slug, _, names) in enumerate(records, 1):
        for alias in names:
            key = name_key(alias)
            if owner.get(key, slug) != slug:
                raise SeedError(
                    f"{file}: record {index} ({slug}): field 'aliases': "
                    f"'{alias}' already names '{owner[key]}'"
                )
            owner[key] = slug
