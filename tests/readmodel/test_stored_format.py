"""The stored format is computed from what defines the stored data (app/readmodel/version.py):
the same in every process, changed by a field or by code, not by comments or docstrings."""

import subprocess
import sys

from pydantic import Field, create_model

from app.effect_vocabularies import FLAG_RULES
from app.readmodel import stored_format
from app.readmodel.version import digest, normalised
from app.schemas.common import SourceRef
from app.schemas.record import DrugEffectRecord, Incidence

SOURCES = [("readmodel/compose.py", "def compose():\n    return {'drug': 1}\n")]
TEXTS = {k.value: v for k, v in FLAG_RULES.items()}


def test_two_processes_compute_the_same_format() -> None:
    script = "from app.readmodel import stored_format; print(stored_format())"
    formats = {
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
        ).stdout.strip()
        for _ in range(2)
    }
    assert formats == {stored_format()}
    assert stored_format().startswith("record-")


def test_a_field_added_to_the_record_changes_the_format() -> None:
    grown = create_model(
        "DrugEffectRecord", __base__=DrugEffectRecord, extra=(int, Field(description="New."))
    )
    assert digest(grown, SOURCES, TEXTS) != digest(DrugEffectRecord, SOURCES, TEXTS)


def test_a_nested_field_retyped_changes_the_format() -> None:
    retyped = create_model(
        "Incidence", __base__=Incidence, measured_rows=(float, Field(description="Rows."))
    )
    record = create_model(
        "DrugEffectRecord",
        __base__=DrugEffectRecord,
        incidence=(retyped, Field(description="How often, from each source.")),
    )
    assert digest(record, SOURCES, TEXTS) != digest(DrugEffectRecord, SOURCES, TEXTS)


def test_a_reworded_description_keeps_the_format() -> None:
    reworded = create_model(
        "DrugEffectRecord",
        __base__=DrugEffectRecord,
        sources=(list[SourceRef], Field(description="Other.")),
    )
    assert digest(reworded, SOURCES, TEXTS) == digest(DrugEffectRecord, SOURCES, TEXTS)


def test_code_changes_the_format_and_comments_do_not() -> None:
    base = digest(DrugEffectRecord, SOURCES, TEXTS)
    commented = [
        (n, '"""The composer."""\n# why\n' + s.replace("1}", "1}  # one")) for n, s in SOURCES
    ]
    changed = [(n, s.replace("'drug': 1", "'drug': 2")) for n, s in SOURCES]
    assert digest(DrugEffectRecord, commented, TEXTS) == base
    assert digest(DrugEffectRecord, changed, TEXTS) != base
    assert digest(DrugEffectRecord, SOURCES, TEXTS | {"indication": "reworded"}) != base


def test_docstrings_and_layout_do_not_count() -> None:
    plain = "class A:\n    def f(self):\n        return (1,\n  2)\n"
    documented = (
        'class A:\n    """A."""\n\n    def f(self):\n        """F."""\n        return (1, 2)\n'
    )
    assert normalised(plain) == normalised(documented)
    assert normalised("def f():\n    'only a docstring'\n") == normalised("def f():\n    pass\n")
