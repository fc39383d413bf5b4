"""The record's shape is defined once, by the schema: the composer's records (compose.py, plain
data) have the schema's fields, in its order and under the names it writes, at every depth.
A field added to the schema or to the composer alone fails here."""

import types
from typing import Any, Union, get_args, get_origin

import orjson
import pytest
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.importers.sider.load import import_sider
from app.models import DrugEffect
from app.readmodel.compose import compose_record_json
from app.schemas.record import DrugEffectRecord
from tests.conftest import SIDER_FIXTURES


def written_keys(model: type[BaseModel]) -> list[str]:
    """The keys MODEL writes, in its order: aliases where it serialises by alias."""
    by_alias = bool(model.model_config.get("serialize_by_alias"))
    return [
        (field.serialization_alias or field.alias or name) if by_alias else name
        for name, field in model.model_fields.items()
    ]


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (through Optional, unions and lists)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in models_in(arg)]


def reachable(model: type[BaseModel]) -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo += [n for f in m.model_fields.values() for n in models_in(f.annotation)]
    return seen


def check(annotation: Any, value: Any, path: str, seen: set[type[BaseModel]]) -> None:
    """VALUE (composed data) has the shape ANNOTATION declares; models checked are added to SEEN."""
    origin = get_origin(annotation)
    if value is None:
        assert type(None) in get_args(annotation), path  # an Optional (or a union with None)
    elif origin in (Union, types.UnionType):
        (inner,) = [a for a in get_args(annotation) if a is not type(None)]
        check(inner, value, path, seen)
    elif origin is list:
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            check(get_args(annotation)[0], item, f"{path}[{i}]", seen)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        assert isinstance(value, dict), path
        assert list(value) == written_keys(annotation), (path, annotation.__name__)
        seen.add(annotation)
        for (name, field), key in zip(
            annotation.model_fields.items(), written_keys(annotation), strict=True
        ):
            check(field.annotation, value[key], f"{path}.{name}", seen)


def test_composed_records_have_the_schemas_fields_at_every_depth(session: Session) -> None:
    import_sider(session, SIDER_FIXTURES)  # beside the seed: curated and imported records
    low, high = session.execute(select(func.min(DrugEffect.id), func.max(DrugEffect.id))).one()
    seen: set[type[BaseModel]] = set()
    composed = compose_record_json(session, low, high)
    assert len(composed) > 40
    for record_id, body in composed:
        check(DrugEffectRecord, orjson.loads(body), f"record {record_id}", seen)
    # Every nested shape was met with a value at least once (not only as null or []).
    assert seen == reachable(DrugEffectRecord), reachable(DrugEffectRecord) - seen


@pytest.mark.parametrize("change", ["added", "left_out", "reordered"])
def test_a_field_in_one_place_only_is_caught(session: Session, change: str) -> None:
    record_id = session.scalars(select(DrugEffect.id).order_by(DrugEffect.id)).first()
    assert record_id is not None
    ((_, body),) = compose_record_json(session, record_id, record_id)
    record = orjson.loads(body)
    incidence = record["incidence"]
    if change == "added":
        incidence["new"] = 1
    elif change == "left_out":
        del incidence["basis"]
    else:
        record["incidence"] = dict(reversed(incidence.items()))
    check(DrugEffectRecord, orjson.loads(body), "record", set())  # as composed: the same
    with pytest.raises(AssertionError):
        check(DrugEffectRecord, record, "record", set())
