"""One question, one ETag and one cache entry: defaults spelled out (as generated clients send
them) or left out, parameters in any order."""

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.services.meta import data_version
from tests.builders import make_drug
from tests.conftest import app_over, database_over, settings_for

pytestmark = pytest.mark.anyio

SPELLED_OUT = [
    ("/v1/drugs/clonazepam/effects", "include_flagged=false&limit=20&offset=0"),
    ("/v1/effects/leg-cramps/drugs", "exact_only=false&include_flagged=False&offset=0&limit=20"),
    ("/v1/drugs", "limit=20&offset=0"),
    ("/v1/compare?drugs=clonazepam,baclofen", "shared_only=false&include_flagged=0&limit=20"),
    ("/v1/drugs/clonazepam/contexts", "multi_context_only=false&limit=20&offset=0"),
    ("/v1/search?q=klonopn", "limit=10&offset=0"),
]


def _with(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.mark.parametrize(("url", "defaults"), SPELLED_OUT)
async def test_default_parameters_spelled_out_get_the_same_etag_as_without(
    client: httpx.AsyncClient, url: str, defaults: str
) -> None:
    bare = await client.get(url)
    spelled = await client.get(_with(url, defaults))
    assert bare.status_code == spelled.status_code == 200
    assert spelled.headers["etag"] == bare.headers["etag"]
    assert spelled.content == bare.content
    revalidated = await client.get(
        _with(url, defaults), headers={"If-None-Match": bare.headers["etag"]}
    )
    assert revalidated.status_code == 304


async def test_parameters_in_another_order_get_the_same_etag(client: httpx.AsyncClient) -> None:
    one = await client.get("/v1/drugs/clonazepam/effects?context=withdrawal&limit=5")
    other = await client.get("/v1/drugs/clonazepam/effects?limit=5&context=withdrawal")
    assert one.headers["etag"] == other.headers["etag"]


async def test_values_other_than_the_default_are_other_questions(
    client: httpx.AsyncClient,
) -> None:
    bare = await client.get("/v1/drugs/clonazepam/effects")
    five = await client.get("/v1/drugs/clonazepam/effects?limit=5")
    assert five.headers["etag"] != bare.headers["etag"]
    # Search's default page is 10: 20 is not its default.
    search = await client.get("/v1/search?q=klonopn")
    twenty = await client.get("/v1/search?q=klonopn&limit=20")
    assert twenty.headers["etag"] != search.headers["etag"]


async def test_a_repeated_default_is_still_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/drugs?limit=20&limit=20")
    assert response.status_code == 422
    assert response.json()["type"] == "/v1/problems/repeated-parameter"


@pytest.fixture
async def cached_client(
    session_factory: Callable[[], Session], database_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(database_url)
    database = database_over(session_factory, settings)
    app: FastAPI = app_over(database, settings)
    await app.state.data_version.refresh(lambda: database.call(data_version))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c


async def test_default_parameters_spelled_out_share_the_cache_entry(
    cached_client: httpx.AsyncClient, session: Session
) -> None:
    assert (await cached_client.get("/v1/drugs?q=testam")).json()["total"] == 0
    make_drug(session, name="Testamine")  # a change without a new load: the cache still holds
    spelled = await cached_client.get("/v1/drugs?offset=0&q=testam&limit=20")
    assert spelled.json()["total"] == 0  # the bare URL's entry answered
    other = await cached_client.get("/v1/drugs?q=testam&limit=19")
    assert other.json()["total"] == 1  # another question, read afresh
