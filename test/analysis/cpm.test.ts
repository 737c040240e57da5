import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cpm } from "../../src/analysis/cpm.js";
import { renderChart } from "../../src/charts/index.js";
import { cpmGroup, cpmGroups, type CpmRules } from "../../src/analysis/segmentation/cpm-rules.js";
import type { Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, runOnRows, chartPlan } from "../helpers/analysis.js";
import { referenceFile } from "../helpers/reference.js";

const t = (customer_id: string, date: string, amount: number): Row => ({ customer_id, date, amount });

// Period 2026-10: as-of 2026-10-31, previous as-of 2026-09-30. S = 500 (param) unless said.
const tx: Row[] = [
  t("n1", "2026-10-10", 100), // 1 purchase, 21 days → new; previously none
  t("n2", "2026-01-01", 1000), // 1 purchase, 303 days → first-time churned (prev: 272 days → same)
  t("s1", "2026-09-01", 50), t("s1", "2026-10-01", 50), // 2, tenure 30, spend 100 → semi-active (prev: 1 purchase → new)
  t("a1", "2026-03-01", 100), t("a1", "2026-10-01", 100), // 2, tenure 214 ≥ 90, 200 < S → active (prev: 1, 213 days → new)
  t("st", "2026-08-01", 300), t("st", "2026-09-15", 300), // 600 ≥ S, tenure 45 < 210 → stable (prev same)
  t("lo", "2025-12-01", 300), t("lo", "2026-10-15", 300), // 600 ≥ S, tenure 318 → loyal (prev: 1, 303 days → first-time churned)
  t("ch", "2025-01-01", 50), t("ch", "2025-02-01", 50), // lapsed, 2, tenure 31, 100 → churned
  t("nr", "2025-01-01", 100), t("nr", "2025-06-01", 100), // lapsed, tenure 151 ≥ 90, 200 → needs retention
  t("gr", "2025-05-01", 400), t("gr", "2025-06-01", 400), // lapsed, 800 ≥ S, tenure 31 → general retention
  t("ir", "2024-01-01", 400), t("ir", "2025-01-01", 400), // lapsed, 800, tenure 366 → important retention
  t("b240", "2026-03-05", 10), // exactly 240 days → lapsed: first-time churned
  t("b239", "2026-03-06", 10), // 239 days → new
  t("t90", "2026-07-22", 10), t("t90", "2026-10-20", 10), // tenure exactly 90 → active
  t("eqS", "2026-10-01", 250), t("eqS", "2026-10-11", 250), // spend exactly S → stable
  t("rt", "2026-10-01", 600), t("rt", "2026-10-02", 10), t("rt", "2026-10-05", -200), // net 410 < S → semi-active
  t("x", "2026-10-05", -20), // only a return: not grouped
];

describe("cpm", () => {
  it("groups a hand-computed fixture by the rule table", async () => {
    const res = await runOnRows(cpm, { transactions: tx }, { spend_threshold: 500 }, { period: parsePeriod("2026-10") });
    const byId = Object.fromEntries(res.tables.customers!.map((c) => [c.customer_id, [c.group, c.previous_group]]));
    expect(byId).toEqual({
      a1: ["active", "new"], b239: ["new", "new"], b240: ["first_time_churned", "new"],
      ch: ["churned", "churned"], eqS: ["stable", "none"], gr: ["general_retention", "general_retention"],
      ir: ["important_retention", "important_retention"], lo: ["loyal", "first_time_churned"], n1: ["new", "none"],
      n2: ["first_time_churned", "first_time_churned"], nr: ["needs_retention", "needs_retention"], rt: ["semi_active", "none"],
      s1: ["semi_active", "new"], st: ["stable", "stable"], t90: ["active", "new"],
    });
    const g = columns(res.tables.groups!);
    expect(g.group).toEqual([...cpmGroups]);
    expect(g.customers).toEqual([2, 2, 2, 2, 1, 2, 1, 1, 1, 1]);
    // revenue: new n1 100 + b239 10; stable st 600 + eqS 500; loyal lo 600
    expect(g.revenue!.slice(0, 5)).toEqual([110, 510, 220, 1100, 600]);
    // period revenue (Oct): n1 100; semi s1 50 + rt 410; active a1 100 + t90 10; stable eqS 500; loyal 300
    expect(g.period_revenue!.slice(0, 5)).toEqual([100, 460, 110, 500, 300]);
    expect(res.scalars).toMatchObject({ as_of: "2026-10-31", previous_as_of: "2026-09-30", spend_threshold: 500, customers: 15, lapsed_customers: 6 });
    expect(res.notes!.join(" ")).toMatch(/1 customer\(s\) with returns but no purchase/);
    // transition matrix: 11 × 10 cells summing to all customers
    const tr = res.tables.transitions!;
    expect(tr).toHaveLength(110);
    expect(tr.reduce((s, r) => s + (r.customers as number), 0)).toBe(15);
    const cell = (f: string, to: string) => tr.find((r) => r.from_group === f && r.to_group === to)!.customers;
    expect(cell("new", "active")).toBe(2); // a1, t90
    expect(cell("first_time_churned", "loyal")).toBe(1);
    expect(cell("none", "semi_active")).toBe(1);
    expect(cell("none", "new")).toBe(1);
    expect(cell("new", "first_time_churned")).toBe(1); // b240: 209 days at 09-30, 240 at 10-31
    expect(res.tables.groups![3]).toMatchObject({ label: "Stable", status: "current", rule: "≥ 2 purchases, spend ≥ 500, tenure < 210 days; bought within 240 days" });
  });

  it("derives the threshold as the type-7 80th percentile of spend", async () => {
    // the 15 spends sorted: [10, 10, 20 (t90), 100 (n1), 100 (s1), 100 (ch), 200 (a1), 200 (nr), 410 (rt), 500 (eqS),
    //   600 (st), 600 (lo), 800 (gr), 800 (ir), 1000 (n2)]
    // h = 14·0.8 = 11.2 → 600 + 0.2·(800 − 600) = 640
    const res = await runOnRows(cpm, { transactions: tx }, {}, { period: parsePeriod("2026-10"), locale: "zh-CN" });
    expect(res.scalars.spend_threshold).toBeCloseTo(640, 9);
    expect(res.scalars.spend_threshold_source).toBe("p80");
    const byId = Object.fromEntries(res.tables.customers!.map((c) => [c.customer_id, c.group]));
    expect(byId.st).toBe("semi_active"); // 600 < 640, tenure 45
    expect(byId.lo).toBe("active");
    expect(byId.gr).toBe("general_retention"); // 800 ≥ 640
    expect(res.tables.groups![0]).toMatchObject({ label: "新客", status_label: "当前客户" });
  });

  it("is a partition: every customer in exactly one group, under any thresholds", () => {
    const rules: CpmRules[] = [
      { lapseDays: 240, shortTenure: 90, longTenure: 210, spendThreshold: 100 },
      { lapseDays: 30, shortTenure: 200, longTenure: 10, spendThreshold: 0 },
    ];
    for (const r of rules) {
      const seen = new Set<string>();
      for (const purchases of [1, 2, 5]) for (const tenure of [0, 9, 10, 89, 90, 209, 210, 500]) for (const spend of [-5, 0, 99, 100, 1e6]) for (const daysSince of [0, 29, 30, 239, 240, 1000]) {
        const g = cpmGroup({ purchases, tenure, spend, daysSince }, r);
        expect(cpmGroups).toContain(g);
        // the lapsed half exactly when days since ≥ lapse_days
        expect(cpmGroups.indexOf(g) >= 5).toBe(daysSince >= r.lapseDays);
        if (purchases === 1) expect(["new", "first_time_churned"]).toContain(g);
        seen.add(g);
      }
      if (r.lapseDays === 240) expect(seen.size).toBe(10);
    }
  });

  it("draws the group chart without warnings", async () => {
    const res = await runOnRows(cpm, { transactions: tx }, { spend_threshold: 500 }, { period: parsePeriod("2026-10"), locale: "zh-CN" });
    const spec = cpm.chart!(res, chartPlan({} as never, { period: parsePeriod("2026-10"), locale: "zh-CN", currency: "CNY", churn: { kind: "subscriptions" }, fields: {} }))!;
    expect(spec.color!.domain).toEqual(["当前客户", "流失客户"]);
    expect(renderChart(spec, res.tables, { locale: "zh-CN", currency: "CNY", fontFamily: "sans-serif" }).warnings).toEqual([]);
  });

  it("handles empty data and a bad previous date", async () => {
    const res = await runOnRows(cpm, { transactions: [t("z", "2027-01-01", 5)] }, {}, { period: parsePeriod("2026-10") });
    expect(res.scalars).toMatchObject({ customers: 0, spend_threshold: null, lapsed_share: null });
    expect(res.tables.groups!.every((g) => g.customers === 0 && g.share === null)).toBe(true);
    await expect(runOnRows(cpm, { transactions: tx }, { previous_as_of: "2026-10-31" }, { period: parsePeriod("2026-10") })).rejects.toThrow(/not before/);
  });
});

function loadCdnow(): Row[] {
  const text = readFileSync(referenceFile("cdnow", "CDNOW_master.txt"), "utf8");
  return text.split(/\r?\n/).slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 4)
    .map((f) => ({ customer_id: f[0]!, date: `${f[1]!.slice(0, 4)}-${f[1]!.slice(4, 6)}-${f[1]!.slice(6, 8)}`, quantity: Number(f[2]), amount: Number(f[3]) }));
}

describe("cpm on CDNOW", () => {
  it("puts all 23,570 customers in exactly one group", async () => {
    const res = await runOnRows(cpm, { transactions: loadCdnow() }, {}, { period: parsePeriod("1998-06") });
    expect(res.scalars.customers).toBe(23570);
    expect(res.tables.groups!.reduce((s, g) => s + (g.customers as number), 0)).toBe(23570);
    expect(res.tables.transitions!.reduce((s, g) => s + (g.customers as number), 0)).toBe(23570);
    // everyone's first purchase is in 1997-Q1, so nobody is "not yet a customer" at 1998-05-31
    expect(res.tables.transitions!.filter((r) => r.from_group === "none").every((r) => r.customers === 0)).toBe(true);
  });
});
