// A sidefx client typed by what openapi-typescript generates from /openapi.json, calling the API
// through openapi-fetch. `make contract` type-checks it (strict); tests/test_generated_client.py
// also runs `flow` against a real server. No casts, no hand-written types, no parsed headers:
// a change of the API's shapes that breaks a client breaks this.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type DrugEffectRecord = components["schemas"]["DrugEffectRecord"];
type Problem = components["schemas"]["ProblemDetail"];
type SymptomCheckInput = components["schemas"]["SymptomCheckInput"];
type SymptomCheckResult = components["schemas"]["SymptomCheckResult"];
type EffectsPage =
  paths["/v1/drugs/{drug}/effects"]["get"]["responses"][200]["content"]["application/json"];

export function topSideEffects(page: EffectsPage, n: number): string[] {
  return page.items
    .filter((r: DrugEffectRecord) => r.context === "side_effect" && r.flag === null)
    .slice(0, n)
    .map((r) => {
      const median = r.incidence.frequency;
      const via = r.matched_via.kind === "exact" ? "" : ` (via ${r.matched_via.kind})`;
      return `${r.effect.name}: ${r.incidence.band}${median === null ? "" : ` ${median * 100}%`}${via}`;
    });
}

export function citedPlaces(record: DrugEffectRecord): string[] {
  const parts = [record.incidence.document, record.onset, record.severity];
  return parts.flatMap((p) => (p ? p.cites : [])).map((c) => `${c.source.slug}#${c.anchor.key}`);
}

// Imported values cite the same way statements do: a source and, where known, its file.
export function measuredIn(record: DrugEffectRecord): string[] {
  return record.incidence.measurements.map((m) =>
    m.anchor ? `${m.source.slug}#${m.anchor.key}` : m.source.slug,
  );
}

export function isUnknownDrug(problem: Problem): boolean {
  return problem.type === "/v1/problems/unknown-drug" && problem.status === 404;
}

export const request: SymptomCheckInput = {
  symptom: "leg cramps",
  symptom_started_on: "2026-11-25",
  medications: [
    { drug: "Klonopin", status: "stopped", changed_on: "2026-11-20" },
    { drug: "atorvastatin", status: "taking", started_on: "2026-01-10" },
  ],
};

export function firstExplanation(result: SymptomCheckResult): string {
  const best = result.explanations[0];
  return best ? `${best.drug.slug} ${best.context} (${best.timing.verdict})` : "none";
}

function fail(what: string, error: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(error)}`);
}

// The issue's flow (#35): what a frontend does, each step typed end to end. Returns a log line
// per step for the test to check.
export async function flow(baseUrl: string): Promise<string[]> {
  const api = createClient<paths>({ baseUrl });
  const log: string[] = [];

  const found = await api.GET("/v1/search", { params: { query: { q: "klonopn" } } });
  const hit = found.data?.items[0] ?? fail("search", found.error);
  log.push(`search ${hit.slug} ${hit.match}`);

  const drug = await api.GET("/v1/drugs/{drug}", { params: { path: { drug: hit.slug } } });
  if (!drug.data) fail("drug", drug.error);
  log.push(`drug ${drug.data.slug} dependence ${drug.data.attributes.dependence_risk?.value}`);

  // Every page of its withdrawal effects, by the offset each page names; then the first page
  // again with its ETag: a 304, the copy kept.
  const withdrawal = (offset: number) =>
    api.GET("/v1/drugs/{drug}/effects", {
      params: { path: { drug: hit.slug }, query: { context: "withdrawal", limit: 2, offset } },
    });
  const records: DrugEffectRecord[] = [];
  let firstEtag: string | null = null;
  for (let offset: number | undefined = 0; offset !== undefined; ) {
    const page = await withdrawal(offset);
    if (!page.data) fail("effects", page.error);
    firstEtag ??= page.response.headers.get("ETag");
    records.push(...page.data.items);
    offset = page.data.links.next?.offset;
  }
  log.push(`withdrawal ${records.length}`);
  const again = await api.GET("/v1/drugs/{drug}/effects", {
    params: {
      path: { drug: hit.slug },
      query: { context: "withdrawal", limit: 2, offset: 0 },
      header: { "If-None-Match": firstEtag ?? "" },
    },
  });
  log.push(`revalidated ${again.response.status}`);

  const compared = await api.GET("/v1/compare", {
    params: { query: { drugs: [hit.slug, "cyclobenzaprine", "baclofen"] } },
  });
  if (!compared.data) fail("compare", compared.error);
  const shared = compared.data.summary.shared_by_all;
  log.push(`compare ${compared.data.effects.total} rows, shared ${shared.effects.length}/${shared.count}`);

  const checked = await api.POST("/v1/symptom-check", { body: request });
  if (!checked.data) fail("symptom check", checked.error);
  log.push(`symptom ${firstExplanation(checked.data)}`);

  const unknown = await api.GET("/v1/drugs/{drug}", { params: { path: { drug: "klonopn" } } });
  log.push(`problem ${unknown.error?.type} ${unknown.error?.suggestions?.join(",")}`);
  const single = await api.GET("/v1/compare", { params: { query: { drugs: [hit.slug] } } });
  log.push(`problem ${single.error?.type}`);
  const tooLong = await api.GET("/v1/search", { params: { query: { q: "a", limit: 51 } } });
  const invalid = tooLong.error?.errors?.[0];
  log.push(`problem ${tooLong.error?.type} ${invalid?.loc.join(".")} ${invalid?.type} ${invalid?.limit}`);

  const manifest = await api.GET("/v1/export/manifest.json");
  if (!manifest.data) fail("manifest", manifest.error);
  const drugsFile = manifest.data.files.find((f) => f.name === "drugs.ndjson");
  log.push(`manifest ${drugsFile?.records}`);

  const exported = await api.GET("/v1/export/{kind}.ndjson", {
    params: { path: { kind: "drugs" } },
    parseAs: "text",
  });
  if (exported.data === undefined) fail("export", exported.error);
  const lines = exported.data.trimEnd().split("\n");
  const trailer: unknown = JSON.parse(lines[lines.length - 1] ?? "null");
  log.push(`export ${lines.length - 1} lines, trailer ${JSON.stringify(trailer)}`);
  return log;
}
