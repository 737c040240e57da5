// The dialect layer: every piece of SQL a dialect writes gives the same value on its engine —
// DuckDB always, PostgreSQL when a server can be started (test/helpers/postgres.ts).

import { describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/data/engine.js";
import type { Dialect } from "../../src/data/dialects/index.js";
import { usePostgres } from "../helpers/postgres.js";

/** [what, SQL of the dialect, expected value] */
const cases = (d: Dialect): [string, string, unknown][] => [
  ["month boundaries over a year end", d.dateDiff("month", "DATE '2025-12-31'", "DATE '2026-01-01'"), 1],
  ["month boundaries, not whole months", d.dateDiff("month", "DATE '2025-01-31'", "DATE '2025-03-01'"), 2],
  ["negative months", d.dateDiff("month", "DATE '2026-03-01'", "DATE '2025-12-31'"), -3],
  ["days", d.dateDiff("day", "DATE '2024-02-01'", "DATE '2024-03-01'"), 29],
  ["years", d.dateDiff("year", "DATE '2024-12-31'", "DATE '2026-01-01'"), 2],
  ["year part", d.datePart("year", "DATE '2026-10-31'"), 2026],
  ["month part", d.datePart("month", "DATE '2026-10-31'"), 10],
  ["day part", d.datePart("day", "DATE '2026-10-31'"), 31],
  ["a month after Jan 31 (clamped)", `CAST(${d.dateAdd("DATE '2026-01-31'", 1, "month")} AS VARCHAR)`, "2026-02-28"],
  ["12 months back", `CAST(${d.dateAdd("DATE '2024-02-29'", -12, "month")} AS VARCHAR)`, "2023-02-28"],
  ["months from an expression", `CAST(${d.dateAdd("DATE '2026-01-15'", "2 * 3", "month")} AS VARCHAR)`, "2026-07-15"],
  ["days", `CAST(${d.dateAdd("DATE '2026-12-31'", 1, "day")} AS VARCHAR)`, "2027-01-01"],
  ["finite", d.isFinite("CAST(1.5 AS DOUBLE PRECISION)"), true],
  ["NaN", d.isFinite("CAST('NaN' AS DOUBLE PRECISION)"), false],
  ["infinity", d.isFinite("CAST('-Infinity' AS DOUBLE PRECISION)"), false],
  ["null stays null", d.isFinite("CAST(NULL AS DOUBLE PRECISION)"), null],
  ["exact decimal", `CAST(${d.exactDecimal("CAST(1.23456 AS DOUBLE PRECISION)", 4)} AS VARCHAR)`, "1.2346"],
  ["float residue", `CAST(${d.exactDecimal("CAST(0.1 AS DOUBLE PRECISION) + CAST(0.2 AS DOUBLE PRECISION)", 4)} AS VARCHAR)`, "0.3000"],
  ["half away from zero", `CAST(${d.exactDecimal("CAST(-2.5 AS DOUBLE PRECISION)", 0)} AS VARCHAR)`, "-3"],
  ["text to number", d.tryCast("' 12.5 '", "number"), 12.5],
  ["not a number", d.tryCast("'12,5'", "number"), null],
  ["text to integer", d.tryCast("'42'", "integer"), 42],
  ["text to date", `CAST(${d.tryCast("'2026-10-31'", "date")} AS VARCHAR)`, "2026-10-31"],
  ["no such day", d.tryCast("'2026-02-30'", "date"), null],
  ["not a date", d.tryCast("'soon'", "date"), null],
  ["type name of a double", d.typeName("CAST(1.5 AS DOUBLE PRECISION)"), "DOUBLE"],
  ["type name of text", d.typeName("CAST('a' AS VARCHAR)"), "VARCHAR"],
  ["type name of a boolean", d.typeName("TRUE"), "BOOLEAN"],
  ["type name of a date", d.typeName("DATE '2026-10-31'"), "DATE"],
  ["type name of a bigint", d.typeName("CAST(1 AS BIGINT)"), "BIGINT"],
  ["try-cast of a typed number", d.tryCast("CAST(2.5 AS DOUBLE PRECISION)", "number"), 2.5],
  ["timestamp", `CAST(CAST(${d.tryCast("'2026-10-31 13:45:00'", "timestamp")} AS DATE) AS VARCHAR)`, "2026-10-31"],
];

async function check(engine: Engine): Promise<void> {
  const d = engine.dialect;
  const list = cases(d);
  const [row] = await engine.query(`SELECT ${list.map(([, sql], i) => `${sql} AS c${i}`).join(", ")}`);
  for (const [i, [what, , expected]] of list.entries()) expect([what, row![`c${i}`]]).toEqual([what, expected]);
  // The sample order: a stable number per value, the same in every session.
  const [h] = await engine.query(`SELECT ${d.hash(["'C00001'", "DATE '2026-10-01'"])} AS a, ${d.hash(["'C00001'", "DATE '2026-10-01'"])} AS b, ${d.hash(["'C00002'", "DATE '2026-10-01'"])} AS c`);
  expect(typeof h!.a).toBe("number");
  expect(h!.a).toBe(h!.b);
  expect(h!.a).not.toBe(h!.c);
}

describe("dialects", () => {
  it("DuckDB", async () => {
    const engine = await createEngine();
    try {
      expect(engine.dialect.name).toBe("duckdb");
      await check(engine);
    } finally {
      engine.close();
    }
  });

  describe("PostgreSQL", () => {
    const pg = usePostgres();

    it("gives the same values", async (t) => {
      const engine = await pg.engine(t);
      try {
        expect(engine.dialect.name).toBe("postgres");
        await check(engine);
        // The role tables of a session: loadRows makes temporary tables, typed as asked.
        await engine.loadRows("t", { id: "VARCHAR", d: "DATE", x: "DOUBLE", n: "BIGINT", b: "BOOLEAN" }, [
          { id: "a", d: "2026-10-01", x: 1.5, n: 3, b: true },
          { id: "b", d: "", x: null, n: null, b: false },
        ]);
        expect(await engine.query(`SELECT * FROM ${engine.dialect.table("t")} ORDER BY id`)).toEqual([
          { id: "a", d: "2026-10-01", x: 1.5, n: 3, b: true },
          { id: "b", d: null, x: null, n: null, b: false },
        ]);
        expect(await engine.query("SELECT count(*) AS n, sum(x) AS s, CAST(sum(n) AS NUMERIC(10, 2)) AS m FROM t")).toEqual([{ n: 2, s: 1.5, m: 3 }]);
      } finally {
        engine.close();
      }
    });
  });
});
