"""The read model's join of terminologies to effects (derived.refresh calls `link` first).

Whatever was loaded, in whatever order: the HPO and MedDRA tables (app/models/terminology.py)
are joined to the effects as they are now, and what the join gives is rewritten whole each
time (aliases of release `hpo` / `meddra` and every citation of those sources' anchors).

- **MedDRA**, by the effect's MedDRA term: a preferred term (its name_key) gives the effect its
  code, its primary SOC as body system (exact: `body_system_approximate` false), the kind five
  SOCs name (systems.SOCS), and its current LLTs as aliases (`lower_level_term`).
  A curated lowest-level term gets the LLT's code only.
- **HPO**, by the effect's own UMLS CUI, equal to an HPO term's UMLS xref (never a near match):
  the term's layperson synonyms become aliases (`lay_synonym`), and where MedDRA gave no system
  its organ-system ancestors do (systems.ANCHORS), marked approximate. An imported
  effect whose own concept HPO lacks takes the system of the label terms SIDER coded to it
  (their CUIs on its evidence, equal to HPO xrefs), approximate too. A label term is a MedDRA
  lower-level term of the effect (SIDER's LLT rows), so the HPO term that is exactly its
  concept gives its name (`synonym`) and its lay synonyms to the effect as well: "Ankle
  swelling" (HPO, C0235439) is the concept SIDER's labels word "Ankle edema", an LLT of
  Oedema peripheral.
- Curated effects keep the body system and kind the seed gives them (they win).
  Imported effects no hierarchy classifies: no body system, kind `unknown`.
- An alias is left out (and counted) when it is already a name of the effect, names another
  effect, or would name two effects: a word that could mean two concepts is never an identity.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.db_bulk import write_rows
from app.enums import AliasKind, EffectKind, MeddraLevel, Release
from app.importers.effect_names import effect_names
from app.importers.terminology.effects.systems import ancestors, hpo_system, soc_system
from app.importers.terminology.effects.tables import Terminologies, read_terminologies
from app.models import Alias, Citation, Effect, Source, SourceAnchor
from app.name_keys import name_key

DERIVED = (Release.hpo, Release.meddra)
SOURCES = {Release.hpo: "hpo", Release.meddra: "meddra"}  # release -> source slug
HPO_FILE, MEDDRA_HIERARCHY, MEDDRA_TERMS = "hp.obo", "mdhier.asc", "llt.asc"
MAX_ALIAS = 200


@dataclass
class Plan:
    values: dict[int, dict[str, Any]] = field(default_factory=dict)  # changed effects' values
    effect_cites: list[tuple[int, str, Release, str]] = field(default_factory=list)
    aliases: dict[str, tuple[int, str, AliasKind, Release]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)


def link(session: Session) -> None:
    anchors = _anchors(session)
    clear(session)
    plan = plan_links(session)
    if plan.values:
        session.execute(
            update(Effect),
            [{"id": i, **v} for i, v in plan.values.items()],
            execution_options={"synchronize_session": False},
        )
    _write_cites(session, plan, anchors)


def clear(session: Session) -> None:
    """Delete what the join wrote: its aliases and the citations of its sources' anchors."""
    anchors = select(SourceAnchor.id).join(Source).where(Source.slug.in_(SOURCES.values()))
    options = {"synchronize_session": False}
    session.execute(
        delete(Citation).where(Citation.anchor_id.in_(anchors)), execution_options=options
    )
    session.execute(delete(Alias).where(Alias.release.in_(DERIVED)), execution_options=options)


def plan_links(session: Session) -> Plan:
    """What the join gives, from the tables as they are (derived aliases already cleared)."""
    data = read_terminologies(session)
    plan = Plan()
    wanted: dict[str, dict[int, tuple[str, AliasKind, Release]]] = defaultdict(dict)
    for e in session.execute(select(Effect.id, *_columns())):
        term_key = name_key(e.meddra_term) if e.meddra_term else ""
        pt = data.pts.get(term_key) if e.meddra_level is not MeddraLevel.llt else None
        code = pt[0] if pt else None
        if e.meddra_level is MeddraLevel.llt:
            code = data.llt_codes.get(term_key)
        hpo_terms = data.terms_by_cui.get(e.umls_cui or "", [])
        values = {"meddra_code": code, **_classify(data, e, pt, hpo_terms, plan)}
        if any(getattr(e, k) != v for k, v in values.items()):
            plan.values[e.id] = values
        for name in data.llts.get(pt[0], []) if pt else []:
            wanted[name_key(name)].setdefault(
                e.id, (name, AliasKind.lower_level_term, Release.meddra)
            )
        for term in hpo_terms:
            for name in data.lay.get(term, []):
                wanted[name_key(name)].setdefault(e.id, (name, AliasKind.lay_synonym, Release.hpo))
        for term in data.label_terms.get(e.id, []):  # the concepts of its lower-level terms
            if term in data.names:
                name = data.names[term]
                wanted[name_key(name)].setdefault(e.id, (name, AliasKind.synonym, Release.hpo))
            for name in data.lay.get(term, []):
                wanted[name_key(name)].setdefault(e.id, (name, AliasKind.lay_synonym, Release.hpo))
    _choose_aliases(session, wanted, plan)
    return plan


def _classify(
    data: Terminologies, e: Any, pt: tuple[int, int] | None, hpo_terms: list[str], plan: Plan
) -> dict[str, Any]:
    if e.release is Release.seed:  # curated: the seed's system and kind stand
        approximate = None if e.body_system is None else False
        return {
            "body_system": e.body_system,
            "body_system_approximate": approximate,
            "kind": e.kind,
        }
    found = soc_system(pt[1]) if pt else None
    if found is not None:
        plan.effect_cites.append((e.id, "body_system", Release.meddra, MEDDRA_HIERARCHY))
        if found[1] is not EffectKind.symptom:
            plan.effect_cites.append((e.id, "kind", Release.meddra, MEDDRA_HIERARCHY))
        return {"body_system": found[0], "body_system_approximate": False, "kind": found[1]}
    for terms in (hpo_terms, data.label_terms.get(e.id, [])):
        lineage = set().union(*(ancestors(t, data.parents) for t in terms))
        hpo = hpo_system(lineage) if terms else None
        if hpo is not None:
            plan.effect_cites.append((e.id, "body_system", Release.hpo, HPO_FILE))
            return {"body_system": hpo[0], "body_system_approximate": True, "kind": hpo[1]}
    return {"body_system": None, "body_system_approximate": None, "kind": EffectKind.unknown}


def _choose_aliases(
    session: Session, wanted: dict[str, dict[int, tuple[str, AliasKind, Release]]], plan: Plan
) -> None:
    names = effect_names(session)  # every name an effect already has
    for key, by_effect in sorted(wanted.items()):
        owners = names.get(key, set())
        fresh = {i: v for i, v in by_effect.items() if i not in owners}
        plan.skipped["already a name of the effect"] += len(by_effect) - len(fresh)
        if not fresh:
            continue
        if owners:
            plan.skipped["names another effect"] += len(fresh)
        elif len(fresh) > 1:
            plan.skipped["would name several effects (never an identity)"] += len(fresh)
        elif not key or len(key) > MAX_ALIAS:
            plan.skipped[f"empty or longer than {MAX_ALIAS} characters"] += 1
        else:
            ((effect_id, (name, kind, release)),) = fresh.items()
            plan.aliases[key] = (effect_id, name[:MAX_ALIAS], kind, release)


def _write_cites(session: Session, plan: Plan, anchors: dict[tuple[Release, str], int]) -> None:
    rows = [
        {"name": name, "key": key, "kind": kind, "effect_id": effect_id, "release": release}
        for key, (effect_id, name, kind, release) in plan.aliases.items()
    ]
    write_rows(session, Alias.__table__, rows)  # type: ignore[arg-type]
    file = {Release.hpo: HPO_FILE, Release.meddra: MEDDRA_TERMS}
    alias_ids = session.execute(select(Alias.id, Alias.release).where(Alias.release.in_(DERIVED)))
    alias_cites = [
        {"anchor_id": anchors[release, file[release]], "part": None, "alias_id": alias_id}
        for alias_id, release in alias_ids
        if (release, file[release]) in anchors
    ]
    effect_cites = [
        {"anchor_id": anchors[release, key], "part": part, "effect_id": effect_id}
        for effect_id, part, release, key in plan.effect_cites
        if (release, key) in anchors
    ]
    write_rows(session, Citation.__table__, alias_cites)  # type: ignore[arg-type]
    write_rows(session, Citation.__table__, effect_cites)  # type: ignore[arg-type]


def _anchors(session: Session) -> dict[tuple[Release, str], int]:
    slugs = {slug: release for release, slug in SOURCES.items()}
    rows = session.execute(
        select(Source.slug, SourceAnchor.key, SourceAnchor.id)
        .join(Source, Source.id == SourceAnchor.source_id)
        .where(Source.slug.in_(slugs))
    )
    return {(slugs[slug], key): anchor_id for slug, key, anchor_id in rows}


def _columns() -> tuple[Any, ...]:
    return (
        Effect.release,
        Effect.kind,
        Effect.body_system,
        Effect.body_system_approximate,
        Effect.meddra_code,
        Effect.meddra_term,
        Effect.meddra_level,
        Effect.umls_cui,
    )


def coverage(session: Session) -> dict[str, int]:
    """How many effects each source classifies, and the aliases it gives (the import summary
    and README's figures)."""
    out: dict[str, int] = {}
    for release, system, approximate, n in session.execute(
        select(
            Effect.release,
            Effect.body_system.isnot(None),
            Effect.body_system_approximate,
            func.count(),
        ).group_by(Effect.release, Effect.body_system.isnot(None), Effect.body_system_approximate)
    ):
        by = (
            "none"
            if not system
            else "curated"
            if release is Release.seed
            else ("hpo" if approximate else "meddra")
        )
        out[f"{release.value} effects"] = out.get(f"{release.value} effects", 0) + n
        out[f"{release.value} effects, body system by {by}"] = n + out.get(
            f"{release.value} effects, body system by {by}", 0
        )
    for kind, n in session.execute(
        select(Alias.kind, func.count()).where(Alias.release.in_(DERIVED)).group_by(Alias.kind)
    ):
        out[f"aliases: {kind.value}"] = n
    for reason, n in plan_links(session).skipped.items():
        out[f"aliases skipped: {reason}"] = n
    return out
