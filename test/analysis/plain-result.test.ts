import { describe, expect, it } from "vitest";
import { plainResult } from "../../src/analysis/run.js";

describe("plainResult", () => {
  it("nulls non-finite numbers, copying only the rows that hold one", () => {
    const clean = { a: 1, b: "x" };
    const dirty = { a: Number.NaN, b: "y", c: Infinity };
    const kept = [clean, { a: 2, b: null }];
    const r = plainResult({ scalars: { s: -Infinity, t: 3 }, tables: { kept, mixed: [clean, dirty] }, notes: ["n"] });
    expect(r.scalars).toEqual({ s: null, t: 3 });
    expect(r.tables.kept).toBe(kept);
    expect(r.tables.mixed).toEqual([clean, { a: null, b: "y", c: null }]);
    expect(r.tables.mixed![0]).toBe(clean);
    expect(Object.keys(r.tables.mixed![1]!)).toEqual(["a", "b", "c"]);
    expect(dirty.a).toBeNaN(); // the analysis's rows are not changed
    expect(r.notes).toEqual(["n"]);
  });
});
