"""SIDER brand names -> brand aliases of the drugs they label, unless that would mislead lookups.

A brand is skipped (and counted) when it is not a name (mapping.NOT_A_NAME: label
headings, trial words, dosage forms alone), when it is already a curated alias, when it is
the name of another drug, or when labels give it to several drugs; a brand equal to the
drug's own name adds nothing. Each alias key appears once per drug, so the unique (key,
drug_id) index holds.
"""

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AliasKind, Release
from app.importers.sider.mapping import NOT_A_NAME
from app.importers.sider.read import SiderData
from app.models import Alias, Drug
from app.name_keys import name_key, slug_key

MAX_ALIAS = 200  # Alias.name and Alias.key


def alias_rows(
    session: Session,
    data: SiderData,
    drug_ids: dict[Any, int],
    skipped: Counter[str],
) -> list[dict[str, Any]]:
    """Rows for the Alias table (call after SIDER's previous aliases were deleted)."""
    taken = set(session.scalars(select(Alias.key).where(Alias.drug_id.isnot(None))))
    drug_names: dict[str, int] = {}
    for drug_id, slug, key in sorted(session.execute(select(Drug.id, Drug.slug, Drug.key))):
        for k in (key, slug_key(slug)):
            drug_names.setdefault(k, drug_id)
    for cid, names in sorted(data.names.items()):  # a salt merged into its ingredient's drug
        if cid in drug_ids:
            drug_names.setdefault(name_key(names.name), drug_ids[cid])
    owners: dict[str, set[int]] = defaultdict(set)
    spelling: dict[tuple[str, int], str] = {}
    for cid, names in data.names.items():
        if cid in drug_ids:
            for brand in names.brands:
                key = name_key(brand)
                owners[key].add(drug_ids[cid])
                spelling.setdefault((key, drug_ids[cid]), brand)
    rows = []
    for key, drugs in sorted(owners.items()):
        reason = _skip_reason(key, drugs, taken, drug_names)
        if reason is not None:
            skipped[f"brand names: {reason}"] += len(drugs)
            continue
        (drug_id,) = drugs
        rows.append(
            {
                "name": spelling[key, drug_id][:MAX_ALIAS],
                "key": key,
                "kind": AliasKind.brand,
                "drug_id": drug_id,
                "release": Release.sider,
            }
        )
    return rows


def _skip_reason(
    key: str, drugs: set[int], taken: set[str], drug_names: dict[str, int]
) -> str | None:
    if len(key) > MAX_ALIAS:
        return f"longer than {MAX_ALIAS} characters"
    if NOT_A_NAME.search(key):
        return "not a name (a label heading, trial word or dosage form)"
    if key in drug_names:
        return "the drug's own name" if {drug_names[key]} == drugs else "name another drug"
    if key in taken:
        return "already a curated alias"
    if len(drugs) > 1:
        return "given to several drugs"
    return None
