"""Codes from the user's own terminology files (never shipped: their licences differ).

`import_rxnorm` (an RxNorm release directory) and `import_atc` (a WHO ATC index as CSV) give
drugs codes (models.DrugCode) and RxNorm brand names (aliases), matched by ingredient name
with the salt rule, cited to the release, in the caller's transaction (docs/fhir.md).
"""

from app.importers.terminology.drugs.atc import import_atc
from app.importers.terminology.drugs.files import TerminologyError
from app.importers.terminology.drugs.report import TerminologyReport
from app.importers.terminology.drugs.rxnorm import import_rxnorm

__all__ = ["TerminologyError", "TerminologyReport", "import_atc", "import_rxnorm"]
