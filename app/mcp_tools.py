"""MCP tools over the same services as the JSON API (the official SDK's MCPServer).

Each tool runs its service through the app's Database (one short session in a worker thread,
bounded in time), exactly as a route does, and returns the API's JSON as structured content
(and as text), with the medical disclaimer. Inputs carry the API's limits. A problem the API
would answer with 4xx (unknown drug, malformed code) is a tool error whose text is the same
problem JSON. Nothing is stored; the server holds no session state of its own.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import orjson
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, StringConstraints
from sqlalchemy.orm import Session

from app.api.deps import MAX_OFFSET
from app.db import Database
from app.enums import BodySystem, Context, IncidenceBand
from app.name_keys import MAX_NAME_LENGTH, PRINTABLE
from app.problems.exceptions import AppError
from app.readmodel import RecordPage
from app.schemas.common import DISCLAIMER
from app.schemas.symptom import MAX_MEDICATIONS, Medication, SymptomCheckInput
from app.services import comparison, drug_effects, lookup, symptom_check
from app.services.comparison import MAX_DRUGS, MIN_DRUGS
from app.services.drug_effects import RecordFilters
from app.services.meta import API_VERSION

INSTRUCTIONS = f"""sidefx: drug side effects in context — during regular use (side_effect),
after stopping or lowering the dose (withdrawal), or in overdose — with how often, how soon,
how severe, what helps, and the source of every statement. Drugs and effects accept a slug,
generic, brand or ingredient name, or synonym, in any case. Cite the sources the results
give. {DISCLAIMER}"""
READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, openWorldHint=False)

Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH, pattern=PRINTABLE
    ),
]
Limit = Annotated[int, Field(ge=1, le=100, description="Page size (1-100).")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="Items to skip.")]
ContextArg = Annotated[
    Context | None,
    Field(
        description="Only this context: side_effect (during use), withdrawal (after "
        "stopping or lowering the dose), overdose. Omit for all."
    ),
]


def build_server(database: Callable[[], Database]) -> MCPServer[Any]:
    """The tools, each calling its service through DATABASE() (the app's, or the CLI's)."""
    server: MCPServer[Any] = MCPServer(
        "sidefx", title="sidefx", instructions=INSTRUCTIONS, version=API_VERSION
    )

    async def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> CallToolResult:
        try:
            value = await database().call(fn, *args, **kwargs)
        except AppError as exc:
            problem = {"type": exc.kind.uri, "title": exc.kind.title, "status": exc.kind.status,
                       "detail": exc.detail, **exc.extensions}  # fmt: skip
            return CallToolResult(content=[TextContent(text=json.dumps(problem))], is_error=True)
        data = orjson.loads(value.to_json() if isinstance(value, RecordPage) else
                            value.__pydantic_serializer__.to_json(value))  # fmt: skip
        data.setdefault("disclaimer", DISCLAIMER)
        return CallToolResult(content=[TextContent(text=json.dumps(data))], structured_content=data)

    @server.tool(annotations=READ_ONLY)
    async def drug_effects_by_context(
        drug: Annotated[Name, Field(description="A drug: slug, generic, brand or ingredient.")],
        context: ContextArg = None,
        body_system: Annotated[BodySystem | None, Field(description="Only this system.")] = None,
        min_incidence: Annotated[
            IncidenceBand | None, Field(description="Only this band or more frequent.")
        ] = None,
        include_flagged: Annotated[
            bool, Field(description="Also records flagged as probably not effects of the drug.")
        ] = False,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> CallToolResult:
        """A drug's effects with their context (side effect while taking it, withdrawal after
        stopping or lowering the dose, overdose), most frequent first: incidence with every
        source's values, onset, severity, management, citations. Same data as
        GET /v1/drugs/{drug}/effects. Use it for "what side effects does X have", "what
        happens when X is stopped" (context=withdrawal)."""
        filters = RecordFilters(context, body_system, min_incidence, None, include_flagged)
        return await run(drug_effects.list_drug_effects, drug, filters, limit=limit, offset=offset)

    @server.tool(annotations=READ_ONLY)
    async def compare_drugs(
        drugs: Annotated[
            list[Name],
            Field(
                min_length=MIN_DRUGS,
                max_length=MAX_DRUGS,
                description=f"{MIN_DRUGS} to {MAX_DRUGS} different drugs.",
            ),
        ],
        context: ContextArg = None,
        shared_only: Annotated[bool, Field(description="Only effects two or more share.")] = False,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> CallToolResult:
        """Drugs side by side: class, mechanism, dependence risk, uses, sedation, controlled
        status, boxed warnings, and an effect matrix (effect x drug -> context, incidence),
        every cell cited. Same data as GET /v1/compare."""
        filters = RecordFilters(context, None, None, None, False)
        return await run(_compare, drugs, filters, shared_only=shared_only, limit=limit,
                         offset=offset)  # fmt: skip

    @server.tool(annotations=READ_ONLY)
    async def explain_symptom(
        symptom: Annotated[Name, Field(description="The symptom, in plain words or a term.")],
        medications: Annotated[
            list[Medication],
            Field(
                min_length=1,
                max_length=MAX_MEDICATIONS,
                description="1 to 20 medicines: name, status (taking, stopped, "
                "dose_reduced), started_on and changed_on (ISO dates) where known.",
            ),
        ],
        symptom_started_on: Annotated[
            date | None, Field(description="When the symptom began (ISO 8601 date).")
        ] = None,
    ) -> CallToolResult:
        """Which of these medicines could explain a symptom, and in which context: a side
        effect while taking one, or withdrawal after stopping or lowering its dose; whether the
        timing fits each source's onset window; ranked (the `ranking` field says how), with
        incidence, management, citations, other causes, when to seek care and the warnings of
        the listed medicines. Same data as POST /v1/symptom-check. Information, not a
        diagnosis: say so when relaying it."""
        request = SymptomCheckInput(
            symptom=symptom, symptom_started_on=symptom_started_on, medications=medications
        )
        return await run(symptom_check.check, request)

    @server.tool(annotations=READ_ONLY)
    async def lookup_by_code(
        system: Annotated[
            lookup.CodeSystem,
            Field(description="atc, pubchem, rxnorm (drugs); umls, meddra (effects)."),
        ],
        code: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=PRINTABLE)],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> CallToolResult:
        """The drugs or effects a standard code names (RxNorm RXCUI `2598`, ATC `N03AE01`,
        PubChem CID, UMLS CUI, MedDRA code or term), each with its slug for the other tools.
        Same data as GET /v1/lookup."""
        return await run(lookup.lookup, system, code, limit=limit, offset=offset)

    return server


def _compare(session: Session, drugs: list[str], filters: RecordFilters, **page: Any) -> Any:
    """As the route: the list checked (2-10, each once), then compared."""
    return comparison.compare_drugs(session, comparison.parse_drug_list(drugs), filters, **page)
