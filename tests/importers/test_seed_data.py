"""The curated data against its documents (../shared/seeds): anchors exist, nothing is copied,
and every served statement carries a citation to an anchor its source lists."""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app.importers.seed.files import anchors_of, read_seed
from tests.conftest import SEED_DIR, SEEDS_DIR

pytestmark = pytest.mark.anyio
SEED = read_seed(SEED_DIR)
ANCHORS = {s.slug: {a.key for a in anchors_of(s)} for s in SEED.sources}
documents = pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="source documents not present")


@documents
@pytest.mark.parametrize("source", [s for s in SEED.sources if s.document], ids=lambda s: s.slug)
def test_every_listed_anchor_exists_in_its_document(source: Any) -> None:
    lines = (SEEDS_DIR / source.document).read_text().splitlines()
    stripped = {line.strip() for line in lines}
    nonblank = [line for line in lines if line.strip()]
    for anchor in anchors_of(source):
        if anchor.kind == "heading":
            assert anchor.label in stripped, anchor.label
        else:
            assert 1 <= int(anchor.key[1:]) <= len(nonblank), anchor.key


@documents
def test_a_document_with_headings_is_not_cited_by_paragraph_and_the_other_way_round() -> None:
    for source in SEED.sources:
        kinds = {a.kind for a in anchors_of(source)}
        assert len(kinds) == 1, source.slug


@documents
def test_seed_text_does_not_copy_source_sentences() -> None:
    """No run of ten words of a document (headings, quoted to identify anchors, aside)."""

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    n = 10
    grams: set[str] = set()
    for doc in SEEDS_DIR.glob("*.txt"):
        w = words(doc.read_text(errors="ignore"))
        grams.update(" ".join(w[i : i + n]) for i in range(len(w) - n + 1))
    copied = []
    for file in SEED_DIR.glob("*.yaml"):
        records = yaml.safe_load(file.read_text())
        if file.name == "sources.yaml":
            records = [
                {k: v for k, v in r.items() if k not in ("title", "anchors")} for r in records
            ]
        w = words(yaml.safe_dump(_without_cites(records), width=10_000))
        copied += [g for i in range(len(w) - n + 1) if (g := " ".join(w[i : i + n])) in grams]
    assert copied == []


def _without_cites(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_cites(v) for k, v in value.items() if k != "cite"}
    if isinstance(value, list):
        return [_without_cites(v) for v in value]
    return value


def _statements(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every object carrying `cites` in a response, with where it is."""
    out: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        if value.get("stated") is False:  # a compare cell no source states: nothing to cite
            return out
        if "cites" in value:
            out.append((path, value["cites"]))
        for k, v in value.items():
            out += _statements(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _statements(v, f"{path}[{i}]")
    return out


def _check(body: Any, where: str) -> int:
    statements = _statements(body)
    for path, cites in statements:
        assert cites, f"{where}{path}: a statement without a citation"
        for cite in cites:
            source, anchor = cite["source"]["slug"], cite["anchor"]["key"]
            assert anchor in ANCHORS[source], f"{where}{path}: {source}#{anchor} is not listed"
    return len(statements)


async def test_every_served_statement_cites_an_anchor_its_source_lists(
    client: httpx.AsyncClient,
) -> None:
    """Walk the API for every curated drug and effect, as a client would see it."""
    seen = 0
    for drug in SEED.drugs:
        for path in (
            f"/v1/drugs/{drug.slug}",
            f"/v1/drugs/{drug.slug}/effects?limit=100",
            f"/v1/drugs/{drug.slug}/contexts?limit=100",
        ):
            response = await client.get(path)
            assert response.status_code == 200, path
            seen += _check(response.json(), path)
    for effect in SEED.effects:
        for path in (f"/v1/effects/{effect.slug}", f"/v1/effects/{effect.slug}/drugs?limit=100"):
            seen += _check((await client.get(path)).json(), path)
    for record in SEED.drug_effects:
        path = f"/v1/drugs/{record.drug}/effects/{record.effect}"
        seen += _check((await client.get(path)).json(), path)
    compare = "/v1/compare?drugs=clonazepam,diazepam,cyclobenzaprine,baclofen,tizanidine&limit=100"
    seen += _check((await client.get(compare)).json(), compare)
    classes = "/v1/vocabularies"
    assert (await client.get(classes)).status_code == 200
    assert seen > 1000


async def test_served_attributes_are_null_only_where_listed_as_not_stated(
    client: httpx.AsyncClient,
) -> None:
    for drug in SEED.drugs:
        body = (await client.get(f"/v1/drugs/{drug.slug}")).json()
        nulls = {k for k, v in body["attributes"].items() if v is None}
        assert nulls == set(body["not_stated"]), drug.slug


def test_documents_folder_layout() -> None:
    assert isinstance(SEEDS_DIR, Path)
