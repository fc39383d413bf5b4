from pydantic import Field

from app.schemas.common import Schema


class Term(Schema):
    value: str = Field(description="The value as the API sends and accepts it.")
    label: str = Field(description="A label for display.")
    definition: str | None = Field(description="What it means.")


class Vocabulary(Schema):
    name: str = Field(description="Vocabulary name (`contexts`, `incidence_bands` ...).")
    description: str = Field(description="What the vocabulary is for.")
    terms: list[Term] = Field(description="Its values, in order.")


class DrugClassTerm(Term):
    aliases: list[str] = Field(description="Other names `drug_class=` accepts.")
    drugs: int = Field(description="How many drugs are members.")


class VocabulariesRead(Schema):
    vocabularies: list[Vocabulary] = Field(description="Every fixed vocabulary.")
    drug_classes: list[DrugClassTerm] = Field(description="The drug classes (from the data).")


class ProblemTypeRead(Schema):
    type: str = Field(description="The problem's type URI.")
    status: int = Field(description="HTTP status it comes with.")
    title: str = Field(description="Its title.")
    description: str = Field(description="When it happens and what to do.")
    example: str = Field(description="An example `detail`.")


class Health(Schema):
    status: str = Field(description="ok, ready or not ready.")
