import { describe, expect, it } from "vitest";
import { tmpdir } from "node:os";
import { createEngine, engineSettings } from "../../src/data/engine.js";
import { ChurnbookError } from "../../src/util/errors.js";

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

describe("engine settings", () => {
  it("spills to a per-process folder under the system's temporary folder and takes a memory limit from CHURNBOOK_MEMORY_LIMIT", async () => {
    expect(engineSettings({})).toEqual({ threads: "2", temp_directory: `${tmpdir()}/churnbook-duckdb-${process.pid}` });
    expect(engineSettings({ CHURNBOOK_MEMORY_LIMIT: " 6GB " }).memory_limit).toBe("6GB");
    expect(() => engineSettings({ CHURNBOOK_MEMORY_LIMIT: "lots" })).toThrow(ChurnbookError);
    const before = process.env.CHURNBOOK_MEMORY_LIMIT;
    process.env.CHURNBOOK_MEMORY_LIMIT = "512MB";
    try {
      const engine = await createEngine();
      const [row] = await engine.query("SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t");
      engine.close();
      expect(row).toEqual({ m: "488.2 MiB", t: `${tmpdir()}/churnbook-duckdb-${process.pid}` });
    } finally {
      if (before === undefined) delete process.env.CHURNBOOK_MEMORY_LIMIT;
      else process.env.CHURNBOOK_MEMORY_LIMIT = before;
    }
  });
});
