from typing import Literal

from pydantic import Field

from app.schemas.common import Schema


class LookupHit(Schema):
    type: Literal["drug", "effect"] = Field(description="What the slug names.")
    slug: str = Field(description="Canonical slug: /v1/drugs/{drug} or /v1/effects/{effect}.")
    name: str = Field(description="Display name.")
    system: str = Field(description="The code system asked for.")
    code: str = Field(description="The code asked for.")
