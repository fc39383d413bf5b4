"""The exceptions the app raises for what a client did or must retry, each of one problem kind
(app/problems/__init__.py). Services, the database handle and routes raise them; the edge writes
each as its problem (app/edge/problem_responses.py). Nothing here writes a response.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from app import problems
from app.problems import ProblemType


class AppError(Exception):
    kind: ClassVar[ProblemType] = problems.INTERNAL_ERROR

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class UnknownDrug(AppError):
    kind = problems.UNKNOWN_DRUG


class UnknownEffect(AppError):
    kind = problems.UNKNOWN_EFFECT


class UnknownSource(AppError):
    kind = problems.UNKNOWN_SOURCE


class NoRecord(AppError):
    kind = problems.NO_RECORD


class InvalidParameter(AppError):
    """A well-formed request whose values break a documented rule; carries `errors`."""

    kind = problems.INVALID_PARAMETER
    error_type: ClassVar[str] = "value_error"  # the `type` of its `errors[]` item

    def __init__(self, detail: str, *, loc: Sequence[str | int], limit: Any = None) -> None:
        error: dict[str, Any] = {"loc": list(loc), "msg": detail, "type": self.error_type}
        if limit is not None:
            error["limit"] = limit
        super().__init__(detail, errors=[error])


class UnknownParameter(InvalidParameter):
    kind = problems.UNKNOWN_PARAMETER
    error_type = "unknown_parameter"


class RepeatedParameter(InvalidParameter):
    kind = problems.REPEATED_PARAMETER
    error_type = "repeated_parameter"


class TooManyDrugs(InvalidParameter):
    kind = problems.TOO_MANY_DRUGS
    error_type = "too_many_drugs"


class TooFewDrugs(InvalidParameter):
    kind = problems.TOO_FEW_DRUGS
    error_type = "too_few_drugs"


class DatabaseTimeout(AppError):
    kind = problems.SERVICE_UNAVAILABLE

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The database did not answer within {seconds:g} s; retry later.")


class ServerBusy(AppError):
    """Too many costly requests (compare, FHIR Bundles, symptom checks, exports) at once: the
    rest are refused at once rather than queued until their deadline (app/db_calls.py)."""

    kind = problems.SERVICE_UNAVAILABLE

    def __init__(self, slots: int) -> None:
        super().__init__(
            f"This worker is already running {slots} costly request(s) (compare, FHIR, symptom "
            "check, export) and has no room to queue another; retry later."
        )


class ReadModelNotBuilt(AppError):
    """Records whose stored JSON is missing: the database was migrated but not loaded since."""

    kind = problems.SERVICE_UNAVAILABLE

    def __init__(self) -> None:
        super().__init__(
            "The data is being rebuilt (run `sidefx seed` after an upgrade); retry later."
        )


class NameIndexBuilding(AppError):
    """Search needs the name index of data that changed a moment ago, and another thread is
    still building it (seconds at many times SIDER's size)."""

    kind = problems.SERVICE_UNAVAILABLE

    def __init__(self) -> None:
        super().__init__("The name index is being rebuilt for new data; retry in a few seconds.")
