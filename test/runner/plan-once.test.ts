// The staged analysis contract (analysis/types.ts): the runner plans each analysis cell once and
// hands that very plan to every later stage — reductions, products, compute, chart — which never
// see the raw params or the report period (their context is a RunContext, without `period`).

import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseReportText } from "../../src/runner/definitions.js";
import { registry } from "../../src/analysis/registry.js";
import { runReport } from "../../src/runner/run.js";

describe("staged analyses in a report run", () => {
  afterEach(() => vi.restoreAllMocks());

  it("each analysis cell is planned once, and every later stage gets that plan, without the period", async () => {
    const ids = ["churn-summary", "churn-trend", "leaky-bucket", "mrr-movements", "cohort-retention", "survival"];
    const plans = new Map<string, unknown[]>();
    const later: [string, string, unknown][] = [];
    for (const id of ids) {
      const a = registry.get(id)!;
      const plan = a.plan.bind(a);
      vi.spyOn(a, "plan").mockImplementation((p, ctx) => {
        const l = plan(p, ctx);
        plans.set(id, [...(plans.get(id) ?? []), l]);
        return l;
      });
      const spy = (stage: "reductions" | "products" | "compute" | "chart", at: number) => {
        const f = a[stage] as ((...args: unknown[]) => unknown) | undefined;
        if (!f) return;
        vi.spyOn(a, stage).mockImplementation(((...args: unknown[]) => (later.push([id, stage, args[at]]), f.apply(a, args))) as never);
      };
      spy("reductions", 0);
      spy("products", 0);
      spy("compute", 1);
      spy("chart", 1);
    }
    const report = parseReportText(
      `title: Plans
locale: en-US
datasets:
  customers: { path: ../data/acme/customers.csv }
  subscriptions: { path: ../data/acme/subscriptions.csv }
  transactions: { path: ../data/acme/transactions.csv }
cells:
  - { id: summary, analysis: churn-summary }
  - { id: summary_prev, analysis: churn-summary, params: { period: "2026-09" } }
  - { id: trend, analysis: churn-trend, show: true }
  - { id: bucket, analysis: leaky-bucket, show: true }
  - { id: mrr, analysis: mrr-movements, show: true }
  - { id: cohorts, analysis: cohort-retention, show: true }
  - { id: lifetimes, analysis: survival, show: true }
`,
      join(import.meta.dirname, "..", "..", "reports", "plans.yaml"),
    );
    await runReport(report, { overrides: { period: "2026-10" }, now: new Date("2026-11-25T00:00:00Z") });

    // Once per cell: churn-summary has two cells, the others one.
    expect(Object.fromEntries(ids.map((id) => [id, plans.get(id)?.length ?? 0]))).toEqual({ "churn-summary": 2, "churn-trend": 1, "leaky-bucket": 1, "mrr-movements": 1, "cohort-retention": 1, survival: 1 });
    // Every later stage ran, each with a plan its cell's plan stage returned (never re-made).
    for (const id of ids) expect(later.filter(([a, s]) => a === id && s === "compute").length, id).toBe(plans.get(id)!.length);
    expect(later.some(([, s]) => s === "chart")).toBe(true);
    for (const [id, stage, plan] of later) {
      expect(plans.get(id)!.includes(plan), `${id}.${stage} got a plan its plan stage did not return`).toBe(true);
      // The period is resolved in plan: the context the later stages carry has none to resolve again.
      expect((plan as { ctx: object }).ctx, `${id}.${stage}`).not.toHaveProperty("period");
    }
  }, 180_000);
});
