"""Names as people write them: British and American spellings, salts, the start of a drug's
name, and the terms labels use (SIDER's lower-level terms) as aliases of their effect."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AliasKind, Release
from app.importers.sider.load import import_sider
from app.models import Alias, Effect
from app.name_keys import name_key
from tests.builders import make_drug, make_effect
from tests.conftest import SIDER_FIXTURES

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("Anaemia", "anemia"),
        ("Oedema peripheral", "edema peripheral"),
        ("Diarrhoea", "diarrhea"),
        ("Haemorrhage", "hemorrhage"),
        ("Paraesthesia", "paresthesia"),
        ("Oesophagitis", "esophagitis"),
        ("Dyspnoea", "dyspnea"),
        ("Hypokalaemia", "hypokalemia"),
        ("Tumour lysis syndrome", "tumor lysis syndrome"),
        ("Paediatric", "pediatric"),
    ],
)
def test_a_british_spelling_is_the_same_name_as_the_american_one(
    british: str, american: str
) -> None:
    assert name_key(british) == name_key(american) == american


@pytest.mark.parametrize("name", ["Aerius", "Shoe size", "Poetry", "Phoenix", "Toe pain"])
def test_words_that_merely_contain_the_letters_are_left_alone(name: str) -> None:
    assert name_key(name) == name.casefold()


async def test_an_american_spelling_in_a_path_finds_the_meddra_term(
    session: Session, client: httpx.AsyncClient
) -> None:
    make_effect(session, name="Oedema peripheral")
    make_effect(session, name="Anaemia")
    for asked, slug in (("edema peripheral", "oedema-peripheral"), ("anemia", "anaemia")):
        response = await client.get(f"/v1/effects/{asked}")
        assert response.status_code == 200, asked
        assert response.json()["slug"] == slug


async def test_a_salts_name_searches_as_its_ingredient_never_as_another_drug(
    session: Session, client: httpx.AsyncClient
) -> None:
    """sertraline hydrochloride once found sibutramine: fuzzy scoring of the whole string."""
    make_drug(session, name="Sertraline")
    make_drug(session, name="Sibutramine")
    body = (await client.get("/v1/search?q=sertraline hydrochloride")).json()
    first = body["items"][0]
    assert (first["slug"], first["match"]) == ("sertraline", "salt")
    assert "sibutramine" not in {i["slug"] for i in body["items"]}
    detail = await client.get("/v1/drugs/sertraline%20hydrochloride")
    assert detail.json()["slug"] == "sertraline"


async def test_the_start_of_a_drugs_name_ranks_it_above_effects_and_brands(
    session: Session, client: httpx.AsyncClient
) -> None:
    """ "clon": clonazepam (a drug) before clonus (an effect) and the brand Clonea."""
    make_effect(session, name="Clonus")
    make_effect(session, name="Clonic convulsion")
    other = make_drug(session, name="Clotrimazole")
    session.add(Alias(name="Clonea", key="clonea", kind=AliasKind.brand, drug_id=other.id,
                      release=Release.sider))  # fmt: skip
    session.flush()
    items = (await client.get("/v1/search?q=clon")).json()["items"]
    assert items[0]["slug"] == "clonazepam"
    effects = (await client.get("/v1/search?q=clon&type=effect")).json()["items"]
    assert effects[0]["slug"] == "clonus"


async def test_the_terms_labels_use_are_aliases_of_their_preferred_term(
    session: Session, client: httpx.AsyncClient
) -> None:
    """SIDER's label terms (its LLT rows): "Head pain" is Headache; each alias says its kind
    and where it comes from. "Cramp muscle" (SIDER: under Muscle spasms) is the MedDRA term of
    the curated muscle cramps, another effect: never an alias of Muscle spasms."""
    import_sider(session, SIDER_FIXTURES)
    aliases = {
        name: (kind, release)
        for name, kind, release in session.execute(
            select(Alias.name, Alias.kind, Alias.release)
            .join(Effect, Effect.id == Alias.effect_id)
            .where(Effect.slug.in_(["headache", "muscle-spasms"]))
        )
    }
    assert aliases["Head pain"] == (AliasKind.lower_level_term, Release.sider)
    assert "Cramp muscle" not in aliases
    body = {
        "symptom": "head pain",
        "medications": [{"drug": "quellofen", "status": "taking"}],
    }
    result = (await client.post("/v1/symptom-check", json=body)).json()
    assert result["symptom"]["slug"] == "headache"
    assert result["symptom_found_as"] == {
        "word": "head pain",
        "kind": "lower_level_term",
        "source": "sider",
    }
    assert [e["drug"]["slug"] for e in result["explanations"]] == ["quellofen"]


async def test_a_label_term_that_names_another_effect_is_not_its_alias(
    session: Session,
) -> None:
    """The fixtures' "Dizziness" label term is the PT itself; a curated effect's name is
    never given to SIDER's term (identity by code)."""
    report = import_sider(session, SIDER_FIXTURES)
    owners = session.scalars(select(Alias.effect_id).where(Alias.key == "dizziness")).all()
    assert owners == []
    assert report.skipped.get("label terms: given to several effects (never an identity)", 0) == 0
