import { describe, expect, it } from "vitest";
import { nelsonAalen } from "../../../src/analysis/stats/nelson-aalen.js";

describe("nelsonAalen", () => {
  // Durations 1, 2, 2, 3, 4, 5 with events 1, 1, 0, 1, 0, 1 (no tied events):
  // H = 1/6, 1/6 + 1/5, + 1/3, (censoring only), + 1/1 → 0.166667, 0.366667, 0.7, 0.7, 1.7.
  // Variance (smooth) Σ 1/n²: 1/36, + 1/25, + 1/9, …, + 1 → 0.027778, 0.067778, 0.178889, 0.178889, 1.178889.
  const fixture = [
    { duration: 1, event: true },
    { duration: 2, event: true },
    { duration: 2, event: false },
    { duration: 3, event: true },
    { duration: 4, event: false },
    { duration: 5, event: true },
  ];

  it("accumulates the hazard step by step", () => {
    const h = nelsonAalen(fixture);
    expect(h.map((p) => p.time)).toEqual([1, 2, 3, 4, 5]);
    expect(h.map((p) => p.atRisk)).toEqual([6, 5, 3, 2, 1]);
    const H = [1 / 6, 1 / 6 + 1 / 5, 1 / 6 + 1 / 5 + 1 / 3, 0.7, 1.7];
    h.forEach((p, i) => expect(p.cumulativeHazard).toBeCloseTo(H[i]!, 12));
    const V = [1 / 36, 1 / 36 + 1 / 25, 1 / 36 + 1 / 25 + 1 / 9, 0.178889, 1.178889];
    h.forEach((p, i) => expect(p.variance).toBeCloseTo(V[i]!, 6));
    // CI H·exp(±z√V/H) at t=1: exp(1.959964·(1/6)/(1/6)) = e^1.959964 = 7.098
    expect(h[0]!.upper).toBeCloseTo((1 / 6) * Math.exp(1.959964), 5);
    expect(h[0]!.lower).toBeCloseTo((1 / 6) / Math.exp(1.959964), 5);
    // Without tied events the discrete estimator agrees on H.
    nelsonAalen(fixture, { ties: "discrete" }).forEach((p, i) => expect(p.cumulativeHazard).toBeCloseTo(H[i]!, 12));
  });

  it("handles tied events as lifelines does (smooth) or as d/n (discrete)", () => {
    // n = 4 at t = 1 with d = 2 events:
    //   smooth:   ΔH = 1/4 + 1/3 = 0.583333, ΔV = 1/16 + 1/9 = 0.173611
    //   discrete: ΔH = 2/4 = 0.5,            ΔV = (4 − 2)·2/4³ = 0.0625
    const tied = [
      { duration: 1, event: 1 },
      { duration: 1, event: 1 },
      { duration: 2, event: 0 },
      { duration: 3, event: 0 },
    ];
    const smooth = nelsonAalen(tied)[0]!;
    expect(smooth.cumulativeHazard).toBeCloseTo(0.583333, 6);
    expect(smooth.variance).toBeCloseTo(0.173611, 6);
    const discrete = nelsonAalen(tied, { ties: "discrete" })[0]!;
    expect(discrete.cumulativeHazard).toBe(0.5);
    expect(discrete.variance).toBe(0.0625);
  });

  it("stays at 0 without events and returns nothing for no data", () => {
    const h = nelsonAalen([{ duration: 2, event: false }]);
    expect(h).toEqual([{ time: 2, atRisk: 1, events: 0, censored: 1, cumulativeHazard: 0, variance: 0, lower: 0, upper: 0 }]);
    expect(nelsonAalen([])).toEqual([]);
  });
});
