import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../../src/data/engine.js";
import { concordanceIndex, coxPH } from "../../../src/analysis/stats/cox-ph.js";
import type { Row } from "../../../src/analysis/types.js";
import { referenceFile } from "../../helpers/reference.js";

async function readCsv(name: string): Promise<Row[]> {
  const file = referenceFile("lifelines", name);
  const engine = await createEngine();
  try {
    return await engine.query(`SELECT * FROM read_csv('${file.replaceAll("'", "''")}', header = true)`);
  } finally {
    engine.close();
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Harrell's C by brute force over all pairs, with lifelines' comparability rules. */
function naiveConcordance(t: number[], e: number[], risk: number[]): number {
  let pairs = 0, score = 0;
  for (let i = 0; i < t.length; i++) {
    for (let j = i + 1; j < t.length; j++) {
      let first = -1, second = -1;
      if (t[i]! < t[j]! && e[i]) [first, second] = [i, j];
      else if (t[j]! < t[i]! && e[j]) [first, second] = [j, i];
      else if (t[i] === t[j] && e[i] !== e[j]) [first, second] = e[i] ? [i, j] : [j, i];
      if (first < 0) continue;
      pairs++;
      score += risk[first]! > risk[second]! ? 1 : risk[first] === risk[second] ? 0.5 : 0;
    }
  }
  return score / pairs;
}

describe("coxPH", () => {
  it("solves a three-row fixture by hand", () => {
    // x = 0, 1, 0 at times 1, 2, 3, all events; u = e^β.
    // ℓ = [0 − ln(2 + u)] + [β − ln(1 + u)] + [0 − ln 1];  ℓ' = 1 − u/(2+u) − u/(1+u) = 0 ⇔ u² = 2.
    // β̂ = ln √2 = 0.346574; information 2u/(2+u)² + u/(1+u)² = 0.485281 → se = 1.435500.
    // ℓ(β̂) = −1.762747, ℓ(0) = −ln 3 − ln 2 = −1.791759.
    const fit = coxPH([1, 2, 3], [1, 1, 1], [[0], [1], [0]]);
    expect(fit.coef[0]).toBeCloseTo(0.346574, 6);
    expect(fit.se[0]).toBeCloseTo(1.4355, 6);
    expect(fit.logLik).toBeCloseTo(-1.762747, 6);
    expect(fit.logLikNull).toBeCloseTo(-1.791759, 6);
    expect(fit.converged).toBe(true);
  });

  it("uses Efron's correction for tied event times", () => {
    // x = 0, 1, 0 at times 1, 1, 2, all events. At t = 1, D = {0, 1}, S₀(R) = 2 + u, S₀(D) = 1 + u:
    // ℓ = β − ln(2 + u) − ln(2 + u − (1 + u)/2) = β − ln(2 + u) − ln((3 + u)/2).
    // ℓ' = 1 − u/(2+u) − u/(3+u) = 0 ⇔ u² = 6 → β̂ = ln √6 = 0.895880 (Breslow would give ln 2).
    // information 2u/(2+u)² + 3u/(3+u)² = 0.494897 → se = 1.421485; ℓ(β̂) = −1.599284, ℓ(0) = −ln 6.
    const fit = coxPH([1, 1, 2], [true, true, true], [[0], [1], [0]]);
    expect(fit.coef[0]).toBeCloseTo(0.89588, 6);
    expect(fit.se[0]).toBeCloseTo(1.421485, 6);
    expect(fit.logLik).toBeCloseTo(-1.599284, 6);
    expect(fit.logLikNull).toBeCloseTo(-Math.log(6), 10);
    expect(fit.lrChi2).toBeCloseTo(2 * (-1.599284 + Math.log(6)), 5);
    expect(fit.lrDf).toBe(1);
  });

  it("matches lifelines / R on rossi.csv (Efron)", async () => {
    const rows = await readCsv("rossi.csv");
    expect(rows).toHaveLength(432);
    const names = ["fin", "age", "race", "wexp", "mar", "paro", "prio"];
    const fit = coxPH(
      rows.map((r) => Number(r.week)),
      rows.map((r) => Number(r.arrest)),
      rows.map((r) => names.map((n) => Number(r[n]))),
      { names },
    );
    const coef = [-0.3794222, -0.0574377, 0.3138998, -0.1497957, -0.4337039, -0.0848711, 0.0914971];
    const se = [0.19138, 0.022, 0.30799, 0.21222, 0.38187, 0.19576, 0.02865];
    coef.forEach((c, j) => expect(fit.coef[j]).toBeCloseTo(c, 7));
    se.forEach((s, j) => expect(fit.se[j]).toBeCloseTo(s, 5));
    expect(fit.logLik).toBeCloseTo(-658.75, 2);
    expect(fit.lrChi2).toBeCloseTo(33.27, 2);
    expect(fit.lrDf).toBe(7);
    expect(fit.lrP).toBeGreaterThan(0);
    expect(fit.lrP).toBeLessThan(1e-4);
    expect(fit.n).toBe(432);
    expect(fit.events).toBe(114);
    expect(fit.converged).toBe(true);
    // Derived columns are consistent.
    expect(fit.hazardRatio[0]).toBeCloseTo(Math.exp(-0.3794222), 7);
    expect(fit.z[0]).toBeCloseTo(-0.3794222 / 0.19138, 3);
    expect(fit.lower[0]).toBeCloseTo(fit.coef[0]! - 1.959964 * fit.se[0]!, 6);
    expect(fit.p[0]).toBeCloseTo(0.0474, 4); // lifelines prints p = 0.05 (z = −1.98)
    // lifelines reports concordance 0.64 for this model.
    expect(fit.concordance).toBeCloseTo(0.64, 2);
    const eta = rows.map((r) => names.reduce((s, n, j) => s + Number(r[n]) * fit.coef[j]!, 0));
    expect(fit.concordance).toBeCloseTo(naiveConcordance(rows.map((r) => Number(r.week)), rows.map((r) => Number(r.arrest)), eta), 10);
  });

  it("fits 10^5 rows (sorted risk-set sums, not O(n²)) and recovers the true coefficients", () => {
    const rand = mulberry32(42);
    const n = 100_000;
    const beta = [0.5, -0.3, 0.2];
    const durations: number[] = [], events: number[] = [], x: number[][] = [];
    for (let i = 0; i < n; i++) {
      const row = [rand() < 0.5 ? 1 : 0, rand() * 4 - 2, Math.floor(rand() * 5)];
      const rate = 0.05 * Math.exp(row.reduce((s, v, j) => s + v * beta[j]!, 0));
      const t = Math.ceil(-Math.log(1 - rand()) / rate); // whole periods: many ties
      const c = Math.ceil(rand() * 60);
      durations.push(Math.min(t, c));
      events.push(t <= c ? 1 : 0);
      x.push(row);
    }
    const fit = coxPH(durations, events, x);
    expect(fit.converged).toBe(true);
    // Discretised times with Efron ties bias slightly towards 0; within 0.03 of the truth.
    beta.forEach((b, j) => expect(Math.abs(fit.coef[j]! - b)).toBeLessThan(0.03));
    expect(fit.concordance!).toBeGreaterThan(0.5);
  });

  it("gives grouped rows with frequency weights the fit of the expanded rows (Efron ties, concordance)", () => {
    // 2,000 observations on few covariate patterns and 25 whole-period times: many tied events,
    // within a group and across groups. Grouped by (time, event, pattern) with counts as weights.
    const rand = mulberry32(11);
    const durations: number[] = [], events: number[] = [], x: number[][] = [];
    for (let i = 0; i < 2000; i++) {
      const row = [rand() < 0.4 ? 1 : 0, Math.floor(rand() * 3), rand() < 0.5 ? 1 : 0];
      const rate = 0.06 * Math.exp(0.6 * row[0]! - 0.3 * row[1]! + 0.2 * row[2]!);
      const t = Math.ceil(-Math.log(1 - rand()) / rate), c = Math.ceil(rand() * 25);
      durations.push(Math.min(t, c));
      events.push(t <= c ? 1 : 0);
      x.push(row);
    }
    const groups = new Map<string, { t: number; e: number; x: number[]; n: number }>();
    durations.forEach((t, i) => {
      const key = JSON.stringify([t, events[i], x[i]]);
      const g = groups.get(key);
      if (g) g.n++;
      else groups.set(key, { t, e: events[i]!, x: x[i]!, n: 1 });
    });
    const g = [...groups.values()].reverse(); // any order: the fit sorts by time
    expect(g.length).toBeLessThan(durations.length / 3);
    const full = coxPH(durations, events, x);
    const grouped = coxPH(g.map((r) => r.t), g.map((r) => r.e), g.map((r) => r.x), { weights: g.map((r) => r.n) });
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
    full.coef.forEach((c, j) => close(grouped.coef[j]!, c));
    full.se.forEach((s, j) => close(grouped.se[j]!, s));
    close(grouped.logLik, full.logLik);
    close(grouped.logLikNull, full.logLikNull);
    close(grouped.concordance!, full.concordance!);
    expect([grouped.n, grouped.events, grouped.converged]).toEqual([full.n, full.events, true]);
    expect(full.n).toBe(2000);
    // The weighted concordance counts a group's pairs as the expanded rows do.
    const eta = x.map((r) => r.reduce((s, v, j) => s + v * full.coef[j]!, 0));
    close(concordanceIndex(g.map((r) => r.t), g.map((r) => r.e), g.map((r) => r.x.reduce((s, v, j) => s + v * full.coef[j]!, 0)), g.map((r) => r.n))!, naiveConcordance(durations, events, eta));
    expect(() => coxPH([1, 2], [1, 0], [[0], [1]], { weights: [1, 0.5] })).toThrow(/integers/);
  });

  it("refuses constant or collinear covariates and data without events", () => {
    expect(() => coxPH([1, 2, 3], [1, 1, 0], [[1], [1], [1]], { names: ["plan=pro"] })).toThrow(/plan=pro/);
    expect(() => coxPH([1, 2, 3, 4], [1, 1, 0, 1], [[1, 2], [2, 4], [3, 6], [0, 0]])).toThrow(/collinear/);
    expect(() => coxPH([1, 2], [0, 0], [[1], [2]])).toThrow(/at least one event/);
  });

  it("reports non-convergence under perfect separation instead of looping", () => {
    // Every x = 1 fails before every x = 0: β̂ → +∞.
    const fit = coxPH([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1], [[1], [1], [1], [0], [0], [0]], { maxIter: 30 });
    expect(fit.coef[0]!).toBeGreaterThan(5);
    expect(fit.converged).toBe(false);
  });
});

describe("concordanceIndex", () => {
  it("follows lifelines' rules for ties in time and in risk", () => {
    // Pairs (time, event, risk): a(1,1,3) b(2,1,2) c(2,0,2) d(3,0,1) e(3,1,5)
    // comparable: a<b, a<c, a<d, a<e, b<c (tie in time, b event, c censored), b<d, b<e, c? (c censored:
    // only as the later one), e vs d (tie, e event, d censored) → a: 4 pairs all concordant except
    // a–e (risk 3 < 5); b–c tie in risk (½); b–d concordant; b–e discordant; e–d concordant.
    // Concordant 3 + 1 + 1 = 5, tied 1, pairs 8 → C = 5.5/8 = 0.6875.
    const t = [1, 2, 2, 3, 3], e = [1, 1, 0, 0, 1], r = [3, 2, 2, 1, 5];
    expect(concordanceIndex(t, e, r)).toBe(0.6875);
    expect(naiveConcordance(t, e, r)).toBe(0.6875);
    expect(concordanceIndex([1, 2], [0, 0], [1, 2])).toBeNull();
  });

  it("agrees with the brute-force count on random data with ties", () => {
    const rand = mulberry32(7);
    const t = Array.from({ length: 300 }, () => Math.floor(rand() * 20));
    const e = t.map(() => (rand() < 0.6 ? 1 : 0));
    const r = t.map(() => Math.floor(rand() * 10));
    expect(concordanceIndex(t, e, r)).toBeCloseTo(naiveConcordance(t, e, r), 12);
  });
});
