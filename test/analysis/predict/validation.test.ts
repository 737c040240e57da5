import { describe, expect, it } from "vitest";
import { foldsByGroup, foldsByIndex, splitFold, takeRows, timeSplit } from "../../../src/analysis/predict/validation.js";
import { fitEncoder, encodeRows } from "../../../src/analysis/predict/encode.js";
import { reasonPicker, topReasons } from "../../../src/analysis/predict/pipeline.js";

describe("validation splits", () => {
  it("k-fold by row index mod k and by customer", () => {
    expect(Array.from(foldsByIndex(7, 3))).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(splitFold(foldsByIndex(7, 3), 1)).toEqual({ train: [0, 2, 3, 5, 6], test: [1, 4] });
    // customers sorted a, b, c → folds 0, 1, 0: every row of a customer in one fold
    expect(Array.from(foldsByGroup(["c", "a", "b", "a", "c"], 2))).toEqual([0, 0, 1, 0, 0]);
  });

  it("time split: train on earlier cutoffs, test on the latest", () => {
    expect(timeSplit(["2026-02-01", "2026-01-01", "2026-02-01"])).toEqual({ train: [1], test: [0, 2], testCutoff: "2026-02-01" });
    expect(timeSplit(["2026-01-01", "2026-01-01"])).toBeNull();
    expect(Array.from(takeRows(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, [2, 0]))).toEqual([5, 6, 1, 2]);
  });
});

describe("generic encoding", () => {
  it("infers numeric, yes/no and one-hot columns, groups rare levels, drops dates, constants and duplicates", () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      tenure: String(i), // numeric strings
      charges: i === 3 ? " " : i * 2.5, // a blank → 0
      partner: i % 2 ? "Yes" : "No",
      backup: i % 3 === 0 ? "No internet service" : i % 3 === 1 ? "Yes" : "No", // "No …" → No
      contract: i < 20 ? "Month-to-month" : i < 35 ? "One year" : i < 39 ? "Two year" : "Rare",
      signup: "2026-01-01",
      constant: "x",
      twin: i % 2 ? "Yes" : "No",
      rating: i < 10 ? null : 4,
    }));
    const enc = fitEncoder(rows, ["tenure", "charges", "partner", "backup", "contract", "signup", "constant", "twin", "rating"], { meanImpute: ["rating"] });
    // contract: min count max(10, 1% of 40) = 10 → "Two year" (4) and "Rare" (1) join (other);
    // levels sorted: (other), Month-to-month, One year → base (other)
    expect(enc.features.map((f) => f.name)).toEqual(["tenure", "charges", "partner", "backup", "contract=Month-to-month", "contract=One year"]);
    const x = encodeRows(enc, [rows[3]!, rows[36]!]);
    expect(Array.from(x)).toEqual([3, 0, 1, 0, 1, 0, 36, 90, 0, 0, 0, 0]);
    // unseen level → (other)
    expect(Array.from(encodeRows(enc, [{ ...rows[0]!, contract: "Ten year" }])).slice(4)).toEqual([0, 0]);
  });

  it("fills mean-imputed columns with the training mean", () => {
    const rows = [{ s: 2, k: 1 }, { s: 4, k: 0 }, { s: null, k: 1 }];
    const enc = fitEncoder(rows, ["s", "k"], { meanImpute: ["s"] });
    expect(Array.from(encodeRows(enc, rows))).toEqual([2, 1, 4, 0, 3, 1]);
  });
});

describe("top reasons", () => {
  // A model whose contributions are given per row: reasons sum a column's one-hot levels, keep
  // only sums > 0, largest first, equal sums by column name; at most k.
  const enc = {
    rules: [],
    features: [
      { name: "zeta", column: "zeta", level: null },
      { name: "plan=Pro", column: "plan", level: "Pro" },
      { name: "alpha", column: "alpha", level: null },
      { name: "plan=Team", column: "plan", level: "Team" },
      { name: "mid", column: "mid", level: null },
    ],
  };
  const rows = [
    [0.5, 0.2, 0.5, 0.3, 0.1], // plan 0.5, zeta 0.5, alpha 0.5: a three-way tie → alpha, plan, zeta
    [-1, 0.4, 0, -0.5, 2], // plan −0.1 and alpha 0 never raise the risk
  ];
  const model = { kind: "logistic" as const, predict: () => new Float64Array(), contributions: (_x: Float64Array, i: number) => Float64Array.from(rows[i]!) };
  const row = { zeta: 1, plan: "Pro", alpha: 2, mid: 3 };

  it("groups one-hot levels, breaks ties by column name, and keeps the positive ones", () => {
    const pick = reasonPicker(model, enc, "en-US", 2);
    expect(pick(new Float64Array(), 0, row).map((r) => [r.column, r.contribution])).toEqual([["alpha", 0.5], ["plan", 0.5]]);
    expect(pick(new Float64Array(), 1, row).map((r) => r.column)).toEqual(["mid"]);
    expect(topReasons(model, enc, new Float64Array(), 0, row, "en-US").map((r) => r.text)).toEqual(["alpha: 2", "plan: Pro", "zeta: 1"]);
  });
});
