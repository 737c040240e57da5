import { describe, expect, it } from "vitest";
import { linspace, pandasQuantiles, qcut, qcutRankFirst, quantile, quantileSorted, rankFirst } from "../../../src/analysis/stats/quantile.js";

describe("linspace", () => {
  it("reproduces numpy's points, including the 0.6000000000000001 of linspace(0, 1, 6)", () => {
    expect(linspace(0, 1, 6)).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
    expect(linspace(0, 1, 11)[3]).toBe(0.30000000000000004);
    expect(linspace(0, 1, 1)).toEqual([0]);
  });
});

describe("type-7 quantile", () => {
  it("interpolates at h = (n − 1)p", () => {
    // sorted [1, 2, 3, 4, 10]: p = 0.8 → h = 3.2 → 4 + 0.2·(10 − 4) = 5.2
    expect(quantile([10, 1, 3, 2, 4], 0.8)).toBeCloseTo(5.2, 12);
    // p = 0.5 → h = 2 → 3 exactly; p = 1 → max; p = 0 → min
    expect(quantile([10, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantileSorted([1, 2, 3, 4, 10], 1)).toBe(10);
    expect(quantileSorted([1, 2, 3, 4, 10], 0)).toBe(1);
    expect(quantile([null, 7], 0.3)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });
  it("uses numpy's two-sided lerp (g ≥ 0.5 interpolates down from the upper point)", () => {
    // [0, 0.3]: p = 0.7 → g = 0.7 → 0.3 − 0.3·0.30000000000000004 (numpy gives 0.21)
    expect(quantileSorted([0, 0.3], 0.7)).toBe(0.3 - 0.3 * (1 - 0.7));
    expect(pandasQuantiles([1, 2, 3], [0.25, 0.75])).toEqual([1.5, 2.5]);
  });
});

describe("rank(method='first')", () => {
  it("ranks ties in order of appearance", () => {
    expect(rankFirst([3, 1, 3, 2, 1])).toEqual([4, 1, 5, 3, 2]);
    expect(rankFirst([2, null, 1])).toEqual([2, null, 1]);
  });
});

describe("qcut (pandas semantics)", () => {
  // Hand computation, x = [5, 1, 3, 3, 3, 8, 2, 9, 3, 7], q = 5:
  // sorted [1, 2, 3, 3, 3, 3, 5, 7, 8, 9], h = 9p at p = 0, .2, .4, .6, .8, 1 → 0, 1.8, 3.6, 5.4, 7.2, 9
  // edges: 1; 2 + .8·(3 − 2) = 2.8; 3 + .6·0 = 3; 3 + .4·(5 − 3) = 3.8; 7 + .2·(8 − 7) = 7.2; 9.
  // bins (lo, hi], minimum in bin 1: 1, 2 → 1; 3 → 2 (2.8 < 3 ≤ 3); nothing in (3, 3.8]; 5, 7 → 4; 8, 9 → 5.
  const x = [5, 1, 3, 3, 3, 8, 2, 9, 3, 7];
  it("bins values on type-7 edges, right-closed, lowest included", () => {
    const r = qcut(x, 5);
    expect(r.unique).toBe(true);
    const want = [1, 2.8, 3, 3.8, 7.2, 9];
    r.edges.forEach((e, i) => expect(e).toBeCloseTo(want[i]!, 12));
    expect(r.codes).toEqual([4, 1, 2, 2, 2, 5, 1, 5, 2, 4]);
  });
  it("bins rank(method='first') into equal counts", () => {
    // ranks: 1→1, 2→2, the four 3s in order → 3, 4, 5, 6, 5→7, 7→8, 8→9, 9→10
    // = [7, 1, 3, 4, 5, 9, 2, 10, 6, 8]; edges 1, 2.8, 4.6, 6.4, 8.2, 10 → ranks 1–2, 3–4, 5–6, 7–8, 9–10
    expect(qcutRankFirst(x, 5).codes).toEqual([4, 1, 2, 2, 3, 5, 1, 5, 3, 4]);
  });
  it("puts a value equal to an interior edge in the lower bin", () => {
    // [0, 10, 20, 30, 40], q = 4: edges = the values themselves
    expect(qcut([0, 10, 20, 30, 40], 4).codes).toEqual([1, 1, 2, 3, 4]);
  });
  it("flags duplicate edges (pandas raises) and gives duplicates='drop' codes", () => {
    // [1, 1, 1, 1, 2], q = 4: h = 4p → edges 1, 1, 1, 1, 2 → distinct [1, 2]
    const r = qcut([1, 1, 1, 1, 2], 4);
    expect(r.unique).toBe(false);
    expect(r.codes).toEqual([1, 1, 1, 1, 1]);
    expect(qcut([1, 1, 2, 3], 2)).toMatchObject({ unique: true, codes: [1, 1, 2, 2] });
  });
  it("keeps nulls as null and handles empty input", () => {
    expect(qcut([null, 1, 2], 2).codes).toEqual([null, 1, 2]);
    expect(qcut([], 5).codes).toEqual([]);
  });
});

describe("qcut against numpy 2.4 / pandas' algorithm", () => {
  // Generated with numpy 2.4.6 by pandas' own steps: edges = np.percentile(x, np.linspace(0, 1, q+1)·100),
  // codes = unique(edges).searchsorted(x, side='left') with x == edges[0] → 1; rank-first codes on
  // np.argsort(x, kind='stable') ranks. Columns: x, q, codes, rank-first codes, edges unique.
  const cases: [number[], number, number[], number[], boolean][] = [[[20.9,14.99,9.19,15.53,20.25,15.25,73.26,54.97],6,[5,1,1,3,4,2,6,6],[5,1,1,3,4,2,6,6],true],[[14.18,34.19,13.39,26.52,16.84,8.63,14.59,7.76,20.22,6.53,6.73,86.23,19.05,19.03,33.5,13.19,15.98,30.73,26.64],8,[3,8,3,6,4,2,4,1,6,1,1,8,5,5,8,2,4,7,7],[3,8,3,6,4,2,4,1,6,1,1,8,5,5,8,2,4,7,7],true],[[385.0,196.0,160.0,292.0,118.0,254.0,338.0,321.0,49.0,387.0,293.0,279.0,75.0,369.0,156.0,376.0,92.0,37.0,336.0],2,[2,1,1,2,1,1,2,2,1,2,2,1,1,2,1,2,1,1,2],[2,1,1,2,1,1,2,2,1,2,2,1,1,2,1,2,1,1,2],true],[[9.0,39.0,47.0,258.0,144.0,61.0,37.0,366.0,239.0,13.0,104.0,262.0,105.0,305.0,115.0,252.0,39.0],9,[1,2,3,8,6,4,2,9,7,1,4,8,5,9,6,7,2],[1,2,3,8,6,4,2,9,7,1,4,8,5,9,6,7,3],true],[[20.41,32.25,5.28,37.99,19.48,32.61,99.52,2.05,26.07,6.69,36.31,5.4,12.24,24.6,37.1,21.65,9.09,11.55,48.64,19.98,3.73,46.7],8,[4,6,1,7,4,6,8,1,5,2,7,2,3,5,7,5,2,3,8,4,1,8],[4,6,1,7,4,6,8,1,5,2,7,2,3,5,7,5,2,3,8,4,1,8],true],[[200.0,333.0,229.0,20.0,41.0,331.0,124.0,325.0,66.0,369.0,69.0],2,[1,2,2,1,1,2,1,2,1,2,1],[1,2,2,1,1,2,1,2,1,2,1],true],[[20.06,54.07,8.14,16.7,18.23,62.75,35.86,9.47,39.72,43.41,17.96,15.52,16.55,3.69,24.26,25.4,8.45,42.2,5.09,11.57,12.49,146.57,4.06],4,[3,4,1,2,3,4,3,1,4,4,2,2,2,1,3,3,1,4,1,2,2,4,1],[3,4,1,2,3,4,3,1,4,4,2,2,2,1,3,3,1,4,1,2,2,4,1],true],[[7.0,3.0,0.0,3.0,2.0,6.0,0.0,5.0,0.0,4.0],4,[4,2,1,2,2,4,1,4,1,3],[4,2,1,3,2,4,1,4,1,3],true],[[4.0,0.0,0.0,0.0,1.0,6.0,5.0,4.0,2.0,1.0,4.0,4.0,4.0,4.0,4.0,3.0,0.0],2,[1,1,1,1,1,2,2,1,1,1,1,1,1,1,1,1,1],[1,1,1,1,1,2,2,2,1,1,2,2,2,2,2,1,1],true],[[11.81,21.72,17.02,120.13,24.04,3.06,29.92,131.93,39.85,48.4,20.82,2.8,3.29],2,[1,1,1,2,2,1,2,2,2,2,1,1,1],[1,1,1,2,2,1,2,2,2,2,1,1,1],true],[[0.0,5.0,6.0,3.0,7.0,7.0,1.0,1.0,1.0,0.0,2.0,1.0,0.0,4.0],10,[1,6,7,5,8,8,2,2,2,1,4,2,1,5],[1,8,9,7,10,10,3,4,4,1,6,5,2,7],false],[[356.0,9.0,391.0,44.0,147.0,101.0,100.0,39.0,44.0,108.0,174.0,97.0,322.0,9.0,93.0,388.0,339.0,353.0,284.0,210.0,80.0,320.0],9,[9,1,9,2,5,4,4,1,2,5,6,3,7,1,3,9,8,8,7,6,3,7],[9,1,9,2,5,4,4,1,2,5,6,4,7,1,3,9,8,8,7,6,3,7],true]];
  it.each(cases.map((c, i) => [i, c] as const))("case %i", (_i, [x, q, codes, rcodes, unique]) => {
    const r = qcut(x, q);
    expect(r.unique).toBe(unique);
    expect(r.codes).toEqual(codes);
    expect(qcutRankFirst(x, q).codes).toEqual(rcodes);
  });
});
