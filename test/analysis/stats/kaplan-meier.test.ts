import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../../src/data/engine.js";
import type { Row } from "../../../src/analysis/types.js";
import { countByTime, kaplanMeier, kaplanMeierFromCounts, logLogInterval, restrictedMean, survivalAt, zFor } from "../../../src/analysis/stats/kaplan-meier.js";
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

// Six lifetimes: durations 1, 2, 2, 3, 4, 5 with events 1, 1, 0, 1, 0, 1.
//  t=1: n=6, d=1        S = 5/6              = 0.833333   V = 1/(6·5)            = 1/30
//  t=2: n=5, d=1, c=1   S = 5/6·4/5 = 2/3    = 0.666667   V = 1/30 + 1/(5·4)     = 1/12
//  t=3: n=3, d=1        S = 2/3·2/3 = 4/9    = 0.444444   V = 1/12 + 1/(3·2)     = 1/4
//  t=4: n=2, d=0, c=1   S = 4/9 (a censoring only)
//  t=5: n=1, d=1        S = 0                (V undefined: n = d)
// log-log CI at t=1 (z = 1.959964): v = ln(5/6) = −0.182322, ln(−v) = −1.701983,
//   z√V/v = 1.959964·0.182574/−0.182322 = −1.962680;
//   lower = exp(−exp(−1.701983 + 1.962680)) = exp(−1.297862) = 0.273123, upper = exp(−exp(−3.664663)) = 0.974712.
// t=2: lower 0.194617, upper 0.904434. t=3: lower 0.066187, upper 0.784908.
// Median = 3 (first S ≤ 0.5). Restricted mean to τ=5: 1·1 + 5/6·1 + 2/3·1 + 4/9·2 = 3.388889.
const fixture = [
  { duration: 1, event: true },
  { duration: 2, event: true },
  { duration: 2, event: false },
  { duration: 3, event: 1 },
  { duration: 4, event: 0 },
  { duration: 5, event: true },
];

describe("kaplanMeier", () => {
  it("computes the hand-worked six-row fixture", () => {
    const fit = kaplanMeier(fixture);
    expect(fit.n).toBe(6);
    expect(fit.events).toBe(4);
    expect(fit.points.map((p) => [p.time, p.atRisk, p.events, p.censored])).toEqual([
      [1, 6, 1, 0],
      [2, 5, 1, 1],
      [3, 3, 1, 0],
      [4, 2, 0, 1],
      [5, 1, 1, 0],
    ]);
    const s = fit.points.map((p) => p.survival);
    expect(s[0]).toBeCloseTo(5 / 6, 12);
    expect(s[1]).toBeCloseTo(2 / 3, 12);
    expect(s[2]).toBeCloseTo(4 / 9, 12);
    expect(s[3]).toBeCloseTo(4 / 9, 12);
    expect(s[4]).toBe(0);
    expect(fit.points[0]!.greenwood).toBeCloseTo(1 / 30, 12);
    expect(fit.points[1]!.greenwood).toBeCloseTo(1 / 12, 12);
    expect(fit.points[2]!.greenwood).toBeCloseTo(1 / 4, 12);
    expect(fit.points[4]!.greenwood).toBeNull();
    expect(fit.points[0]!.lower).toBeCloseTo(0.273123, 6);
    expect(fit.points[0]!.upper).toBeCloseTo(0.974712, 6);
    expect(fit.points[1]!.lower).toBeCloseTo(0.194617, 6);
    expect(fit.points[1]!.upper).toBeCloseTo(0.904434, 6);
    expect(fit.points[2]!.lower).toBeCloseTo(0.066187, 6);
    expect(fit.points[2]!.upper).toBeCloseTo(0.784908, 6);
    expect(fit.points[4]!.lower).toBeNull();
    expect(fit.points[4]!.upper).toBeNull();
    expect(fit.median).toBe(3);
    // Lower curve first ≤ 0.5 at t=1 (0.273); upper curve first ≤ 0.5 at t=5 (S = 0).
    expect(fit.medianLower).toBe(1);
    expect(fit.medianUpper).toBe(5);
    expect(restrictedMean(fit, 5)).toBeCloseTo(3.388889, 6);
    expect(restrictedMean(fit)).toBeCloseTo(3.388889, 6);
  });

  it("reads survival at horizons as the last step at or before them", () => {
    const fit = kaplanMeier(fixture);
    expect(survivalAt(fit, 0)).toEqual({ time: 0, survival: 1, lower: 1, upper: 1 });
    expect(survivalAt(fit, 2.5).survival).toBeCloseTo(2 / 3, 12);
    expect(survivalAt(fit, 3).survival).toBeCloseTo(4 / 9, 12);
    expect(survivalAt(fit, 100).survival).toBe(0); // the curve reached 0
    const censoredLast = kaplanMeier([{ duration: 1, event: 1 }, { duration: 4, event: 0 }]);
    expect(survivalAt(censoredLast, 4).survival).toBe(0.5);
    expect(survivalAt(censoredLast, 5)).toEqual({ time: 5, survival: null, lower: null, upper: null }); // beyond follow-up
    expect(restrictedMean(censoredLast, 5)).toBeNull();
  });

  it("matches the g3 Control group (lifelines / R log-log intervals)", async () => {
    const rows = (await readCsv("g3.csv")).filter((r) => r.group === "Control");
    expect(rows).toHaveLength(6);
    const fit = kaplanMeier(rows.map((r) => ({ duration: Number(r.time), event: r.event === true })));
    const at = (t: number) => fit.points.find((p) => p.time === t)!;
    const ref = [
      [9, 0.833, 0.2731, 0.975],
      [19, 0.667, 0.1946, 0.904],
      [32, 0.5, 0.1109, 0.804],
      [34, 0.333, 0.0461, 0.676],
    ] as const;
    for (const [t, s, lo, hi] of ref) {
      expect(at(t).survival).toBeCloseTo(s, 3);
      expect(at(t).lower).toBeCloseTo(lo, 4);
      expect(at(t).upper).toBeCloseTo(hi, 3);
    }
    expect(fit.median).toBe(32); // S(32) = 0.5 exactly: first t with S ≤ 0.5
  });

  it("gives the dd.csv median regime duration of 4", async () => {
    const rows = await readCsv("dd.csv");
    expect(rows).toHaveLength(1808);
    const fit = kaplanMeier(rows.map((r) => ({ duration: Number(r.duration), event: Number(r.observed) })));
    expect(fit.median).toBe(4);
  });

  it("handles no events, a single lifetime and empty input", () => {
    const none = kaplanMeier([{ duration: 3, event: false }, { duration: 5, event: false }]);
    expect(none.points.map((p) => p.survival)).toEqual([1, 1]);
    expect(none.points[0]!.lower).toBe(1);
    expect(none.median).toBeNull();
    expect(none.medianLower).toBeNull();
    expect(none.events).toBe(0);

    const one = kaplanMeier([{ duration: 2, event: true }]);
    expect(one.points).toHaveLength(1);
    expect(one.points[0]!.survival).toBe(0);
    expect(one.median).toBe(2);

    const empty = kaplanMeier([]);
    expect(empty).toMatchObject({ n: 0, events: 0, points: [], median: null });
    expect(survivalAt(empty, 1).survival).toBeNull();
  });

  it("ties: censorings at an event time stay at risk; counts can be given pre-aggregated", () => {
    const counts = countByTime(fixture);
    expect(counts).toEqual([
      { time: 1, events: 1, censored: 0 },
      { time: 2, events: 1, censored: 1 },
      { time: 3, events: 1, censored: 0 },
      { time: 4, events: 0, censored: 1 },
      { time: 5, events: 1, censored: 0 },
    ]);
    expect(kaplanMeierFromCounts([...counts].reverse())).toEqual(kaplanMeier(fixture));
    expect(() => countByTime([{ duration: -1, event: true }])).toThrow(/non-negative/);
  });

  it("uses z = 1.959964 at 95% and the log-log formula", () => {
    expect(zFor(0.95)).toBeCloseTo(1.959964, 6);
    expect(zFor(0.9)).toBeCloseTo(1.644854, 6);
    expect(logLogInterval(1, 0, 1.96)).toEqual([1, 1]);
    expect(() => zFor(1)).toThrow();
  });
});
