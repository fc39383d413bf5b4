// A small sidefx client typed by the types openapi-typescript generates from /openapi.json.
// `make contract` type-checks it: a change of the API's shapes that breaks a client breaks this.
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
      const via = r.matched_via ? ` (via ${r.matched_via.effect.slug})` : "";
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

export async function revalidate(base: string, etag: string): Promise<"unchanged" | EffectsPage> {
  const response = await fetch(`${base}/v1/drugs/clonazepam/effects`, {
    headers: { "If-None-Match": etag },
  });
  if (response.status === 304) return "unchanged";
  return (await response.json()) as EffectsPage;
}
