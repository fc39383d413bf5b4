"""Does the API tell the truth? Its answers held against hand-annotated FDA labels:
`python -m benchmarks.label_truth [SIDER_DIR] [--gold FILE] [--out FILE] [--dump FILE]`
(`make label-truth`).

A fresh temporary SQLite database gets the real migrations, the curated seed and SIDER; the
production app (response cache off) answers through httpx's ASGITransport, so what is measured
is what users get. Each gold label resolves by its brand (`label_id`) through
`GET /v1/drugs/{name}`, that is through sidefx's own names and aliases; see label-truth.md for
why ingredient names picked from the label text are not tried. For each resolved label:
(a) precision@10 of the default side-effect list, (b) the share of flagged (hidden) records the
label lists, by flag, (c) symptom checks of label-listed effects SIDER lists for the drug that do
not explain the symptom; (d) how many labels resolve. The rules: benchmarks/label_gold.py.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from alembic import command
from sqlalchemy.orm import Session

from app.cli.database import alembic_config
from app.config import Settings
from app.db import make_engine
from app.importers.seed.files import read_seed
from app.importers.seed.load import load_seed
from app.importers.sider.load import import_sider
from app.main import create_app
from benchmarks.label_gold import (
    Check,
    EffectNames,
    Item,
    Label,
    LabelResult,
    listed,
    listed_as_preferred_term,
    read_gold,
)
from benchmarks.label_report import dump, headline, section, write_section

ROOT = Path(__file__).resolve().parent.parent
SIDER_DIR = ROOT.parent / "shared" / "data" / "sider"
GOLD = ROOT.parent / "shared" / "data" / "label-gold" / "tac2017-adr-train.json"
REPORT = ROOT / "benchmarks" / "label-truth.md"
SIDER_SOURCE = "sider-4-1"
TOP = 10
PAGE = 100  # the API's largest page
CHECKS_PER_LABEL = 30  # symptom checks per label: the first 30 effects by slug
# Any onset window fits a symptom 30 days after the start; fixed so runs compare.
STARTED_ON, SYMPTOM_ON = date(2025, 1, 1), date(2025, 1, 31)
SHOWCASE = ("clonazepam", "atorvastatin", "amlodipine", "lisinopril", "warfarin", "ibuprofen")


def item(record: dict[str, Any]) -> Item:
    incidence = record["incidence"]
    return Item(
        effect=record["effect"]["slug"],
        name=record["effect"]["name"],
        context=record["context"],
        band=incidence["band"],
        frequency=incidence["frequency"],
        placebo=incidence["placebo_frequency"],
        flag=record["flag"]["kind"] if record["flag"] else None,
        sources=[s["slug"] for s in record["sources"]],
    )


async def ok(response: httpx.Response) -> Any:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text[:300]}")
    return response.json()


class Measure:
    """The API calls, with each effect's names fetched once."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.names: dict[str, EffectNames] = {}

    async def resolve(self, label: Label) -> str | None:
        response = await self.client.get(f"/v1/drugs/{label.label_id}")
        if response.status_code == 404:
            return None
        return str((await ok(response))["slug"])

    async def top(self, drug: str) -> list[Item]:
        params: dict[str, str | int] = {"context": "side_effect", "limit": TOP}
        page = await ok(await self.client.get(f"/v1/drugs/{drug}/effects", params=params))
        return [item(r) for r in page["items"]]

    async def every_record(self, drug: str) -> list[Item]:
        items: list[Item] = []
        while True:
            params: dict[str, str | int] = {
                "include_flagged": "true",
                "limit": PAGE,
                "offset": len(items),
            }
            page = await ok(await self.client.get(f"/v1/drugs/{drug}/effects", params=params))
            items += [item(r) for r in page["items"]]
            if not page["items"] or len(items) >= page["total"]:
                return items

    async def effect_names(self, slug: str) -> EffectNames:
        if slug not in self.names:
            effect = await ok(await self.client.get(f"/v1/effects/{slug}"))
            codes = effect["codes"]
            self.names[slug] = EffectNames(
                name=effect["name"],
                aliases=tuple(a["name"] for a in effect["aliases"]),
                meddra_term=codes["meddra_term"] if codes else None,
                is_preferred_term=bool(codes) and codes["level"] == "pt",
            )
        return self.names[slug]

    async def score(self, items: list[Item], label: Label) -> None:
        for i in items:
            names = await self.effect_names(i.effect)
            i.listed, i.listed_as_pt = listed(names, label), listed_as_preferred_term(names, label)

    async def explains(self, drug: str, effect: str) -> bool:
        body = {
            "symptom": effect,
            "symptom_started_on": SYMPTOM_ON.isoformat(),
            "medications": [
                {"drug": drug, "status": "taking", "started_on": STARTED_ON.isoformat()}
            ],
        }
        result = await ok(await self.client.post("/v1/symptom-check", json=body))
        explained = {e["drug"]["slug"] for e in result["explanations"]}
        unexplained = {n["drug"]["slug"] for n in result["not_explained_by"]}
        return drug in explained and drug not in unexplained

    async def label(self, label: Label) -> LabelResult:
        slug = await self.resolve(label)
        result = LabelResult(label.label_id, slug)
        if slug is None:
            return result
        result.top = await self.top(slug)
        records = await self.every_record(slug)
        await self.score(result.top + records, label)
        result.flagged = [r for r in records if r.flag]
        # Side effects only: the drug is checked as taken, which no withdrawal record explains.
        side = [r for r in records if r.context == "side_effect"]
        checkable = sorted({r.effect for r in side if r.listed and SIDER_SOURCE in r.sources})
        result.checkable = len(checkable)
        for effect in checkable[:CHECKS_PER_LABEL]:
            only_flagged = all(r.flag for r in side if r.effect == effect)
            result.checks.append(Check(effect, await self.explains(slug, effect), only_flagged))
        return result


def load(url: str, sider_dir: Path) -> None:
    """Real migrations, the curated seed, then SIDER, as `sidefx db upgrade/seed/import` do."""
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url, settings=Settings(database_url=url), loading=True)
    with Session(engine) as session, session.begin():
        load_seed(session, read_seed(ROOT / "seed_data"))
    with Session(engine) as session, session.begin():
        import_sider(session, sider_dir)
    engine.dispose()


async def run(url: str, labels: list[Label]) -> tuple[list[LabelResult], dict[str, list[Item]]]:
    settings = Settings(database_url=url, response_cache=False, log_level="WARNING")
    app = create_app(settings)
    async with app.router.lifespan_context(app):  # the production start-up: engine, database
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sidefx") as client:
            measure = Measure(client)
            results = [await measure.label(label) for label in labels]
            showcase = {drug: await measure.top(drug) for drug in SHOWCASE}
    return results, showcase


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sider_dir", nargs="?", type=Path, default=SIDER_DIR)
    parser.add_argument("--gold", type=Path, default=GOLD, help="the gold labels (JSON)")
    parser.add_argument("--out", type=Path, default=REPORT, help="markdown report to update")
    parser.add_argument("--heading", help="the report section's heading (default: the commit)")
    parser.add_argument("--dump", type=Path, help="write per-label details as JSON here")
    args = parser.parse_args(argv)
    labels = read_gold(args.gold)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sidefx-label-truth-") as directory:
        url = f"sqlite:///{Path(directory) / 'label-truth.db'}"
        load(url, args.sider_dir)
        loaded = time.perf_counter() - started
        results, showcase = asyncio.run(run(url, labels))
    seconds = (loaded, time.perf_counter() - started)
    text = section(args.heading, results, showcase, seconds)
    write_section(args.out, text)
    if args.dump:
        dump(args.dump, results)
    sys.stdout.write(headline(results) + f"\nreport: {args.out}\n")


if __name__ == "__main__":
    main()
