import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/data/engine.js";
import { hazard } from "../../src/analysis/hazard.js";
import { survival } from "../../src/analysis/survival.js";
import { getAnalysis } from "../../src/analysis/registry.js";
import { resolveParams } from "../../src/analysis/params.js";
import type { AnalysisContext, Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { columns, defaultDefinition, runOnRows, chartPlan } from "../helpers/analysis.js";
import { referenceFile } from "../helpers/reference.js";

async function readCsv(name: string): Promise<Row[]> {
  const file = referenceFile("lifelines", name);
  const engine = await createEngine();
  try {
    return await engine.query(`SELECT * FROM read_csv('${file.replaceAll("'", "''")}', header = true)`);
  } finally {
    engine.close();
  }
}

// Hand-computed fixture with tied churns and a censoring at a churn time (8 customers):
//   durations 1 1 1 2 3 3 4 4, events E E C E C C E E.
//   t=1: n=8, d=2, c=1  smooth ΔH = 1/8 + 1/7 = 0.267857142857, ΔV = 1/64 + 1/49 = 0.036033163265
//   t=2: n=5, d=1       ΔH = 1/5 → H = 0.467857142857,          ΔV = 1/25 → V = 0.076033163265
//   t=3: n=4, d=0, c=2  H, V unchanged
//   t=4: n=2, d=2       ΔH = 1/2 + 1/1 → H = 1.967857142857,    ΔV = 1/4 + 1 → V = 1.326033163265
//   discrete: H = 2/8 = 0.25, + 1/5 = 0.45, 0.45, + 2/2 = 1.45;
//             V = 6·2/8³ = 0.0234375, + 4·1/5³ = 0.0554375, 0.0554375, + 0·2/2³ = 0.0554375.
//   95% interval at t=2 (smooth): z√V/H = 1.959964·√0.076033163/0.467857143 = 1.155145;
//             lower = 0.467857·e^−1.155145 = 0.147381, upper = 0.467857·e^1.155145 = 1.485204.
const fixture: Row[] = [
  { duration: 1, event: true, tier: "a" },
  { duration: 1, event: true, tier: "b" },
  { duration: 1, event: false, tier: "a" },
  { duration: 2, event: true, tier: "a" },
  { duration: 3, event: false, tier: "b" },
  { duration: 3, event: false, tier: "b" },
  { duration: 4, event: true, tier: "a" },
  { duration: 4, event: true, tier: "b" },
];

describe("hazard", () => {
  it("is registered with the survival params by/unit", () => {
    expect(getAnalysis("hazard")).toBe(hazard);
    expect(resolveParams(hazard, {})).toEqual({ by: "", unit: "month", ties: "smooth", conf_level: 0.95 });
    expect(hazard.mainTable).toBe("hazard");
  });

  it("accumulates tied churns as lifelines does (smooth), from time 0", async () => {
    const r = await runOnRows(hazard, { lifetimes: fixture });
    const t = r.tables.hazard!;
    expect(Object.keys(t[0]!)).toEqual(["group", "time", "at_risk", "events", "censored", "cumulative_hazard", "variance", "lower", "upper"]);
    expect(columns(t)).toMatchObject({ group: ["all", "all", "all", "all", "all"], time: [0, 1, 2, 3, 4], at_risk: [8, 8, 5, 4, 2], events: [0, 2, 1, 0, 2], censored: [0, 1, 0, 2, 0] });
    const H = [0, 0.267857142857, 0.467857142857, 0.467857142857, 1.967857142857];
    const V = [0, 0.036033163265, 0.076033163265, 0.076033163265, 1.326033163265];
    t.forEach((row, i) => {
      expect(row.cumulative_hazard as number).toBeCloseTo(H[i]!, 11);
      expect(row.variance as number).toBeCloseTo(V[i]!, 11);
    });
    expect(t[0]).toMatchObject({ lower: 0, upper: 0 });
    expect(t[2]!.lower as number).toBeCloseTo(0.147381, 6);
    expect(t[2]!.upper as number).toBeCloseTo(1.485204, 6);
    expect(r.scalars).toEqual({ customers: 8, events: 5, time_unit: null, groups: 1 });
  });

  it("uses d/n with ties=discrete", async () => {
    const r = await runOnRows(hazard, { lifetimes: fixture }, { ties: "discrete" });
    expect(r.tables.hazard!.map((x) => x.cumulative_hazard)).toEqual([0, 0.25, expect.closeTo(0.45, 12), expect.closeTo(0.45, 12), expect.closeTo(1.45, 12)]);
    expect(r.tables.hazard!.map((x) => x.variance)).toEqual([0, 0.0234375, expect.closeTo(0.0554375, 12), expect.closeTo(0.0554375, 12), expect.closeTo(0.0554375, 12)]);
  });

  it("splits by an attribute, leaving out customers without a value", async () => {
    // tier a: 1E 1C 2E 4E → t=1 n=4 d=1: 1/4; t=2 n=2 d=1: + 1/2 = 0.75; t=4 n=1 d=1: + 1 = 1.75.
    // tier b: 1E 3C 3C 4E → t=1 n=4 d=1: 1/4; t=3 censorings; t=4 n=1 d=1: + 1 = 1.25.
    const lifetimes = [...fixture, { duration: 2, event: true, tier: null }];
    const r = await runOnRows(hazard, { lifetimes }, { by: "tier" });
    const a = r.tables.hazard!.filter((x) => x.group === "a");
    const b = r.tables.hazard!.filter((x) => x.group === "b");
    expect(columns(a)).toMatchObject({ time: [0, 1, 2, 4], at_risk: [4, 4, 2, 1], cumulative_hazard: [0, 0.25, 0.75, 1.75] });
    expect(columns(b)).toMatchObject({ time: [0, 1, 3, 4], at_risk: [4, 4, 3, 1], cumulative_hazard: [0, 0.25, 0.25, 1.25] });
    expect(r.tables.hazard!.map((x) => x.group)).toEqual(["a", "a", "a", "a", "b", "b", "b", "b"]);
    expect(r.scalars).toMatchObject({ customers: 8, events: 5, groups: 2 });
    expect(r.notes).toEqual([expect.stringMatching(/1 customer without a value of "tier" is left out/)]);
  });

  it("derives lifetimes from subscription spells like survival (days)", async () => {
    // As in survival.test.ts: churns at 28 (n=5) and 90 days (n=4); 153, 245, 304 censored.
    const subscriptions: Row[] = [
      { customer_id: "a", start_date: "2026-01-01", end_date: "2026-04-01" },
      { customer_id: "b", start_date: "2026-01-01", end_date: null },
      { customer_id: "c", start_date: "2026-06-01", end_date: "2026-12-01" },
      { customer_id: "d", start_date: "2026-11-15", end_date: null },
      { customer_id: "e", start_date: "2026-02-01", end_date: "2026-03-01" },
      { customer_id: "e", start_date: "2026-05-01", end_date: null },
      { customer_id: "f", start_date: "2026-03-01", end_date: "2026-11-01" },
    ];
    const r = await runOnRows(hazard, { subscriptions }, { unit: "day" });
    expect(columns(r.tables.hazard!)).toMatchObject({ time: [0, 28, 90, 153, 245, 304], cumulative_hazard: [0, 0.2, 0.45, 0.45, 0.45, 0.45] });
    expect(r.scalars).toMatchObject({ customers: 5, events: 2, time_unit: "day" });
    const months = await runOnRows(hazard, { subscriptions }, {});
    expect(months.tables.hazard![1]!.time).toBe(28 / 30.4375);
  });

  // lifelines reference: NelsonAalenFitter().fit(T, E) on the Waltons data (163 subjects, 156 deaths).
  // Values established by hand-computing lifelines' formulas (nelson_aalen_fitter.py: _additive_f_smooth,
  // _variance_f_smooth, _bounds) in an independent script over the event table:
  //   t=6  n=163 d=1            H = 1/163 = 0.006134969
  //   t=9  n=160 d=3            H = 1/163 + 1/162 + 1/160 + 1/159 + 1/158 = 0.031176231
  //   t=45 n=118 d=9 c=1        H = 0.394675345, V = 0.002977589, CI [0.300991, 0.517519]
  //   t=56 n=87  d=18           H = 0.840093678, V = 0.008149305, CI [0.680551, 1.037038]
  //   t=69 n=14  d=12 c=1       H = 4.021337030
  //   t=75 n=1   d=1            H = 5.021337030, V = 1.382568225
  //   by group, at the last time: control (129) H(75) = 4.782809752, miR-137 (34) H(62) = 4.118209990.
  it("matches lifelines' Nelson–Aalen on the Waltons data", async () => {
    const rows = await readCsv("waltons_dataset.csv");
    const lifetimes = rows.map((x) => ({ duration: Number(x.T), event: Number(x.E) === 1, group: String(x.group) }));
    const r = await runOnRows(hazard, { lifetimes });
    expect(r.scalars).toMatchObject({ customers: 163, events: 156 });
    const at = (t: number) => r.tables.hazard!.find((x) => x.time === t)!;
    expect(at(6).cumulative_hazard as number).toBeCloseTo(0.006134969, 9);
    expect(at(9).cumulative_hazard as number).toBeCloseTo(0.031176231, 9);
    expect(at(45)).toMatchObject({ at_risk: 118, events: 9, censored: 1 });
    expect(at(45).cumulative_hazard as number).toBeCloseTo(0.394675345, 9);
    expect(at(45).variance as number).toBeCloseTo(0.002977589, 9);
    expect(at(45).lower as number).toBeCloseTo(0.300991, 6);
    expect(at(45).upper as number).toBeCloseTo(0.517519, 6);
    expect(at(56).cumulative_hazard as number).toBeCloseTo(0.840093678, 9);
    expect(at(56).lower as number).toBeCloseTo(0.680551, 6);
    expect(at(56).upper as number).toBeCloseTo(1.037038, 6);
    expect(at(69).cumulative_hazard as number).toBeCloseTo(4.02133703, 8);
    expect(at(75).cumulative_hazard as number).toBeCloseTo(5.02133703, 8);
    expect(at(75).variance as number).toBeCloseTo(1.382568225, 9);

    const byGroup = await runOnRows(hazard, { lifetimes }, { by: "group" });
    const last = (g: string) => byGroup.tables.hazard!.filter((x) => x.group === g).at(-1)!;
    expect(last("control")).toMatchObject({ time: 75 });
    expect(last("control").cumulative_hazard as number).toBeCloseTo(4.782809752, 8);
    expect(last("miR-137")).toMatchObject({ time: 62 });
    expect(last("miR-137").cumulative_hazard as number).toBeCloseTo(4.11820999, 8);

    // Self-consistency with Kaplan–Meier on the same data: per step 1/n ≤ 1/(n−i) and
    // Σ_{i<d} 1/(n−i) ≤ −ln(1 − d/n), so H_discrete ≤ H_smooth ≤ −ln S_KM at every time (while S > 0).
    const discrete = await runOnRows(hazard, { lifetimes }, { ties: "discrete" });
    const km = await runOnRows(survival, { lifetimes });
    const kmCurve = km.tables.curve!;
    expect(kmCurve.map((x) => x.time)).toEqual(r.tables.hazard!.map((x) => x.time));
    r.tables.hazard!.forEach((row, i) => {
      const h = row.cumulative_hazard as number;
      const s = kmCurve[i]!.survival as number;
      expect(discrete.tables.hazard![i]!.cumulative_hazard as number).toBeLessThanOrEqual(h + 1e-12);
      if (s > 0) expect(h).toBeLessThanOrEqual(-Math.log(s) + 1e-12);
      // survival's own curve column carries the same (smooth) Nelson–Aalen values.
      expect(kmCurve[i]!.cumulative_hazard as number).toBeCloseTo(h, 12);
    });
  });

  it("stays at 0 without churn and returns an empty result without customers", async () => {
    const r = await runOnRows(hazard, { lifetimes: [{ duration: 3, event: false }, { duration: 5, event: false }] });
    expect(r.tables.hazard!.map((x) => [x.time, x.cumulative_hazard, x.lower, x.upper])).toEqual([
      [0, 0, 0, 0],
      [3, 0, 0, 0],
      [5, 0, 0, 0],
    ]);
    expect(r.notes).toEqual([expect.stringMatching(/cumulative hazard stays at 0/)]);
    const empty = await runOnRows(hazard, { subscriptions: [{ customer_id: "d", start_date: "2027-01-01", end_date: null }] });
    expect(empty.tables).toEqual({ hazard: [] });
    expect(empty.scalars).toMatchObject({ customers: 0, events: 0 });
    expect(empty.notes).toEqual([expect.stringMatching(/no customer lifetimes/)]);
    expect(hazard.chart!(empty, chartPlan(resolveParams(hazard, {}), ctxFor()))).toBeNull();
  });

  it("rejects an unknown attribute with a hint", async () => {
    await expect(runOnRows(hazard, { lifetimes: fixture }, { by: "tierr" })).rejects.toMatchObject({ code: "unknown-attribute", hint: expect.stringMatching(/"tier"/) });
  });

  it("charts the step curve with its band, localised", async () => {
    const r = await runOnRows(hazard, { lifetimes: fixture }, { by: "tier" });
    const params = resolveParams(hazard, { by: "tier" });
    const en = hazard.chart!(r, chartPlan(params, ctxFor()));
    expect(en!.title).toBe("Cumulative churn hazard");
    expect(en!.marks.find((m) => m.mark === "lineY")).toEqual({ mark: "lineY", data: "hazard", options: { x: "time", y: "cumulative_hazard", stroke: "group", curve: "step-after" } });
    expect(en!.marks.find((m) => m.mark === "areaY")!.options).toMatchObject({ y1: "lower", y2: "upper", curve: "step-after" });
    expect(en).toMatchObject({ x: { label: "Lifetime (months)" }, color: { legend: true } });
    const zh = hazard.chart!(r, chartPlan(params, ctxFor("zh-CN")));
    expect(zh!.title).toBe("客户累计流失风险");
    expect(zh!.y!.label).toMatch(/累计风险/);
    for (const l of ["zh-CN", "en-US"] as const) {
      expect(hazard.title[l].length).toBeGreaterThan(0);
      expect(defaultDefinition(hazard)[l]).toMatch(/Nelson–Aalen/);
    }
  });
});

function ctxFor(locale: AnalysisContext["locale"] = "en-US"): AnalysisContext {
  return { locale, currency: "USD", churn: { kind: "subscriptions" }, period: parsePeriod("2026-10"), fields: { subscriptions: ["customer_id", "start_date", "end_date"] } };
}
