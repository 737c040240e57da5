// Every analysis of the registry run on the bundled sample data (data/acme) under several param
// variants (defaults, each enum value, the params of the shipped reports) and both churn bases:
// the runs the output contract test (test/analysis/outputs.test.ts) checks against the
// analyses' declared outputs.

import { join } from "node:path";
import { createEngine, type Engine } from "../../src/data/engine.js";
import { loadDataset } from "../../src/data/load.js";
import type { Role } from "../../src/data/roles.js";
import { registry } from "../../src/analysis/registry.js";
import { resolveParams } from "../../src/analysis/params.js";
import { runAnalysis, runShared } from "../../src/analysis/run.js";
import type { Analysis, AnalysisContext, AnalysisResult } from "../../src/analysis/types.js";
import { isChurnbookError } from "../../src/util/errors.js";
import { parsePeriod } from "../../src/util/period.js";

const root = join(import.meta.dirname, "..", "..");
const sampleRoles: Role[] = ["customers", "subscriptions", "transactions", "tickets", "churn_events", "usage"];

export interface SampleRun {
  analysis: Analysis;
  label: string;
  params: Record<string, unknown>;
  result: AnalysisResult;
}

/** Param variants of an analysis: defaults, every value of every enum param, and hand-picked ones. */
export function paramVariants(a: Analysis, extra: Record<string, Record<string, unknown>[]> = {}): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{}];
  for (const [name, schema] of Object.entries(a.params.properties)) {
    const values = enumValues(schema);
    for (const v of values ?? []) if (v !== (schema as { default?: unknown }).default) out.push({ [name]: v });
  }
  out.push(...(extra[a.id] ?? []));
  return out;
}

export function enumValues(schema: unknown): string[] | undefined {
  const s = schema as { anyOf?: { const?: unknown }[]; enum?: unknown[] };
  if (s.anyOf && s.anyOf.every((x) => typeof x.const === "string")) return s.anyOf.map((x) => x.const as string);
  if (Array.isArray(s.enum)) return s.enum.map(String);
  return undefined;
}

const extra: Record<string, Record<string, unknown>[]> = {
  survival: [{ by: "plan" }],
  hazard: [{ by: "plan" }],
  cox: [{ covariates: "plan,channel,region,company_size" }],
  "churn-trend": [{ periods: 12 }],
  "cohort-retention": [{ cohorts: 12, periods: 12 }],
  "cohort-projection": [{ survivors: "1000,631,468,382,326,285,252,229,210,196,185,176,170" }],
  clv: [{ unit: "week", horizon: 12, discount_rate: 0.01 }, { calibration_end: "2026-04-30" }],
  deciles: [{ measure: "profit" }],
  "churn-model": [{ models: "logistic" }],
};

/** The quick set (the contract test): defaults, plus the variants that produce conditional outputs. */
const quickExtra: Record<string, Record<string, unknown>[]> = {
  "churn-summary": [{ conventions: "compare", convention: "rolling30" }],
  clv: [{ calibration_end: "2026-04-30" }],
  "cohort-projection": [{ survivors: "1000,631,468,382,326,285,252,229,210,196,185,176,170" }, { mode: "per_cohort" }],
  survival: [{ by: "plan" }],
  hazard: [{ by: "plan" }],
  cox: [{ covariates: "plan,channel,region,company_size" }],
  deciles: [{ measure: "profit", window: "period" }],
};
/** Analyses also run on the inactivity basis in the quick set (their outputs depend on the basis). */
const quickInactivity = new Set(["churn-summary", "churn-trend", "leaky-bucket", "mrr-movements", "early-churn", "cohort-retention", "survival", "segments", "churned-value"]);

/**
 * Runs the analyses on the sample data; an analysis that needs other data than the sample has is
 * skipped (missing-*). `quick`: defaults and the variants with conditional outputs (the contract
 * test); otherwise every enum value of every param under both churn bases (several minutes).
 */
export async function sampleRuns(options: { ids?: string[]; quick?: boolean; locale?: AnalysisContext["locale"] } = {}): Promise<SampleRun[]> {
  const ids = options.ids ?? [...registry.keys()];
  const engine: Engine = await createEngine();
  const runs: SampleRun[] = [];
  try {
    const fields: AnalysisContext["fields"] = {};
    for (const role of sampleRoles) {
      const loaded = await loadDataset(engine, { name: role, role, file: join(root, "data/acme", `${role}.csv`), columns: {}, types: {}, derive: {} }, { now: new Date("2026-11-20T00:00:00Z") });
      fields[role] = loaded.fields;
    }
    // A customer on the phone: active at the period end, with tickets.
    const firstCustomer = String((await engine.query("SELECT MIN(s.customer_id) AS c FROM subscriptions s JOIN tickets t USING (customer_id) WHERE s.end_date IS NULL"))[0]!.c);
    const period = parsePeriod("2026-10");
    const bases: { label: string; churn: AnalysisContext["churn"]; fields: AnalysisContext["fields"] }[] = [
      { label: "subscriptions", churn: { kind: "subscriptions" }, fields },
      { label: "inactivity", churn: { kind: "inactivity", days: 90 }, fields: Object.fromEntries(Object.entries(fields).filter(([r]) => r !== "subscriptions")) },
    ];
    const shared = runShared();
    for (const id of ids) {
      const a = registry.get(id)!;
      const card = { "customer-card": [{ customer_id: firstCustomer }] };
      const variants = options.quick ? [{}, ...(quickExtra[a.id] ?? []), ...(card[a.id as "customer-card"] ?? [])] : paramVariants(a, { ...extra, ...card });
      for (const base of bases) {
        if (options.quick && base.label === "inactivity" && !quickInactivity.has(a.id)) continue;
        for (const v of variants) {
          if (a.id === "customer-card" && !v.customer_id) continue;
          const ctx: AnalysisContext = { period, locale: options.locale ?? "en-US", currency: "USD", churn: base.churn, fields: base.fields };
          try {
            const p = resolveParams(a, v);
            const t0 = performance.now();
            const result = await runAnalysis(engine, a, p as never, ctx, shared);
            if (process.env.SAMPLE_RUNS_TIMES) console.error(a.id, base.label, JSON.stringify(v), Math.round(performance.now() - t0), "ms");
            runs.push({ analysis: a, label: `${base.label} ${JSON.stringify(v)}`, params: v, result });
          } catch (e) {
            if (isChurnbookError(e)) continue; // needs other data, or a param combination the data refuses
            throw e;
          }
        }
      }
    }
  } finally {
    engine.close();
  }
  return runs;
}
