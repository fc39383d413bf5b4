"""The read model: everything derived from the loaded data, computed, stored and read in one
place. Outside this package, import from `app.readmodel` only (tests/readmodel checks it);
its modules are private to it.

For loaders: `refresh(session)` at the end of every load's transaction (through
app/importers/recompute.py), `is_current` (skip a load as unchanged only when the stored data
is in this code's format) and the CIOMS bands (`band_of_fraction`).
For services: stored records as bytes (`record_json`, `stored_bodies`, `marked`) or models
(`build_records`), a page of them (`record_page`, `RecordPage`) or of anything (`page_of`),
the citations of statements (`cites_of`, `get`, `cited`), an effect's reference columns
(`EFFECT_COLUMNS`, `effect_ref`, `effect_data`), the reverse lookup's order
(`effect_list_order`) and orjson's fallback for models (`model_data`).
For /readyz and migrations: `is_current`, `stored_format`, `READ_MODEL`.

| module | holds |
|---|---|
| refresh.py | `refresh`: reads each drug's records, applies the rules, has them written |
| rules.py | the summary incidence and the flags of a record (pure functions) |
| order.py | both list orders: a drug's (`list_rank`) and an effect's (`effect_rank`) |
| update.py | the write of the derived columns, one UPDATE per record and load |
| record_sources.py | which sources back each record, what each source backs |
| compose.py | the one builder of a record's JSON (DrugEffectRecord) |
| stored.py | the stored records: written whole per load, read by requests |
| version.py | the stored format: a digest of this package and the record schema |
| citations.py, effect_refs.py, pages.py | citations, effect references, pages |
"""

from app.readmodel.citations import Cites, cited, cites_of, get
from app.readmodel.compose import model_data
from app.readmodel.effect_refs import EFFECT_COLUMNS, effect_data, effect_ref
from app.readmodel.order import effect_list_order
from app.readmodel.pages import RecordPage, count, page_of, record_page
from app.readmodel.refresh import refresh
from app.readmodel.rules import band_of_fraction
from app.readmodel.stored import (
    READ_MODEL,
    build_records,
    is_current,
    marked,
    record_json,
    stored_bodies,
)
from app.readmodel.version import stored_format

__all__ = [
    "EFFECT_COLUMNS",
    "READ_MODEL",
    "Cites",
    "RecordPage",
    "band_of_fraction",
    "build_records",
    "cited",
    "cites_of",
    "count",
    "effect_data",
    "effect_list_order",
    "effect_ref",
    "get",
    "is_current",
    "marked",
    "model_data",
    "page_of",
    "record_json",
    "record_page",
    "refresh",
    "stored_bodies",
    "stored_format",
]
