from typing import Literal

from pydantic import Field

from app.schemas.common import Schema


class LookupHit(Schema):
    type: Literal["drug", "effect"] = Field(description="What the slug names.")
    slug: str = Field(description="Canonical slug: /v1/drugs/{drug} or /v1/effects/{effect}.")
    name: str = Field(description="Display name.")
    system: str = Field(description="The code system asked for.")
    code: str = Field(
        description="The code asked for, in its canonical form (`n03ae01` -> `N03AE01`)."
    )
    matched: Literal["code", "imported_code", "label_term", "name"] = Field(
        description="What matched: `code` (the record's own code), `imported_code` (a code a "
        "terminology import gave the drug: `sidefx import rxnorm|atc`), `label_term` (a label "
        "term SIDER coded with this UMLS CUI, recorded under this effect), `name` (a MedDRA "
        "term name)."
    )
