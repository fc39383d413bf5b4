"""Read and check seed_data/*.yaml: every error names the file, the record and the field."""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.importers.seed_models import SeedDrug, SeedDrugEffect, SeedEffect, SeedSource
from app.text import name_key

M = TypeVar("M", bound=BaseModel)
FILES = ("sources", "effects", "drugs", "drug_effects")


class SeedError(Exception):
    """A seed file is unreadable or inconsistent; nothing was written."""


@dataclass(frozen=True)
class SeedData:
    sources: list[SeedSource]
    effects: list[SeedEffect]
    drugs: list[SeedDrug]
    drug_effects: list[SeedDrugEffect]
    checksum: str


def read_seed(directory: Path) -> SeedData:
    digest = hashlib.sha256()
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
        if not isinstance(data, list):
            raise SeedError(f"{path.name}: expected a list of records at the top level")
        digest.update(name.encode() + b"\0" + content + b"\0")
        raw[name] = data
    seed = SeedData(
        sources=_parse("sources.yaml", raw["sources"], SeedSource),
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
        label = _label(record)
        try:
            out.append(model.model_validate(record))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(record)"
            raise SeedError(
                f"{file}: record {index}{label}: field '{field}': {first['msg']}"
            ) from exc
    return out


def _label(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    if "slug" in record:
        return f" ({record['slug']})"
    parts = [str(record.get(k)) for k in ("drug", "effect", "context") if k in record]
    return f" ({' / '.join(parts)})" if parts else ""


def check_references(seed: SeedData) -> None:
    """Unique keys, every slug referenced exists, aliases resolve to exactly one record."""
    sources = _unique("sources.yaml", [s.slug for s in seed.sources])
    effects = _unique("effects.yaml", [e.slug for e in seed.effects])
    drugs = _unique("drugs.yaml", [d.slug for d in seed.drugs])
    _unique("drug_effects.yaml", [f"{r.drug}/{r.effect}/{r.context}" for r in seed.drug_effects])

    def need(file: str, index: int, field: str, slug: str, known: set[str]) -> None:
        if slug not in known:
            raise SeedError(f"{file}: record {index}: field '{field}': unknown slug '{slug}'")

    for i, d in enumerate(seed.drugs, 1):
        for c in d.citations:
            need("drugs.yaml", i, "citations.source", c.source, sources)
        for u in d.uses:
            need("drugs.yaml", i, "uses.source", u.source, sources)
        for w in d.warnings:
            need("drugs.yaml", i, "warnings.source", w.source, sources)
    for i, e in enumerate(seed.effects, 1):
        for c in e.citations:
            need("effects.yaml", i, "citations.source", c.source, sources)
        for r in e.related:
            need("effects.yaml", i, "related", r, effects)
    for i, de in enumerate(seed.drug_effects, 1):
        need("drug_effects.yaml", i, "drug", de.drug, drugs)
        need("drug_effects.yaml", i, "effect", de.effect, effects)
        for s in de.accompanying:
            need("drug_effects.yaml", i, "accompanying", s, effects)
        for ev in de.evidence:
            need("drug_effects.yaml", i, "evidence.source", ev.source, sources)
    _check_aliases("drugs.yaml", [(d.slug, d.name, d.aliases) for d in seed.drugs])
    _check_aliases("effects.yaml", [(e.slug, e.name, e.aliases) for e in seed.effects])


def _unique(file: str, keys: list[str]) -> set[str]:
    seen: set[str] = set()
    for index, key in enumerate(keys, 1):
        if key in seen:
            raise SeedError(f"{file}: record {index}: duplicate key '{key}'")
        seen.add(key)
    return seen


def _check_aliases(file: str, records: list[tuple[str, str, list[Any]]]) -> None:
    owner: dict[str, str] = {}
    for slug, name, _ in records:
        for key in {name_key(slug), name_key(slug.replace("-", " ")), name_key(name)}:
            owner.setdefault(key, slug)
    for index, (slug, _, aliases) in enumerate(records, 1):
        for alias in aliases:
            key = name_key(alias.name)
            if owner.get(key, slug) != slug:
                raise SeedError(
                    f"{file}: record {index} ({slug}): field 'aliases': "
                    f"'{alias.name}' already names '{owner[key]}'"
                )
            owner[key] = slug
