"""The symptom check's answer as JSON: plain data in each schema's field order dumped with
orjson (as the read model writes records), the records spliced in as their stored bytes:
SymptomCheckResult's JSON byte for byte (a golden test holds it). Nothing becomes a model on
this path: validating and re-writing records, facts and warnings was most of the check's
cost."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from app.enums import Context
from app.readmodel import model_data
from app.schemas.common import DISCLAIMER, EffectRef
from app.schemas.symptom import FoundAs, SymptomCheckResult, Timing


@dataclass(slots=True)
class Explained:
    """One explanation: its parts as data, its record as stored bytes, its ranking key."""

    drug: dict[str, str]
    medication: dict[str, Any]
    context: Context
    timing: Timing
    record: bytes
    why: list[str]
    order: tuple[Any, ...]

    def to_json(self, rank: int) -> bytes:
        # Explanation's fields, in its order.
        return b"".join((
            b'{"rank":', str(rank).encode(),
            b',"drug":', orjson.dumps(self.drug),
            b',"medication":', orjson.dumps(self.medication),
            b',"context":"', self.context.value.encode(),
            b'","timing":', self.timing.__pydantic_serializer__.to_json(self.timing),
            b',"record":', self.record,
            b',"why":', orjson.dumps(self.why), b"}",
        ))  # fmt: skip


@dataclass(slots=True)
class SymptomAnswer:
    """What the check found, ranked; `to_json` is the response body (SymptomCheckResult)."""

    ranking: str
    symptom: EffectRef
    symptom_found_as: FoundAs
    explanations: list[Explained]  # best first
    not_explained_by: list[dict[str, Any]]  # each list: NotExplained, Factor ... as plain data
    other_factors: list[dict[str, Any]]
    seek_care: list[dict[str, Any]]
    warnings: list[dict[str, Any]]

    def to_json(self) -> bytes:
        # SymptomCheckResult's fields, in its order.
        explanations = b",".join(e.to_json(rank) for rank, e in enumerate(self.explanations, 1))
        _dump = _dumper()
        return b"".join((
            b'{"symptom":', self.symptom.__pydantic_serializer__.to_json(self.symptom),
            b',"symptom_found_as":',
            self.symptom_found_as.__pydantic_serializer__.to_json(self.symptom_found_as),
            b',"explanations":[', explanations,
            b'],"not_explained_by":', _dump(self.not_explained_by),
            b',"other_factors":', _dump(self.other_factors),
            b',"seek_care":', _dump(self.seek_care),
            b',"warnings":', _dump(self.warnings),
            b',"ranking":', orjson.dumps(self.ranking),
            b',"disclaimer":', orjson.dumps(DISCLAIMER), b"}",
        ))  # fmt: skip

    def result(self) -> SymptomCheckResult:
        """The answer as a model (CDS Hooks, MCP): the response's bytes, read back."""
        return SymptomCheckResult.model_validate_json(self.to_json())


def _dumper() -> Callable[[list[dict[str, Any]]], bytes]:
    """Plain data in its schema's field order as JSON (orjson writes enums and dates as
    pydantic does). Citations stay the shared models cites_of reads, each written once per
    answer however often it is cited (facts and warnings cite the same few places)."""
    written: dict[int, Any] = {}

    def data(value: Any) -> Any:
        found = written.get(id(value))
        if found is None:
            found = written[id(value)] = model_data(value)
        return found

    return lambda items: orjson.dumps(items, default=data)
