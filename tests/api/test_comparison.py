from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from app.models import Effect
from tests.builders import make_drug, make_record

pytestmark = pytest.mark.anyio

TABLE_DRUGS = "clonazepam,cyclobenzaprine,baclofen"
TABLE = "clonazepam-vs-common-muscle-relaxants"


def _row(body: dict[str, Any], attribute: str) -> dict[str, dict[str, Any]]:
    row = next(r for r in body["attributes"] if r["attribute"] == attribute)
    return {cell["drug"]["slug"]: cell for cell in row["cells"]}


async def test_compare_reproduces_the_source_table_with_citations(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/compare", params={"drugs": TABLE_DRUGS})).json()
    expected = {  # the table's cells, drug by drug
        "clonazepam": {"dependence_risk": "high", "sedation_potential": "Common, dose-dependent"},
        "cyclobenzaprine": {
            "dependence_risk": "low",
            "sedation_potential": "Common, potentially high",
        },
        "baclofen": {"dependence_risk": "unknown", "sedation_potential": "Common, dose-dependent"},
    }
    for drug, cells in expected.items():
        for attribute, value in cells.items():
            cell = _row(body, attribute)[drug]
            assert cell["value"] == value, (attribute, drug)
            assert TABLE in {c["anchor"]["key"] for c in cell["cites"]}, (attribute, drug)
    classes = _row(body, "drug_class")
    assert "Benzodiazepines" in classes["clonazepam"]["value"]
    assert "Skeletal muscle relaxants" in classes["cyclobenzaprine"]["value"]
    assert "spinal reflexes" in _row(body, "mechanism")["baclofen"]["value"]
    assert "abrupt" in _row(body, "dependence_risk")["baclofen"]["note"]


async def test_a_cell_no_source_states_says_not_stated(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/compare", params={"drugs": TABLE_DRUGS})).json()
    controlled = _row(body, "controlled_substance")
    assert controlled["clonazepam"] == {
        "drug": {"slug": "clonazepam", "name": "Clonazepam"},
        "value": None,
        "note": None,
        "stated": False,
        "cites": [],
    }
    assert controlled["cyclobenzaprine"]["stated"]
    boxed = _row(body, "boxed_warning")
    assert boxed["clonazepam"]["value"]
    assert boxed["clonazepam"]["cites"]
    assert not boxed["baclofen"]["stated"]


async def test_compare_keeps_order_and_resolves_brands(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/compare", params={"drugs": "Lioresal, FLEXERIL,Klonopin"})).json()
    assert [d["slug"] for d in body["drugs"]] == ["baclofen", "cyclobenzaprine", "clonazepam"]
    assert [d["requested"] for d in body["drugs"]] == ["Lioresal", "FLEXERIL", "Klonopin"]
    assert [c["drug"]["slug"] for c in body["effects"]["items"][0]["cells"]] == [
        "baclofen",
        "cyclobenzaprine",
        "clonazepam",
    ]


async def test_compare_accepts_the_parameter_repeated(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/compare?drugs=clonazepam&drugs=diazepam")
    assert [d["slug"] for d in response.json()["drugs"]] == ["clonazepam", "diazepam"]


async def test_matrix_cells_hold_full_records_shared_effects_first(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/compare?drugs=clonazepam,diazepam&limit=100")).json()
    rows = body["effects"]["items"]
    shared = [r["shared_by"] for r in rows]
    assert shared == sorted(shared, reverse=True)
    assert shared[0] == 2
    record = rows[0]["cells"][0]["records"][0]
    assert {"incidence", "onset", "severity", "management", "sources"} <= set(record)


async def test_a_drug_without_the_rows_effect_shows_a_broader_or_narrower_record(
    session: Session, client: httpx.AsyncClient
) -> None:
    drug = make_drug(session, name="Testamine")
    spasms = session.execute(select(Effect).where(Effect.slug == "muscle-spasms")).scalar_one()
    make_record(session, drug=drug, effect=spasms, rows=[("3%", 0.03, 0.03, False)])
    body = (await client.get("/v1/compare?drugs=clonazepam,testamine&limit=100")).json()
    (row,) = [r for r in body["effects"]["items"] if r["effect"]["slug"] == "leg-cramps"]
    testamine = row["cells"][1]["records"]
    assert testamine
    assert testamine[0]["matched_via"]["kind"] == "broader_term"
    assert row["shared_by"] == 1  # shared counts the drugs' own records only


async def test_compare_filters_by_context(client: httpx.AsyncClient) -> None:
    body = (
        await client.get("/v1/compare?drugs=clonazepam,diazepam&context=withdrawal&limit=100")
    ).json()
    records = [r for row in body["effects"]["items"] for c in row["cells"] for r in c["records"]]
    assert records
    assert {r["context"] for r in records} == {"withdrawal"}


async def test_compare_shared_only_drops_single_drug_effects(client: httpx.AsyncClient) -> None:
    body = (
        await client.get("/v1/compare?drugs=clonazepam,diazepam&shared_only=true&limit=100")
    ).json()
    assert body["effects"]["items"]
    assert all(r["shared_by"] == 2 for r in body["effects"]["items"])


async def test_compare_paginates_the_matrix(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/compare?drugs=clonazepam,diazepam&limit=2")).json()["effects"]
    second = (await client.get("/v1/compare?drugs=clonazepam,diazepam&limit=2&offset=2")).json()[
        "effects"
    ]
    assert first["total"] == second["total"] > 4
    assert {r["effect"]["slug"] for r in first["items"]}.isdisjoint(
        r["effect"]["slug"] for r in second["items"]
    )


async def test_compare_summary_lists_shared_and_unique_effects(client: httpx.AsyncClient) -> None:
    summary = (await client.get("/v1/compare?drugs=clonazepam,diazepam")).json()["summary"]
    assert summary["shared_by_all"]["count"] == len(summary["shared_by_all"]["effects"]) > 0
    assert [u["drug"]["slug"] for u in summary["unique"]] == ["clonazepam", "diazepam"]


async def test_compare_unknown_drugs_are_one_404_naming_each(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/compare?drugs=clonazepam,nopeazole,zzzumab")
    body = response.json()
    assert response.status_code == 404
    assert body["type"] == "/v1/problems/unknown-drug"
    assert "nopeazole" in body["detail"]
    assert "zzzumab" in body["detail"]


@pytest.mark.parametrize(
    ("drugs", "kind"),
    [
        ("clonazepam", "too-few-drugs"),
        (",".join(["clonazepam"] * 11), "too-many-drugs"),
        ("clonazepam,,diazepam", "invalid-parameter"),
        ("clonazepam,Klonopin", "invalid-parameter"),
        ("diazepam%00,clonazepam", "invalid-parameter"),
        ("clonazepam," + "x" * 201, "invalid-parameter"),
    ],
)
async def test_compare_rejects_bad_drug_lists_with_the_rule_and_errors(
    client: httpx.AsyncClient, drugs: str, kind: str
) -> None:
    response = await client.get(f"/v1/compare?drugs={drugs}")
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == f"/v1/problems/{kind}"
    assert body["errors"]
    assert body["errors"][0]["loc"][:2] == ["query", "drugs"]


@contextmanager
def _statements(connection: Connection) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


async def test_compare_statement_count_does_not_grow_with_drugs(
    client: httpx.AsyncClient, connection: Connection
) -> None:
    with _statements(connection) as two:
        await client.get("/v1/compare?drugs=clonazepam,diazepam")
    with _statements(connection) as six:
        await client.get(
            "/v1/compare?drugs=clonazepam,diazepam,baclofen,cyclobenzaprine,tizanidine,lorazepam"
        )
    assert len(six) == len(two)
