import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../../src/data/engine.js";
import { logRank, logRankFromCounts } from "../../../src/analysis/stats/log-rank.js";
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

const T = [10, 20, 30, 10, 20, 50];
const group = ["1", "1", "1", "0", "0", "0"];

describe("logRank", () => {
  it("matches R survdiff with all events", () => {
    // Distinct times 10, 20, 30, 50; group 0 = {10, 20, 50}, group 1 = {10, 20, 30}.
    //  t=10: n=6 (3,3), d=2 (1,1): E0 += 2·3/6 = 1,      V += 2·4/5·(3/6)(3/6) = 0.4
    //  t=20: n=4 (2,2), d=2 (1,1): E0 += 2·2/4 = 1,      V += 2·2/3·(2/4)(2/4) = 0.333333
    //  t=30: n=2 (1,1), d=1 (0,1): E0 += 1·1/2 = 0.5,    V += 1·1/1·(1/2)(1/2) = 0.25
    //  t=50: n=1 (1,0), d=1 (1,0): E0 += 1,              V += 0 (n = 1)
    // O0 = 3, E0 = 3.5, V = 0.983333 → χ² = 0.25/0.983333 = 0.254237.
    const r = logRank(T.map((t) => ({ duration: t, event: true })), group);
    expect(r.groups).toEqual(["0", "1"]);
    expect(r.observed).toEqual([3, 3]);
    expect(r.expected[0]).toBeCloseTo(3.5, 12);
    expect(r.variance[0]![0]).toBeCloseTo(0.983333, 6);
    expect(r.chi2).toBeCloseTo(0.254237, 6);
    expect(r.df).toBe(1);
    expect(r.p).toBeCloseTo(0.614107, 6);
  });

  it("matches R survdiff with censoring", () => {
    const events = [1, 0, 1, 1, 0, 1];
    const r = logRank(T.map((t, i) => ({ duration: t, event: events[i]! })), group);
    expect(r.chi2).toBeCloseTo(0.384615, 6);
    expect(r.p).toBeCloseTo(0.535143, 6);
    expect(r.observed).toEqual([2, 2]);
    expect(r.expected).toEqual([2.5, 1.5]);
  });

  it("matches lifelines on dd.csv, democracy vs non-democracy (χ² = 260.47)", async () => {
    const rows = await readCsv("dd.csv");
    const r = logRank(
      rows.map((x) => ({ duration: Number(x.duration), event: Number(x.observed) })),
      rows.map((x) => String(x.democracy)),
    );
    expect(r.groups).toEqual(["Democracy", "Non-democracy"]);
    expect(r.chi2).toBeCloseTo(260.47, 2);
    expect(r.df).toBe(1);
    expect(r.p!).toBeLessThan(1e-50);
  });

  it("tests k > 2 groups with df = k − 1 and is invariant to the group order", () => {
    const t = [1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 4, 6];
    const e = [1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0];
    const g = ["a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c"];
    const r = logRank(t.map((d, i) => ({ duration: d, event: e[i]! })), g);
    expect(r.df).toBe(2);
    expect(r.chi2).not.toBeNull();
    // Σ(O − E) = 0 always.
    expect(r.observed.reduce((s, o, i) => s + o - r.expected[i]!, 0)).toBeCloseTo(0, 12);
    const relabeled = logRank(t.map((d, i) => ({ duration: d, event: e[i]! })), g.map((x) => ({ a: "z", b: "y", c: "x" })[x]!));
    expect(relabeled.chi2).toBeCloseTo(r.chi2!, 10);
  });

  it("drops groups without expected events; one group gives no test", () => {
    // Group "late" enters nothing before the last event: E = 0, so it is dropped (df = 0).
    const r = logRankFromCounts([
      { group: "a", counts: [{ time: 1, events: 1, censored: 0 }, { time: 2, events: 1, censored: 0 }] },
      { group: "late", counts: [] },
    ]);
    expect(r.df).toBe(0);
    expect(r.chi2).toBeNull();
    expect(r.p).toBeNull();
    // A group of size one still counts.
    const single = logRank([{ duration: 1, event: 1 }, { duration: 2, event: 1 }, { duration: 3, event: 1 }], ["a", "a", "b"]);
    expect(single.n).toEqual([2, 1]);
    expect(single.chi2).toBeGreaterThan(0);
    expect(single.df).toBe(1);
  });
});
