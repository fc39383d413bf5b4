"""The symptom check answers byte for byte what it answered before it was rebuilt for speed
(issue 30): the curated data and the SIDER fixtures, many kinds of question at once.

The golden answers were written by the code before the rebuild. When the seed or the
fixtures change on purpose, write them again with
`SIDEFX_WRITE_GOLDEN=1 .venv/bin/pytest tests/api/test_symptom_check_golden.py` and review
the diff: every change in it must be one the data change explains.
"""

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from app.importers.sider.load import import_sider
from tests.conftest import SIDER_FIXTURES

pytestmark = pytest.mark.anyio
GOLDEN = Path(__file__).parent / "golden" / "symptom_check.json"
CURATED = ["clonazepam", "atorvastatin", "diazepam", "baclofen", "cyclobenzaprine"]
FIXTURE_DRUGS = ["zorbatinib", "quellofen", "Klonopin", "ZORBIX", "quellofen sodium"]


def _meds(drugs: list[str]) -> list[dict[str, Any]]:
    statuses = ["stopped", "taking", "dose_reduced"]
    return [
        {"drug": d, "status": statuses[i % 3]}
        | ({"changed_on": "2026-11-20"} if i % 3 != 1 else {"started_on": "2026-01-10"})
        for i, d in enumerate(drugs)
    ]


QUESTIONS: dict[str, dict[str, Any]] = {
    "readme": {
        "symptom": "leg cramps",
        "symptom_started_on": "2026-11-25",
        "medications": [
            {"drug": "Klonopin", "status": "stopped", "changed_on": "2026-11-20"},
            {"drug": "atorvastatin", "status": "taking", "started_on": "2026-01-10"},
            {"drug": "valium", "status": "dose_reduced", "changed_on": "2026-11-18"},
        ],
    },
    "no dates": {
        "symptom": "drowsiness",
        "medications": [{"drug": "clonazepam", "status": "taking"}],
    },
    "too late": {
        "symptom": "leg cramps",
        "symptom_started_on": "2026-11-25",
        "medications": [{"drug": "clonazepam", "status": "stopped", "changed_on": "2026-07-28"}],
    },
    "too early": {
        "symptom": "muscle cramps",
        "symptom_started_on": "2025-12-01",
        "medications": [
            {
                "drug": "baclofen",
                "status": "stopped",
                "started_on": "2026-01-01",
                "changed_on": "2026-11-01",
            },
        ],
    },
    "narrower term": {
        "symptom": "muscle tension",
        "medications": [{"drug": "diazepam", "status": "dose_reduced", "changed_on": "2026-11-22"}],
    },
    "five": {
        "symptom": "leg cramps",
        "symptom_started_on": "2026-11-25",
        "medications": _meds(CURATED),
    },
    "twenty": {
        "symptom": "leg cramps",
        "symptom_started_on": "2026-11-25",
        "medications": _meds((CURATED + FIXTURE_DRUGS) * 2),
    },
    "broader term, imported": {
        "symptom": "leg cramps",
        "medications": [{"drug": "zorbatinib", "status": "taking", "started_on": "2026-10-01"}],
    },
    "lay words, flagged and placebo": {
        "symptom": "head pain",
        "symptom_started_on": "2026-11-02",
        "medications": _meds(["quellofen", "zorbatinib", "clonazepam"]),
    },
    "somnolence, measured": {
        "symptom": "Drowsiness",
        "symptom_started_on": "2026-11-25",
        "medications": _meds(["zorbatinib", "Klonopin", "quellofen sodium", "diazepam"]),
    },
    "withdrawal terms": {
        "symptom": "drug withdrawal syndrome",
        "symptom_started_on": "2026-11-25",
        "medications": _meds(["zorbatinib", "clonazepam", "diazepam", "baclofen"]),
    },
    "flagged": {
        "symptom": "psoriasis",
        "symptom_started_on": "2026-11-25",
        "medications": _meds(["zorbatinib", "quellofen"]),
    },
    "began before the first dose": {
        "symptom": "leg cramps",
        "symptom_started_on": "2026-01-05",
        "medications": [
            {
                "drug": "clonazepam",
                "status": "stopped",
                "started_on": "2026-02-01",
                "changed_on": "2026-11-01",
            },
        ],
    },
    "nothing explains it": {
        "symptom": "nausea",
        "medications": _meds(["atorvastatin", "cyclobenzaprine"]),
    },
}


async def _answers(client: httpx.AsyncClient) -> dict[str, str]:
    out = {}
    for name, body in QUESTIONS.items():
        response = await client.post("/v1/symptom-check", json=body)
        assert response.status_code == 200, (name, response.text)
        out[name] = response.content.decode()
    return out


async def test_the_symptom_check_answers_as_before_byte_for_byte(
    session: Session, client: httpx.AsyncClient
) -> None:
    import_sider(session, SIDER_FIXTURES)
    answers = await _answers(client)
    if os.environ.get("SIDEFX_WRITE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")
    golden = json.loads(GOLDEN.read_text())
    assert list(answers) == list(golden)
    for name, answer in answers.items():
        assert answer == golden[name], name
