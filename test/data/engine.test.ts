import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/data/engine.js";

describe("engine", () => {
  it("loads plain rows and returns plain values", async () => {
    const engine = await createEngine();
    await engine.loadRows("t", { id: "VARCHAR", d: "DATE", x: "DOUBLE", n: "BIGINT", b: "BOOLEAN" }, [
      { id: "a", d: "2026-01-31", x: 1.5, n: 3, b: true },
      { id: "b", d: null, x: null, n: null, b: false },
    ]);
    const rows = await engine.query("select id, d, x, n, b, count(*) over () as c, sum(x) over () :: decimal(10,2) as s from t order by id");
    expect(rows).toEqual([
      { id: "a", d: "2026-01-31", x: 1.5, n: 3, b: true, c: 2, s: 1.5 },
      { id: "b", d: null, x: null, n: null, b: false, c: 2, s: 1.5 },
    ]);
    engine.close();
  });
});

describe("engine resource errors", () => {
  it("running out of memory is a user error with a hint, not a bug", async () => {
    const { createEngine } = await import("../../src/data/engine.js");
    const { isChurnbookError } = await import("../../src/util/errors.js");
    const engine = await createEngine();
    await engine.query("SET memory_limit = '8MB'");
    const err = await engine.query("SELECT list(range) FROM range(20000000)").catch((e: unknown) => e);
    engine.close();
    expect(isChurnbookError(err) && err.code).toBe("out-of-memory");
  });
});
