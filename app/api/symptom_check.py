from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from app.api.deps import DatabaseDep, StrictQuery, respond_bytes
from app.api.docs import problem_responses
from app.db import Answer
from app.schemas.symptom import SymptomCheckInput, SymptomCheckResult
from app.services import symptom_check

router = APIRouter(tags=["symptom check"], dependencies=[StrictQuery])

EXAMPLE = {
    "symptom": "leg cramps",
    "symptom_started_on": "2026-11-25",
    "medications": [
        {"drug": "Klonopin", "status": "stopped", "changed_on": "2026-11-20"},
        {"drug": "atorvastatin", "status": "taking", "started_on": "2026-01-10"},
        {"drug": "valium", "status": "dose_reduced", "changed_on": "2026-11-18"},
    ],
}


@router.post(
    "/symptom-check",
    response_model=SymptomCheckResult,
    responses=problem_responses(404, 413, 422),
    description=f"""A symptom and a medication list (taking, stopped, dose reduced, with dates)
in; out: which medicines could explain it and in which context (a side effect while taking, a
withdrawal symptom after stopping or lowering the dose), whether the timing fits each record's
onset window, the summary incidence with every source's values, management, citations; the
listed drugs no source links to it (absence of a record is not evidence of safety), other
factors, when to seek care, and the warnings about the listed drugs. Nothing is stored.

**Ranking.** {symptom_check.RANKING}

**Information, not a diagnosis**: only a clinician can tell what causes a symptom.""",
)
async def check_symptom(
    request: Request,
    db: DatabaseDep,
    body: Annotated[SymptomCheckInput, Body(openapi_examples={"clonazepam": {"value": EXAMPLE}})],
) -> Response:
    answer = await db.read(symptom_check.answer, body)
    # Serialised outside the database call: CPU is not the database's time.
    return respond_bytes(request, Answer(answer.version, answer.value.to_json()))
