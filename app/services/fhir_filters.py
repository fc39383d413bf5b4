"""FHIR search parameters -> SQL: which drugs (MedicationKnowledge) and which records, uses
and warnings (ClinicalUseDefinition) a search names. Token values are `system|code`, `|code`
(no system), `code` (any system) or `system|` (any code of it); commas mean OR."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from app.enums import Context, WarningKind
from app.models import Drug, DrugCode, DrugEffect, DrugUse, DrugWarning, Effect
from app.services.fhir_common import PREFIXES, SYSTEMS
from app.services.fhir_medication import drugs_by_id

DRUG_SYSTEMS = {SYSTEMS[k]: k for k in ("atc", "rxnorm", "pubchem")}
EFFECT_SYSTEMS = {SYSTEMS[k]: k for k in ("umls", "meddra")}
TYPES = {"undesirable-effect": "ue", "indication": "in", "interaction": "wa", "warning": "wa"}
R5_TYPES = frozenset({*TYPES, "contraindication"})
MAX_VALUES = 100


class FhirProblem(Exception):
    """A request FHIR answers with an OperationOutcome: its HTTP status, issue code and text."""

    def __init__(self, status: int, code: str, diagnostics: str) -> None:
        super().__init__(diagnostics)
        self.status, self.code, self.diagnostics = status, code, diagnostics


@dataclass
class Filters:
    values: dict[str, list[str]]
    used: list[tuple[str, str]]  # as given, for the self link
    paging: dict[str, str]
    notes: list[str] = field(default_factory=list)  # why a value matches nothing

    @classmethod
    def parse(
        cls, kind: str, names: tuple[str, ...], params: list[tuple[str, str]], *, strict: bool
    ) -> "Filters":
        """PARAMS checked against NAMES. Unknown ones (and modifiers) are a 400 when STRICT
        (`Prefer: handling=strict`); otherwise (FHIR's default, lenient) they are ignored,
        left out of the self link and named in the Bundle's outcome entry."""
        values: dict[str, list[str]] = {}
        used, paging, ignored = [], {}, []
        for name, value in params:
            if name in ("_format", "_total"):  # the total is always given, and exact
                continue
            if ":" in name or name not in (*names, "_count", "_offset"):
                if strict:
                    supported = ", ".join((*names, "_count", "_offset", "_format", "_total"))
                    raise FhirProblem(
                        400, "not-supported", f"unknown search parameter '{name[:40]}' for "
                        f"{kind} (modifiers are not supported); supported: {supported}",
                    )  # fmt: skip
                ignored.append(name[:40])
                continue
            if name in values or name in paging:
                raise FhirProblem(400, "invalid", f"{name} is given more than once")
            if name in ("_count", "_offset"):
                paging[name] = value
                continue
            parts = [v.strip() for v in value.split(",") if v.strip()]
            if not parts or len(parts) > MAX_VALUES:
                raise FhirProblem(400, "invalid", f"{name} needs 1 to {MAX_VALUES} values")
            values[name] = parts
            used.append((name, value))
        notes = [f"Ignored (not supported): {', '.join(ignored)}."] if ignored else []
        return cls(values, used, paging, notes)

    def tokens(self, name: str) -> list[tuple[str | None, str | None]]:
        """(system or None, code or None) per value: `s|c`, `|c`, `c`, `s|`."""
        out: list[tuple[str | None, str | None]] = []
        for value in self.values.get(name, []):
            system, bar, code = value.rpartition("|") if "|" in value else ("", "", value)
            out.append((system or (None if not bar else ""), code or None))
        return out


def drug_ids(session: Session, filters: Filters) -> Select[Any]:
    stmt = select(Drug.id).order_by(Drug.slug)
    if "_id" in filters.values:
        stmt = stmt.where(Drug.id.in_(drugs_by_id(session, filters.values["_id"]).values()))
    if "code" in filters.values:
        stmt = stmt.where(
            or_(false(), *(_drug_code(filters, s, c) for s, c in filters.tokens("code")))
        )
    return stmt


def _drug_code(filters: Filters, system: str | None, code: str | None) -> Any:
    if system and system not in DRUG_SYSTEMS:
        filters.notes.append(f"code: the system {system[:100]} is not one sidefx knows "
                             f"(known: {', '.join(DRUG_SYSTEMS)}).")  # fmt: skip
        return false()
    kinds = [DRUG_SYSTEMS[system]] if system else list(DRUG_SYSTEMS.values())
    conditions: list[Any] = []
    for kind in kinds:
        value = code.upper() if code and kind == "atc" else code
        column = {"atc": Drug.atc_code, "rxnorm": Drug.rxcui, "pubchem": Drug.pubchem_cid}[kind]
        imported = select(DrugCode.drug_id).where(DrugCode.system == kind)
        if value is None:
            conditions += [column.isnot(None), Drug.id.in_(imported)]
        elif kind == "pubchem":
            conditions.append(
                column == int(value) if value.isdigit() and len(value) < 12 else false()
            )
        else:
            conditions += [column == value, Drug.id.in_(imported.where(DrugCode.code == value))]
    return or_(*conditions)


def clinical_use_ids(session: Session, filters: Filters) -> list[tuple[str, Select[Any]]]:
    """(id prefix, statement of ids) per kind of ClinicalUseDefinition the filters allow."""
    v = filters.values
    types = set(v.get("type", TYPES))
    for t in types - R5_TYPES:
        raise FhirProblem(400, "invalid", f"type '{t[:40]}' is not a ClinicalUseDefinition type")
    drugs = _subjects(session, filters)
    out = []
    for prefix, model, order in (
        ("ue", DrugEffect, (DrugEffect.drug_id, DrugEffect.list_rank)),
        ("in", DrugUse, (DrugUse.drug_id, DrugUse.release, DrugUse.position)),
        ("wa", DrugWarning, (DrugWarning.drug_id, DrugWarning.position)),
    ):
        if not any(TYPES[t] == prefix for t in types & set(TYPES)):
            continue
        stmt: Select[Any] = select(model.id).order_by(*order, model.id)
        if drugs is not None:
            stmt = stmt.where(model.drug_id.in_(drugs))
        if "_id" in v:
            own = [i.partition("-")[2] for i in v["_id"] if i.partition("-")[0] == prefix]
            stmt = stmt.where(model.id.in_([int(i) for i in own if i.isdigit() and len(i) < 19]))
        if prefix == "ue":
            stmt = stmt.where(DrugEffect.flag.is_(None))
            stmt = _record_filters(filters, stmt)
        elif "effect" in v or "context" in v:
            continue  # only undesirable effects have an effect and a context
        if prefix == "in" and "indication" in v:
            cuis = [c.upper() for s, c in filters.tokens("indication") if c and s != "x"]
            stmt = stmt.where(DrugUse.umls_cui.in_(cuis))
        elif "indication" in v:
            continue
        if prefix == "wa" and types & {"interaction", "warning"} != {"interaction", "warning"}:
            is_interaction = DrugWarning.kind == WarningKind.interaction
            stmt = stmt.where(is_interaction if "interaction" in types else ~is_interaction)
        out.append((prefix, stmt))
    return out


def _subjects(session: Session, filters: Filters) -> list[int] | None:
    """Drug ids the `subject` / `product` references name (None: no such filter)."""
    found: list[int] | None = None
    for name in ("subject", "product"):
        if name not in filters.values:
            continue
        ids = []
        for ref in filters.values[name]:
            kind, _, rid = ref.rstrip("/").rpartition("/")
            if kind and not kind.endswith("MedicinalProductDefinition"):
                filters.notes.append(f"{name}: subjects are MedicinalProductDefinitions.")
                continue
            ids.append(rid)
        named = list(drugs_by_id(session, ids).values())
        found = named if found is None else [i for i in found if i in named]
    return found


def _record_filters(filters: Filters, stmt: Select[Any]) -> Select[Any]:
    if "context" in filters.values:
        contexts = [c for _, c in filters.tokens("context") if c in Context.__members__]
        stmt = stmt.where(DrugEffect.context.in_(contexts))
    if "effect" in filters.values:
        conditions = []
        for system, code in filters.tokens("effect"):
            kind = EFFECT_SYSTEMS.get(system or "") if system else None
            if (system and kind is None) or code is None:
                filters.notes.append(f"effect: use {' or '.join(EFFECT_SYSTEMS)} with a code.")
                continue
            if kind in (None, "umls"):
                conditions.append(Effect.umls_cui == code.upper())
            if kind in (None, "meddra") and code.isdigit() and len(code) < 10:
                conditions.append(Effect.meddra_code == int(code))
        effects = select(Effect.id).where(or_(false(), *conditions))
        stmt = stmt.where(DrugEffect.effect_id.in_(effects))
    return stmt


__all__ = ["PREFIXES", "FhirProblem", "Filters", "clinical_use_ids", "drug_ids"]
