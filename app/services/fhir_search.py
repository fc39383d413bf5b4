"""FHIR REST reads and searches (/fhir): read by id, searchset Bundles with total, paging
links and `_count`, over the same builders as the per-drug Bundle (docs/fhir.md).

Search parameters are checked: a repeated one or a bad value is a 400 (an OperationOutcome
naming it); an unknown one or a modifier is ignored as FHIR's lenient handling says (a 400
with `Prefer: handling=strict`), but never silently: it is left out of the self link and the
Bundle names it in an OperationOutcome entry (search mode `outcome`), as it does a code of a
system sidefx does not know.

`read` and `search` run in the database call and answer a function that writes the JSON:
the route calls it after the call, so building is not counted against the database deadline.
"""

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from app import readmodel
from app.services.fhir_clinical_use import clinical_uses
from app.services.fhir_common import Resource, full_url, ready, to_json
from app.services.fhir_filters import FhirProblem, Filters, clinical_use_ids, drug_ids
from app.services.fhir_medication import drug_resources, drugs_by_id

DEFAULT_COUNT, MAX_COUNT, MAX_OFFSET = 20, 100, 10_000
PAGING = ("_count", "_offset")
SEARCH_PARAMETERS = {
    "MedicationKnowledge": ("_id", "code"),
    "ClinicalUseDefinition": (
        "_id",
        "subject",
        "product",
        "type",
        "effect",
        "indication",
        "context",
    ),
}
READABLE = ("MedicationKnowledge", "MedicinalProductDefinition", "ClinicalUseDefinition")


Writer = Callable[[], bytes]  # an answer read, written to JSON when called


def read(session: Session, base: str, kind: str, rid: str) -> Writer:
    """One resource by id, or a 404 FhirProblem naming it."""
    resource: Resource | None = None
    if kind == "ClinicalUseDefinition":
        found = clinical_uses(session, base, [rid])
        resource = found[0] if found else None
    elif kind in READABLE:
        drugs = drugs_by_id(session, [rid])
        if drugs:
            pair = drug_resources(session, base, list(drugs.values()))[0]
            resource = partial(ready, pair[0] if kind == "MedicationKnowledge" else pair[1])
    if resource is None:
        raise FhirProblem(404, "not-found", f"{kind}/{rid[:64]} is not known")
    return partial(_resource_json, resource)


def search(
    session: Session, base: str, kind: str, params: list[tuple[str, str]], *, strict: bool
) -> Writer:
    """A searchset Bundle of KIND matching PARAMS (the query's name/value pairs)."""
    filters = Filters.parse(kind, SEARCH_PARAMETERS[kind], params, strict=strict)
    count = _number(filters.paging.get("_count"), "_count", DEFAULT_COUNT, MAX_COUNT)
    offset = _number(filters.paging.get("_offset"), "_offset", 0, MAX_OFFSET)
    if kind == "MedicationKnowledge":
        total, resources = _drugs(session, base, filters, count, offset)
    else:
        total, resources = _clinical_uses(session, base, filters, count, offset)
    link = [{"relation": "self", "url": _url(base, kind, filters, count, offset)}]
    if offset + count < total:
        link.append({"relation": "next", "url": _url(base, kind, filters, count, offset + count)})
    if offset > 0:
        previous = max(offset - count, 0)
        link.append({"relation": "previous", "url": _url(base, kind, filters, count, previous)})
    notes = " ".join(filters.notes)
    return partial(_searchset_json, base, total, link, resources, notes)


def _searchset_json(
    base: str, total: int, link: list[dict[str, str]], resources: list[Resource], notes: str
) -> bytes:
    entries: list[dict[str, Any]] = []
    for build in resources:
        resource = build()
        entries.append({"fullUrl": full_url(base, resource), "resource": resource,
                        "search": {"mode": "match"}})  # fmt: skip
    if notes:
        outcome = operation_outcome("information", "not-found", notes)
        entries.append({"resource": outcome, "search": {"mode": "outcome"}})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "total": total,
                              "link": link}  # fmt: skip
    if entries:
        bundle["entry"] = entries
    return to_json(bundle)


def _resource_json(resource: Resource) -> bytes:
    return to_json(resource())


def operation_outcome(severity: str, code: str, diagnostics: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def _drugs(
    session: Session, base: str, filters: Filters, count: int, offset: int
) -> tuple[int, list[Resource]]:
    stmt = drug_ids(session, filters)
    total = readmodel.count(session, stmt)
    page = list(session.scalars(stmt.limit(count).offset(offset))) if count else []
    pairs = drug_resources(session, base, page) if page else []
    return total, [partial(ready, pair[0]) for pair in pairs]


def _clinical_uses(
    session: Session, base: str, filters: Filters, count: int, offset: int
) -> tuple[int, list[Resource]]:
    """Kinds one after the other (records, uses, warnings), each in its drugs' order."""
    statements = clinical_use_ids(session, filters)
    totals = [readmodel.count(session, stmt) for _, stmt in statements]
    ids: list[str] = []
    skip, wanted = offset, count
    for (prefix, stmt), total in zip(statements, totals, strict=True):
        if wanted <= 0:
            break
        if skip >= total:
            skip -= total
            continue
        rows = session.scalars(stmt.limit(wanted).offset(skip))
        ids += [f"{prefix}-{i}" for i in rows]
        wanted, skip = count - len(ids), 0
    return sum(totals), clinical_uses(session, base, ids) if ids else []


def _number(value: str | None, name: str, default: int, highest: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) > highest:
        raise FhirProblem(400, "invalid", f"{name} must be a whole number from 0 to {highest}")
    return int(value)


def _url(base: str, kind: str, filters: Filters, count: int, offset: int) -> str:
    query = [*filters.used, ("_count", str(count)), ("_offset", str(offset))]
    return f"{base}/{kind}?{urlencode(query)}"
