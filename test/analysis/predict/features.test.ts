import { describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../../src/data/engine.js";
import { featureSql, trainingCutoffs } from "../../../src/analysis/predict/features.js";
import type { AnalysisContext, Row } from "../../../src/analysis/types.js";

const types = {
  subscriptions: { customer_id: "VARCHAR", start_date: "DATE", end_date: "DATE", mrr: "DOUBLE", plan: "VARCHAR" },
  transactions: { customer_id: "VARCHAR", date: "DATE", amount: "DOUBLE", cost: "DOUBLE" },
  tickets: { customer_id: "VARCHAR", date: "DATE", category: "VARCHAR", satisfaction: "DOUBLE", resolved_date: "DATE" },
  usage: { customer_id: "VARCHAR", date: "DATE", count: "DOUBLE" },
  customers: { customer_id: "VARCHAR", signup_date: "DATE", region: "VARCHAR", churned: "BOOLEAN", churn_flag: "VARCHAR" },
} as const;

type Data = Partial<Record<keyof typeof types, Row[]>>;

async function load(data: Data): Promise<{ engine: Engine; ctx: Pick<AnalysisContext, "churn" | "fields"> }> {
  const engine = await createEngine();
  const fields: AnalysisContext["fields"] = {};
  for (const [role, rows] of Object.entries(data) as [keyof typeof types, Row[]][]) {
    await engine.loadRows(role, types[role], rows);
    fields[role] = Object.keys(types[role]);
  }
  return { engine, ctx: { churn: { kind: "subscriptions" }, fields } };
}

// Customer a: subscribed 2026-01-01, MRR 100 (raised to 150 on 2026-04-01 by a second plan), still active.
// Customer b: subscribed 2026-02-01, ends 2026-07-10 (churns 9 days after the 2026-07-01 cutoff).
// Customer c: ended 2026-05-01, before the cutoff: not in the population.
const base: Data = {
  subscriptions: [
    { customer_id: "a", start_date: "2026-01-01", end_date: "2026-04-01", mrr: 100, plan: "Basic" },
    { customer_id: "a", start_date: "2026-04-01", end_date: null, mrr: 150, plan: "Pro" },
    { customer_id: "b", start_date: "2026-02-01", end_date: "2026-07-10", mrr: 50, plan: "Basic" },
    { customer_id: "c", start_date: "2026-01-01", end_date: "2026-05-01", mrr: 50, plan: "Basic" },
  ],
  transactions: [
    { customer_id: "a", date: "2026-06-20", amount: 150, cost: 40 }, // 11 days before the cutoff
    { customer_id: "a", date: "2026-05-20", amount: 150, cost: 40 }, // 42 days before
    { customer_id: "a", date: "2026-02-20", amount: 100, cost: 40 }, // 131 days before
    { customer_id: "b", date: "2026-06-01", amount: 50, cost: 10 },
  ],
  tickets: [
    { customer_id: "a", date: "2026-06-10", category: "bug", satisfaction: 2, resolved_date: "2026-06-14" }, // resolved in 4 days
    { customer_id: "a", date: "2026-03-01", category: "bug", satisfaction: 4, resolved_date: "2026-03-03" }, // resolved in 2 days
    { customer_id: "b", date: "2026-06-28", category: "billing", satisfaction: null, resolved_date: "2026-07-05" }, // open at the cutoff
  ],
  usage: [
    { customer_id: "a", date: "2026-06-25", count: 10 },
    { customer_id: "a", date: "2026-03-15", count: 7 },
  ],
  customers: [
    { customer_id: "a", signup_date: "2025-12-15", region: "East", churned: false, churn_flag: "no" },
    { customer_id: "b", signup_date: "2026-02-01", region: "West", churned: true, churn_flag: "yes" },
  ],
};

async function features(data: Data, cutoffs: string[], asOf = "2026-11-01"): Promise<Row[]> {
  const { engine, ctx } = await load(data);
  try {
    return await engine.query(featureSql(ctx, { cutoffs, asOf, horizonDays: 90 }));
  } finally {
    engine.close();
  }
}

describe("feature builder", () => {
  it("computes hand-checked features and the label at a cutoff", async () => {
    const rows = await features(base, ["2026-07-01"]);
    expect(rows.map((r) => r.customer_id)).toEqual(["a", "b"]);
    const a = rows[0]!, b = rows[1]!;
    expect(a).toMatchObject({
      cutoff: "2026-07-01",
      label: 0,
      tenure_days: 181, // 2026-01-01 → 2026-07-01
      prior_spells: 0,
      mrr_now: 150,
      mrr_change_90d: 0, // cutoff − 90 = 2026-04-02: the Pro subscription (150) already runs
      
      mrr_change_180d: 50, // 150 − 100 on 2026-01-02
      active_subscriptions: 1,
      current_plan: "Pro",
      recency_days: 11,
      frequency: 3,
      monetary: 400 / 3,
      revenue_30d: 150,
      revenue_90d: 300,
      revenue_trend_90d: 300 - 100, // 90 days vs the 90 before (180-day total 400)
      value_12m: (150 - 40) * 2 + (100 - 40),
      tickets_30d: 1,
      tickets_90d: 1,
      tickets_180d: 2,
      tickets_total: 2,
      open_tickets: 0,
      avg_resolve_days: 3, // (4 + 2) / 2
      last_satisfaction: 2,
      avg_satisfaction: 3,
      has_rating: 1,
      usage_30d: 10,
      usage_90d: 10,
      usage_trend_90d: 10 - 7, // 180-day total 17
      days_since_usage: 6,
      account_age_days: 198,
      region: "East",
    });
    // b churns on 2026-07-10, within [cutoff, cutoff + 90): label 1; its ticket is still open on the eve
    expect(b).toMatchObject({ label: 1, open_tickets: 1, avg_resolve_days: 0, last_satisfaction: null, has_rating: 0, recency_days: 30, usage_30d: 0, days_since_usage: 150 });
    // never leaked: the churned flag and columns named like churn are not features
    expect(Object.keys(a)).not.toContain("churned");
    expect(Object.keys(a)).not.toContain("churn_flag");
  });

  it("no feature reads data on or after its cutoff", async () => {
    const cutoff = "2026-07-01";
    const later: Data = {
      subscriptions: [
        // a's open subscription now ends after the cutoff; a new one starts after it
        { customer_id: "a", start_date: "2026-01-01", end_date: "2026-04-01", mrr: 100, plan: "Basic" },
        { customer_id: "a", start_date: "2026-04-01", end_date: "2026-08-15", mrr: 150, plan: "Pro" },
        { customer_id: "a", start_date: "2026-07-01", end_date: null, mrr: 900, plan: "Enterprise" },
        ...base.subscriptions!.slice(2),
      ],
      transactions: [...base.transactions!, { customer_id: "a", date: cutoff, amount: 999, cost: 1 }, { customer_id: "b", date: "2026-07-05", amount: 999, cost: 1 }],
      tickets: [
        ...base.tickets!,
        { customer_id: "a", date: cutoff, category: "outage", satisfaction: 1, resolved_date: "2026-07-02" },
        { customer_id: "b", date: "2026-08-01", category: "outage", satisfaction: 5, resolved_date: "2026-08-02" },
      ],
      usage: [...base.usage!, { customer_id: "a", date: cutoff, count: 500 }, { customer_id: "b", date: "2026-09-01", count: 500 }],
      customers: base.customers,
    };
    const strip = (rows: Row[]) => rows.map(({ label: _label, ...rest }) => rest);
    const before = await features(base, [cutoff]);
    const after = await features(later, [cutoff]);
    expect(strip(after)).toEqual(strip(before));
    // the labels do read the future: a's spell now continues (open sub from 2026-07-01)
    expect(after.map((r) => r.label)).toEqual([0, 1]);
  });

  it("ignores rows on or after the as-of date and censors spell ends there", async () => {
    // With asOf 2026-07-05, b's end (2026-07-10) is not yet known: b is active, label 0.
    const rows = await features(base, ["2026-07-01"], "2026-07-05");
    expect(rows.map((r) => [r.customer_id, r.label])).toEqual([["a", 0], ["b", 0]]);
  });

  it("picks the latest monthly cutoffs whose label window is observed", () => {
    // asOf 2026-11-01, H = 90: latest c with c + 90 ≤ 2026-11-01 is 2026-08-01 (c ≤ 2026-08-03)
    expect(trainingCutoffs("2026-11-01", 90, 3)).toEqual(["2026-06-01", "2026-07-01", "2026-08-01"]);
    // asOf 2026-03-01, H = 30: 2026-02-01 + 30 = 2026-03-03 is too late; 2026-01-30 → January
    expect(trainingCutoffs("2026-03-01", 30, 2)).toEqual(["2025-12-01", "2026-01-01"]);
  });
});

describe("training sample", () => {
  // 300 customers subscribed 2026-01-01; every third ends within 90 days of the 2026-07-01
  // cutoff (label 1: 100 churners, 200 stayers).
  const many: Data = {
    subscriptions: Array.from({ length: 300 }, (_, i) => ({ customer_id: `c${String(i).padStart(3, "0")}`, start_date: "2026-01-01", end_date: i % 3 === 0 ? "2026-08-01" : null, mrr: 10 + (i % 7), plan: i % 2 ? "Basic" : "Pro" })),
  };
  const run = async (o: { limit?: number; seed?: number }) => {
    const { engine, ctx } = await load(many);
    try {
      return await engine.query(featureSql(ctx, { cutoffs: ["2026-07-01"], asOf: "2026-11-01", horizonDays: 90, ...o }));
    } finally {
      engine.close();
    }
  };

  it("draws a seeded sample stratified by label when the population exceeds the limit", async () => {
    const all = await run({});
    const a = await run({ limit: 60, seed: 42 });
    // round(60 × 100/300) = 20 churners and round(60 × 200/300) = 40 others, each with the
    // features the full run gives it, and the population before sampling on every row.
    expect(a.filter((r) => r.label === 1)).toHaveLength(20);
    expect(a.filter((r) => r.label === 0)).toHaveLength(40);
    expect(new Set(a.map((r) => r.__population))).toEqual(new Set([300]));
    const byId = new Map(all.map((r) => [r.customer_id, r]));
    for (const r of a) {
      const { __population, ...rest } = r;
      expect(rest).toEqual(byId.get(r.customer_id));
    }
    // Deterministic for a seed, another sample for another seed; ordered as the full run.
    expect(await run({ limit: 60, seed: 42 })).toEqual(a);
    const b = await run({ limit: 60, seed: 7 });
    expect(b.map((r) => r.customer_id)).not.toEqual(a.map((r) => r.customer_id));
    expect(a.map((r) => r.customer_id)).toEqual([...a.map((r) => String(r.customer_id))].sort());
  });

  it("keeps every row, with the same features, when the population is within the limit", async () => {
    const all = await run({});
    const kept = await run({ limit: 300, seed: 42 });
    expect(kept.map(({ __population, ...rest }) => rest)).toEqual(all);
    expect(kept.every((r) => r.__population === 300)).toBe(true);
  });
});
