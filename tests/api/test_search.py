import csv
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from app.models import DataRelease
from app.services.names import index_cache
from tests.builders import make_drug

pytestmark = pytest.mark.anyio

CASES_FILE = Path(__file__).parent.parent / "data" / "search_cases.csv"
CASES = list(csv.DictReader(CASES_FILE.read_text().splitlines()))


async def _top(client: httpx.AsyncClient, query: str, type_: str = "", limit: int = 5) -> list[str]:
    params: dict[str, str | int] = {"q": query, "limit": limit}
    if type_:
        params["type"] = type_
    response = await client.get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    return [hit["slug"] for hit in response.json()["items"]]


async def test_search_quality_on_the_query_set(client: httpx.AsyncClient) -> None:
    """Brands, one- and two-letter misspellings, swaps, sound-alikes, prefixes, case, synonyms."""
    assert len(CASES) >= 100
    at_one, misses = 0, []
    for case in CASES:
        top = await _top(client, case["query"], case["type"])
        at_one += bool(top) and top[0] == case["expected"]
        if case["expected"] not in top:
            misses.append((case["query"], case["expected"], top))
    precision_at_1 = at_one / len(CASES)
    assert misses == [], "recall@5 must be 1.0"
    assert precision_at_1 >= 0.95, precision_at_1


async def test_search_explains_brand_matches(client: httpx.AsyncClient) -> None:
    hit = (await client.get("/v1/search", params={"q": "klonopin"})).json()["items"][0]
    assert hit == {
        "type": "drug",
        "slug": "clonazepam",
        "name": "Clonazepam",
        "matched": "Klonopin",
        "match": "alias",
        "alias_kind": "brand",
        "score": 98.0,
    }


async def test_search_ranks_exact_over_prefix_over_fuzzy(client: httpx.AsyncClient) -> None:
    exact = (await client.get("/v1/search", params={"q": "diazepam"})).json()["items"][0]
    prefix = (await client.get("/v1/search", params={"q": "diaz"})).json()["items"][0]
    fuzzy = (await client.get("/v1/search", params={"q": "diazapam"})).json()["items"][0]
    assert (exact["match"], prefix["match"], fuzzy["match"]) == ("exact", "prefix", "fuzzy")
    assert exact["score"] > prefix["score"] > fuzzy["score"]


async def test_search_filters_by_type(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/search", params={"q": "spasm", "type": "drug"})).json()
    assert all(hit["type"] == "drug" for hit in body["items"])
    effects = (await client.get("/v1/search", params={"q": "spasm", "type": "effect"})).json()
    assert effects["items"][0]["slug"] == "muscle-spasms"


async def test_search_returns_each_record_once(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/search", params={"q": "leg", "limit": 50})).json()
    slugs = [(hit["type"], hit["slug"]) for hit in body["items"]]
    assert len(slugs) == len(set(slugs))


async def test_search_nonsense_returns_nothing(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/search", params={"q": "qqqqxxxzzz"})).json()
    assert body["items"] == []


async def test_search_sees_records_of_a_new_load(
    client: httpx.AsyncClient, session: Session
) -> None:
    assert await _top(client, "testamine") == []
    make_drug(session, name="Testamine")
    release = session.get_one(DataRelease, "seed")
    release.loaded_at = datetime.now(UTC)  # as every loader does: a new data version
    session.flush()
    assert (await _top(client, "testamine"))[0] == "testamine"


async def test_search_pages_with_total_and_offset(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/search", params={"q": "mus", "limit": 3})).json()
    second = (await client.get("/v1/search", params={"q": "mus", "limit": 3, "offset": 3})).json()
    assert first["total"] == second["total"] > 3
    assert (first["limit"], second["offset"]) == (3, 3)
    seen = [h["slug"] for h in first["items"] + second["items"]]
    assert len(seen) == len(set(seen)) == 6


async def test_search_matches_meddra_terms_and_says_so(client: httpx.AsyncClient) -> None:
    hit = (await client.get("/v1/search", params={"q": "somnolence"})).json()["items"][0]
    assert (hit["slug"], hit["match"], hit["alias_kind"]) == ("drowsiness", "alias", "meddra_term")


async def test_fuzzy_matches_below_the_cut_off_are_not_returned(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/search", params={"q": "xylophone"})).json()
    assert all(hit["score"] >= 56 for hit in body["items"])


@pytest.mark.parametrize(
    "params", [{"q": ""}, {"q": "x" * 101}, {"q": "a\x00b"}, {"q": "a", "limit": 51}, {}]
)
async def test_search_rejects_bad_queries_with_422(
    client: httpx.AsyncClient, params: dict[str, str | int]
) -> None:
    response = await client.get("/v1/search", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_search_single_character_is_a_prefix_search(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/search", params={"q": "z"})).json()
    assert body["items"][0]["slug"] == "tizanidine"


@pytest.fixture
def index_being_built(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another thread holds the build of the name index (as a build at 50x SIDER does for
    seconds); requests wait 0.2 s for it."""
    monkeypatch.setattr(index_cache, "WAIT_FOR_BUILD", 0.2)
    held, release = threading.Event(), threading.Event()

    def build() -> None:
        with index_cache._lock:
            held.set()
            release.wait(60)

    builder = threading.Thread(target=build)
    builder.start()
    held.wait(60)
    yield
    release.set()
    builder.join(60)


async def test_search_is_a_503_with_retry_after_while_the_index_is_being_built(
    client: httpx.AsyncClient, index_being_built: None
) -> None:
    response = await client.get("/v1/search", params={"q": "klon"})
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"]
    assert response.json()["type"] == "/v1/problems/service-unavailable"
    assert "name index" in response.json()["detail"]


async def test_an_unknown_drug_is_a_404_without_waiting_for_suggestions_while_the_index_builds(
    client: httpx.AsyncClient, index_being_built: None
) -> None:
    response = await client.get("/v1/drugs/klonopinn")
    assert response.status_code == 404
    assert response.json()["suggestions"] == []


async def test_an_unknown_drug_suggests_close_names_once_the_index_is_built(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/drugs/klonopinn")
    assert response.status_code == 404
    assert "clonazepam" in response.json()["suggestions"]
