"""HPO and MedDRA on tiny hand-made files in their formats (tests/fixtures/hpo and
tests/fixtures/meddra: README.md there says what each invented term exercises), over the seed
and the SIDER fixtures: what an effect gets from each, what it never gets, and that a bad file
or another order of loads changes nothing."""

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AliasKind, BodySystem, EffectKind, Release
from app.importers.sider.load import import_sider
from app.importers.terminology.effects.hpo import import_hpo
from app.importers.terminology.effects.meddra import import_meddra
from app.importers.terminology.effects.release import TerminologyError
from app.models import Alias, DataRelease, Effect, Source
from tests.conftest import FIXTURES, SIDER_FIXTURES, seeded, separate_database
from tests.importers.test_sider import _dump

pytestmark = pytest.mark.anyio
HPO = FIXTURES / "hpo" / "hp.obo"
MEDDRA = FIXTURES / "meddra"


def _effect(session: Session, name: str) -> Effect:
    return session.execute(select(Effect).where(Effect.name == name)).scalar_one()


def _aliases(session: Session, name: str) -> dict[str, tuple[AliasKind, Release]]:
    rows = session.execute(
        select(Alias.name, Alias.kind, Alias.release)
        .join(Effect, Effect.id == Alias.effect_id)
        .where(Effect.name == name)
    )
    return {n: (k, r) for n, k, r in rows}


def _hpo_over_sider(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)
    import_hpo(session, HPO)


def test_lay_synonyms_of_the_effects_own_concept_become_cited_aliases(session: Session) -> None:
    _hpo_over_sider(session)
    assert _aliases(session, "Headache")["Sore head"] == (AliasKind.lay_synonym, Release.hpo)
    assert "Feeling sick" in _aliases(session, "Nausea")
    assert "Worry" in _aliases(session, "Anxiety")  # a curated effect gets them too
    assert "Jitters" in _aliases(session, "Nervousness")


def test_only_exact_lay_synonyms_of_a_live_term_are_taken(session: Session) -> None:
    _hpo_over_sider(session)
    headache, nausea = _aliases(session, "Headache"), _aliases(session, "Nausea")
    assert "Cephalgia" not in headache  # EXACT, but not a layperson's word
    assert "Brain ache" not in headache  # an obsolete term's
    assert "Queasiness" not in nausea  # BROAD: another concept
    assert "Headache" not in headache  # its own name adds nothing


def test_a_near_match_gives_neither_aliases_nor_a_body_system(session: Session) -> None:
    _hpo_over_sider(session)
    dry_mouth = _effect(session, "Dry mouth")
    assert "Cotton mouth" not in _aliases(session, "Dry mouth")
    assert (dry_mouth.body_system, dry_mouth.kind) == (None, EffectKind.unknown)


def test_a_word_that_could_mean_two_effects_names_neither(session: Session) -> None:
    _hpo_over_sider(session)
    assert "Restlessness" not in _aliases(session, "Nervousness")
    assert "Restlessness" not in _aliases(session, "Anxiety")
    # "Sleepiness" is the seed's name for drowsiness: never an alias of Nervousness
    assert "Sleepiness" not in _aliases(session, "Nervousness")


def test_hpo_gives_an_approximate_body_system_by_its_organ_systems(session: Session) -> None:
    _hpo_over_sider(session)
    headache, nervousness = _effect(session, "Headache"), _effect(session, "Nervousness")
    assert (headache.body_system, headache.body_system_approximate) == (BodySystem.nervous, True)
    assert headache.kind is EffectKind.symptom
    # behaviour is filed before the nervous system it sits under
    assert nervousness.body_system is BodySystem.psychiatric


def test_a_label_terms_concept_gives_a_system_and_its_words(session: Session) -> None:
    """The label term SIDER coded to the effect (C9300006, a lower-level term of it) is
    exactly an HPO term's concept: its system (approximate) and its words reach the effect."""
    _hpo_over_sider(session)
    hair = _effect(session, "Hair colour changes")
    assert (hair.body_system, hair.body_system_approximate) == (BodySystem.skin, True)
    aliases = _aliases(session, "Hair colour changes")
    assert {"Greying hair", "Abnormal hair color"} <= set(aliases)


def test_curated_body_systems_and_kinds_win(session: Session) -> None:
    before = _effect(session, "Anxiety").body_system
    _hpo_over_sider(session)
    import_meddra(session, MEDDRA)
    spasms = _effect(session, "Muscle spasms")
    assert (spasms.body_system, spasms.kind) == (BodySystem.musculoskeletal, EffectKind.condition)
    assert spasms.body_system_approximate is False
    assert _effect(session, "Anxiety").body_system is before


def test_an_imported_effect_no_hierarchy_classifies_is_of_unknown_kind(session: Session) -> None:
    _hpo_over_sider(session)
    therapy = _effect(session, "Muscle relaxant therapy")  # HPO: a clinical modifier only
    assert (therapy.body_system, therapy.kind) == (None, EffectKind.unknown)


def test_meddra_gives_the_primary_soc_exactly_the_kind_and_current_llts(session: Session) -> None:
    _hpo_over_sider(session)
    import_meddra(session, MEDDRA)
    nausea, therapy = _effect(session, "Nausea"), _effect(session, "Muscle relaxant therapy")
    assert (nausea.body_system, nausea.body_system_approximate) == (
        BodySystem.gastrointestinal,
        False,
    )  # the primary SOC, not the secondary (nervous system) one
    assert nausea.meddra_code == 90000002
    assert (therapy.body_system, therapy.kind) == (BodySystem.procedures, EffectKind.procedure)
    headache = _aliases(session, "Headache")
    assert headache["Cephalalgia"] == (AliasKind.lower_level_term, Release.meddra)
    assert "Head discomfort" not in headache  # not current
    assert "Spasm of muscle" in _aliases(session, "Muscle spasms")  # curated effects too


async def test_the_effect_says_where_its_body_system_comes_from(
    session: Session, client: httpx.AsyncClient
) -> None:
    _hpo_over_sider(session)
    body = (await client.get("/v1/effects/headache")).json()
    assert (body["body_system"], body["body_system_approximate"]) == ("nervous", True)
    assert [c["source"]["slug"] for c in body["body_system_cites"]] == ["hpo"]
    lay = {a["name"]: a for a in body["aliases"]}["Sore head"]
    assert (lay["kind"], lay["cites"][0]["source"]["slug"]) == ("lay_synonym", "hpo")
    listed = (await client.get("/v1/effects?body_system=nervous&limit=100")).json()
    assert "headache" in {e["slug"] for e in listed["items"]}
    meta = (await client.get("/v1/meta")).json()
    (hpo,) = [s for s in meta["sources"] if s["slug"] == "hpo"]
    assert "2025-01-16-fixture" in hpo["title"]


async def test_a_lay_synonym_finds_the_effect(session: Session, client: httpx.AsyncClient) -> None:
    _hpo_over_sider(session)
    response = await client.get("/v1/effects/sore%20head")
    assert response.status_code == 200
    assert response.json()["slug"] == "headache"


def test_a_reload_of_the_same_release_changes_nothing(session: Session) -> None:
    _hpo_over_sider(session)
    import_meddra(session, MEDDRA)
    before = _dump(session)
    assert not import_hpo(session, HPO).changed
    assert import_meddra(session, MEDDRA, force=True).changed
    assert _dump(session) == before


def _copy(tmp_path: Path, edit: Callable[[dict[str, list[str]]], object]) -> Path:
    target = tmp_path / "meddra"
    shutil.copytree(MEDDRA, target)
    files = {p.name: p.read_text().splitlines() for p in target.iterdir()}
    edit(files)
    for name, lines in files.items():
        (target / name).write_text("".join(f"{line}\n" for line in lines))
    for name in {p.name for p in target.iterdir()} - set(files):
        (target / name).unlink()
    return target


BAD_MEDDRA: dict[str, tuple[Callable[[dict[str, list[str]]], object], str]] = {
    "cut line": (lambda f: f.update({"mdhier.asc": [*f["mdhier.asc"][:-1], "90000006$9000"]}),
                 "mdhier.asc: line 7"),
    "cut file": (lambda f: f.update({"pt.asc": f["pt.asc"][:3]}), "llt.asc: line 8"),
    "no primary SOC": (lambda f: f.update({"mdhier.asc": f["mdhier.asc"][:-1]}), "mdhier.asc"),
    "not a code": (lambda f: f.update({"soc.asc": ["x1002$Nervous$Nerv$", *f["soc.asc"][1:]]}),
                   "soc.asc: line 1"),
    "missing file": (lambda f: f.pop("llt.asc"), "not a MedDRA ASCII distribution"),
    "no version": (lambda f: f.pop("meddra_release.asc"), "--version"),
}  # fmt: skip


@pytest.mark.parametrize("fault", list(BAD_MEDDRA))
def test_a_bad_meddra_file_is_refused_naming_it_and_changes_nothing(
    session: Session, tmp_path: Path, fault: str
) -> None:
    edit, message = BAD_MEDDRA[fault]
    _hpo_over_sider(session)
    import_meddra(session, MEDDRA)
    before = _dump(session)
    with pytest.raises(TerminologyError, match=message), session.begin_nested():
        import_meddra(session, _copy(tmp_path, edit), force=True)
    assert _dump(session) == before


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (lambda t: t.replace("name: Nausea\n", ""), "line 47: HP:9000002 has no name"),
        (lambda t: t[: t.index("[Term]\nid: HP:0001574")], "is_a HP:0001574, which no term"),
        (lambda t: t.replace('"Jitters" EXACT', '"Jitters EXACT'), "line 59: unreadable"),
        (lambda t: t.replace("data-version: hp/releases/2025-01-16-fixture\n", ""), "data-version"),
        (lambda t: "not an ontology\n" + t, "line 1: not an OBO file"),
    ],
    ids=["term without a name", "cut file", "open quote", "no version", "not OBO"],
)
def test_a_bad_hpo_file_is_refused_naming_it_and_changes_nothing(
    session: Session, tmp_path: Path, fault: Callable[[str], str], message: str
) -> None:
    _hpo_over_sider(session)
    before = _dump(session)
    bad = tmp_path / "hp.obo"
    bad.write_text(fault(HPO.read_text()))
    with pytest.raises(TerminologyError, match=message), session.begin_nested():
        import_hpo(session, bad, force=True)
    assert _dump(session) == before


LOADS: dict[str, Callable[[Session], Any]] = {
    "hpo": lambda s: import_hpo(s, HPO),
    "meddra": lambda s: import_meddra(s, MEDDRA),
    "sider": lambda s: import_sider(s, SIDER_FIXTURES),
}


def _dump_by_slug(session: Session) -> dict[str, list[str]]:
    """_dump with sources named by slug (their ids follow the order they were first loaded)."""
    slugs = dict(session.execute(select(Source.id, Source.slug)).all())
    ids = re.compile(r"\('(basis_source_id|source_id)', (\d+)\)")
    dump = {
        table: sorted(ids.sub(lambda m: f"({m[1]!r}, {slugs[int(m[2])]!r})", row) for row in rows)
        for table, rows in _dump(session).items()
    }
    dump.pop("data_release")  # load times, in the order they were written
    return dump


def test_the_order_of_loads_does_not_matter(database_url: str, tmp_path: Path) -> None:
    dumps = []
    for order in (("sider", "hpo", "meddra"), ("hpo", "meddra", "sider")):
        with separate_database(database_url, tmp_path, "_".join(order)) as url:
            engine = seeded(url)
            for load in order:
                with Session(engine) as session, session.begin():
                    LOADS[load](session)
            with Session(engine) as session:
                dumps.append(_dump_by_slug(session))
            engine.dispose()
    assert dumps[0] == dumps[1]
    assert dumps[0]["hpo_term"]


def test_the_release_is_recorded_for_the_data_version(session: Session) -> None:
    import_hpo(session, HPO)
    release = session.get(DataRelease, "hpo")
    assert release is not None
    assert release.checksum.startswith("hpo-importer-1:")
