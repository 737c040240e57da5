import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/data/engine.js";
import { cox } from "../../src/analysis/cox.js";
import { getAnalysis } from "../../src/analysis/registry.js";
import { resolveParams } from "../../src/analysis/params.js";
import { coxPH } from "../../src/analysis/stats/cox-ph.js";
import type { AnalysisContext, Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { runOnRows, chartPlan } from "../helpers/analysis.js";
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

const rossiTerms = ["fin", "age", "race", "wexp", "mar", "paro", "prio"];

async function rossiLifetimes(): Promise<Row[]> {
  const rows = await readCsv("rossi.csv");
  return rows.map((r) => {
    const o: Row = { duration: Number(r.week), event: Number(r.arrest) === 1 };
    for (const t of rossiTerms) o[t] = Number(r[t]);
    return o;
  });
}

describe("cox", () => {
  it("is registered with defaults", () => {
    expect(getAnalysis("cox")).toBe(cox);
    expect(resolveParams(cox, {})).toEqual({ covariates: "", conf_level: 0.95 });
  });

  it("matches lifelines / R on rossi.csv through a lifetimes dataset", async () => {
    const r = await runOnRows(cox, { lifetimes: await rossiLifetimes() }, { covariates: rossiTerms.join(",") });
    const byTerm = new Map(r.tables.coefficients!.map((row) => [row.name, row]));
    const coef = [-0.3794222, -0.0574377, 0.3138998, -0.1497957, -0.4337039, -0.0848711, 0.0914971];
    const se = [0.19138, 0.022, 0.30799, 0.21222, 0.38187, 0.19576, 0.02865];
    rossiTerms.forEach((t, j) => {
      const row = byTerm.get(t)!;
      expect(row.coef as number).toBeCloseTo(coef[j]!, 7);
      expect(row.se as number).toBeCloseTo(se[j]!, 5);
      expect(row.hazard_ratio as number).toBeCloseTo(Math.exp(coef[j]!), 6);
      expect(row.lower as number).toBeCloseTo(Math.exp(coef[j]! - 1.959964 * (row.se as number)), 6);
      expect(row.upper as number).toBeCloseTo(Math.exp(coef[j]! + 1.959964 * (row.se as number)), 6);
    });
    expect(r.scalars.log_likelihood as number).toBeCloseTo(-658.75, 2);
    expect(r.scalars.lr_chi2 as number).toBeCloseTo(33.27, 2);
    expect(r.scalars.lr_df).toBe(7);
    expect(r.scalars.lr_p as number).toBeLessThan(1e-4);
    expect(r.scalars.concordance as number).toBeCloseTo(0.64, 2); // lifelines: 0.64
    expect(r.scalars).toMatchObject({ n: 432, events: 114 });
    // Sorted by |z|: prio (z = 3.19) first, then age (−2.61), fin (−1.98), …
    expect(r.tables.coefficients!.map((x) => x.term)).toEqual(["prio", "age", "fin", "mar", "race", "wexp", "paro"]);
    const zs = r.tables.coefficients!.map((x) => Math.abs(x.z as number));
    expect([...zs].sort((a, b) => b - a)).toEqual(zs);
    // The public shape: name, coef, hazard_ratio, se, lower, upper, p (+ z, and term = name for compatibility).
    expect(Object.keys(r.tables.coefficients![0]!)).toEqual(["name", "coef", "hazard_ratio", "se", "lower", "upper", "p", "z", "term", "label"]);
    expect(r.tables.coefficients!.map((x) => x.name)).toEqual(["prio", "age", "fin", "mar", "race", "wexp", "paro"]);
    for (const row of r.tables.coefficients!) expect(row.term).toBe(row.name);
    expect(typeof r.scalars.log_likelihood).toBe("number");
    expect(typeof r.scalars.concordance).toBe("number");
    // Empty covariates = every attribute of the lifetimes dataset: the same model.
    const all = await runOnRows(cox, { lifetimes: await rossiLifetimes() });
    expect(all.tables.coefficients).toEqual(r.tables.coefficients);
  });

  it("one-hot encodes text attributes against their alphabetically first value", async () => {
    // region: east (base), north, west; the model must equal a hand-coded dummy fit.
    const durations = [2, 3, 3, 5, 6, 7, 8, 9, 10, 12, 4, 11];
    const events = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0];
    const region = ["north", "east", "west", "north", "west", "east", "west", "east", "north", "east", "west", "north"];
    const spend = [10, 4, 7, 3, 8, 2, 9, 1, 5, 6, 2, 4];
    const lifetimes = durations.map((d, i) => ({ customer_id: `c${i}`, duration: d, event: events[i] === 1, region: region[i]!, spend: spend[i]! }));
    const r = await runOnRows(cox, { lifetimes }, { covariates: "region, spend" });
    const ref = coxPH(durations, events, region.map((g, i) => [g === "north" ? 1 : 0, g === "west" ? 1 : 0, spend[i]!]), { names: ["region=north", "region=west", "spend"] });
    const byTerm = new Map(r.tables.coefficients!.map((row) => [row.term, row]));
    expect([...byTerm.keys()].sort()).toEqual(["region=north", "region=west", "spend"]);
    ref.names.forEach((name, j) => {
      expect(byTerm.get(name)!.coef as number).toBeCloseTo(ref.coef[j]!, 10);
      expect(byTerm.get(name)!.se as number).toBeCloseTo(ref.se[j]!, 10);
    });
    expect(r.scalars.log_likelihood as number).toBeCloseTo(ref.logLik, 10);
    expect(r.scalars.concordance as number).toBeCloseTo(ref.concordance!, 12);
  });

  it("derives lifetimes from subscription spells and joins customer attributes", async () => {
    // As-of 2026-11-01. Durations (days) and events, x = plan is "pro":
    //  c1 basic 40 ev · c2 basic 60 ev · c3 basic 100 ev · c4 basic 304 censored (open)
    //  c5 pro 80 ev · c6 pro 304 censored · c7 pro 153 censored (from 2026-06-01) · c8 pro 40 ev (tie with c1)
    const sub = (id: string, start: string, end: string | null) => ({ customer_id: id, start_date: start, end_date: end });
    const subscriptions = [
      sub("c1", "2026-01-01", "2026-02-10"),
      sub("c2", "2026-01-01", "2026-03-02"),
      sub("c3", "2026-01-01", "2026-04-11"),
      sub("c4", "2026-01-01", null),
      sub("c5", "2026-01-01", "2026-03-22"),
      sub("c6", "2026-01-01", null),
      sub("c7", "2026-06-01", null),
      sub("c8", "2026-01-01", "2026-02-10"),
    ];
    const plans = ["basic", "basic", "basic", "basic", "pro", "pro", "pro", "pro"];
    const seats = [1, 5, 2, 8, 3, 4, 10, 6];
    const customers = plans.map((p, i) => ({ customer_id: `c${i + 1}`, plan: p, seats: seats[i]! }));
    const r = await runOnRows(cox, { subscriptions, customers }, { covariates: "plan,seats" });
    const ref = coxPH([40, 60, 100, 304, 80, 304, 153, 40], [1, 1, 1, 0, 1, 0, 0, 1], plans.map((p, i) => [p === "pro" ? 1 : 0, seats[i]!]), { names: ["plan=pro", "seats"] });
    const byTerm = new Map(r.tables.coefficients!.map((row) => [row.term, row]));
    expect(byTerm.get("plan=pro")!.coef as number).toBeCloseTo(ref.coef[0]!, 10);
    expect(byTerm.get("seats")!.coef as number).toBeCloseTo(ref.coef[1]!, 10);
    expect(r.scalars).toMatchObject({ n: 8, events: 5 });
    // Default covariates on the spells path = the customers' attributes.
    const all = await runOnRows(cox, { subscriptions, customers });
    expect(all.tables.coefficients).toEqual(r.tables.coefficients);
  });

  it("reads lifetimes grouped by (duration, event, covariates) with counts and fits what one row per customer fits", async () => {
    // 2,000 customers on 2 plans × 3 regions × 3 seat counts and 20 durations: the reduction brings back a row per
    // distinct (duration, event, plan, region), the fit weights each by its customers.
    let seed = 5;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const lifetimes: Row[] = Array.from({ length: 2000 }, (_, i) => {
      const plan = rand() < 0.5 ? "basic" : "pro", region = ["east", "north", "west"][Math.floor(rand() * 3)]!;
      const t = 1 + Math.floor(rand() * (plan === "pro" ? 30 : 18));
      return { customer_id: `c${i}`, duration: Math.min(t, 20), event: t <= 20 && rand() < 0.8, plan, region, seats: i % 7 === 0 ? null : 1 + (i % 3) };
    });
    const r = await runOnRows(cox, { lifetimes }, { covariates: "plan,region,seats" });
    const kept = lifetimes.filter((l) => l.seats !== null);
    const ref = coxPH(
      kept.map((l) => l.duration as number),
      kept.map((l) => l.event as boolean),
      kept.map((l) => [l.plan === "pro" ? 1 : 0, l.region === "north" ? 1 : 0, l.region === "west" ? 1 : 0, l.seats as number]),
      { names: ["plan=pro", "region=north", "region=west", "seats"] },
    );
    const close = (a: unknown, b: number) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
    const byTerm = new Map(r.tables.coefficients!.map((row) => [row.term, row]));
    ref.names.forEach((name, j) => {
      close(byTerm.get(name)!.coef, ref.coef[j]!);
      close(byTerm.get(name)!.se, ref.se[j]!);
    });
    close(r.scalars.log_likelihood, ref.logLik);
    close(r.scalars.lr_chi2, ref.lrChi2);
    close(r.scalars.concordance, ref.concordance!);
    expect(r.scalars).toMatchObject({ n: kept.length, events: kept.filter((l) => l.event).length });
    expect(r.notes).toContain(`${lifetimes.length - kept.length} customers with a missing covariate were left out of the fit`);
    // What reaches JavaScript: far fewer rows than customers, counts adding up to every customer.
    const engine = await createEngine();
    try {
      await engine.loadRows("lifetimes", { customer_id: "VARCHAR", duration: "DOUBLE", event: "BOOLEAN", plan: "VARCHAR", region: "VARCHAR", seats: "DOUBLE" }, lifetimes);
      const ctx: AnalysisContext = { locale: "en-US", currency: "USD", churn: { kind: "subscriptions" }, period: parsePeriod("2026-10"), fields: { lifetimes: Object.keys(lifetimes[0]!) } };
      const rows = await engine.query(cox.reductions(cox.plan(resolveParams(cox, { covariates: "plan,region,seats" }), ctx)).lifetimes!);
      expect(rows.length).toBeLessThan(lifetimes.length / 2);
      expect(rows.reduce((s, x) => s + Number(x.__customers), 0)).toBe(lifetimes.length);
    } finally {
      engine.close();
    }
  });

  it("leaves out customers with missing covariates and single-valued attributes, with notes", async () => {
    const lifetimes: Row[] = [
      { duration: 1, event: true, x: 1, tier: "a", country: "cn" },
      { duration: 2, event: true, x: 3, tier: "b", country: "cn" },
      { duration: 3, event: false, x: 2, tier: "b", country: "cn" },
      { duration: 4, event: true, x: 5, tier: "a", country: "cn" },
      { duration: 5, event: false, x: 4, tier: "a", country: "cn" },
      { duration: 6, event: true, x: 2, tier: "b", country: "cn" },
      { duration: 7, event: true, x: null, tier: "b", country: "cn" },
    ];
    const r = await runOnRows(cox, { lifetimes }, { covariates: "x,tier,country" });
    expect(r.tables.coefficients!.map((c) => c.term).sort()).toEqual(["tier=b", "x"]);
    expect(r.scalars).toMatchObject({ n: 6, events: 4 });
    expect(r.notes).toEqual(["1 customer with a missing covariate was left out of the fit", '"country" takes a single value and is left out of the model']);
  });

  it("warns when the fit diverges (perfect separation) instead of failing", async () => {
    // Every "risky" customer churns before every other customer: β̂ → +∞.
    const lifetimes: Row[] = [1, 2, 3, 4, 5, 6].map((d) => ({ duration: d, event: true, segment: d <= 3 ? "risky" : "calm" }));
    const r = await runOnRows(cox, { lifetimes }, { covariates: "segment" });
    expect(r.tables.coefficients![0]!.name).toBe("segment=risky");
    expect(r.tables.coefficients![0]!.coef as number).toBeGreaterThan(5);
    expect(r.notes).toEqual([expect.stringMatching(/did not converge/)]);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it("returns an empty table with a note when there is no churn event", async () => {
    const lifetimes: Row[] = [
      { duration: 3, event: false, x: 1 },
      { duration: 5, event: false, x: 2 },
    ];
    const r = await runOnRows(cox, { lifetimes }, { covariates: "x" });
    expect(r.tables.coefficients).toEqual([]);
    expect(r.scalars).toMatchObject({ n: 2, events: 0, lr_chi2: null, concordance: null });
    expect(r.notes).toEqual(["no churn events: the Cox model cannot be fitted"]);
    expect(cox.chart!(r, chartPlan(resolveParams(cox, {}), ctxFor()))).toBeNull();
  });

  it("rejects unknown covariates, id-like attributes and data without attributes", async () => {
    const lifetimes: Row[] = Array.from({ length: 60 }, (_, i) => ({ duration: i + 1, event: i % 2 === 0, code: `id${i}`, plan: i % 3 ? "a" : "b" }));
    await expect(runOnRows(cox, { lifetimes }, { covariates: "plna" })).rejects.toMatchObject({ code: "unknown-attribute", hint: expect.stringMatching(/"plan"/) });
    await expect(runOnRows(cox, { lifetimes }, { covariates: "code" })).rejects.toMatchObject({ code: "too-many-levels" });
    await expect(runOnRows(cox, { lifetimes: [{ duration: 1, event: true }] })).rejects.toMatchObject({ code: "no-covariates" });
  });

  it("charts hazard ratios as dots with CI rules on a log axis, localised", async () => {
    const r = await runOnRows(cox, { lifetimes: await rossiLifetimes() });
    const en = cox.chart!(r, chartPlan(resolveParams(cox, {}), ctxFor()));
    expect(en).toMatchObject({ x: { type: "log", label: "Hazard ratio (95% CI, log scale)" }, y: { domain: ["prio", "age", "fin", "mar", "race", "wexp", "paro"] } });
    expect(en!.marks.map((m) => m.mark)).toEqual(["ruleX", "ruleY", "dot"]);
    expect(en!.marks[1]!.options).toMatchObject({ y: "label", x1: "lower", x2: "upper" });
    expect(en!.marks[2]!.options).toMatchObject({ x: "hazard_ratio", y: "label" });
    const zh = cox.chart!(r, chartPlan(resolveParams(cox, {}), ctxFor("zh-CN")));
    expect(zh!.x!.label).toBe("风险比（95% 置信区间，对数刻度）");
  });
});

function ctxFor(locale: AnalysisContext["locale"] = "en-US"): AnalysisContext {
  return { locale, currency: "USD", churn: { kind: "subscriptions" }, period: parsePeriod("2026-10"), fields: { lifetimes: ["duration", "event"] } };
}
