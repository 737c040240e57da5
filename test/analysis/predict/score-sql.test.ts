// The churn model as SQL (predict/score-sql.ts) against the JavaScript scorer: the encoded
// features equal encodeRows, e^a equals Math.exp and the probabilities equal predict exactly, for
// both model kinds, on rows with missing numbers, blank and unseen categories, a constant
// column, booleans, yes/no text, numbers held as text and a DECIMAL money column — on DuckDB,
// and on PostgreSQL when a server starts (test/helpers/postgres.ts).

import { describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../../src/data/engine.js";
import { duckdb, postgres, type Dialect } from "../../../src/data/dialects/index.js";
import { encodeRows, fitEncoder, type Encoder } from "../../../src/analysis/predict/encode.js";
import { defaultModelOptions, reasonPicker, train, type Trained } from "../../../src/analysis/predict/pipeline.js";
import { encodedSql, expSql, probabilitySql, reasonSlots, valueTypes } from "../../../src/analysis/predict/score-sql.js";
import type { Row } from "../../../src/analysis/types.js";
import { rng } from "./fixtures.js";
import { usePostgres } from "../../helpers/postgres.js";

const columns = ["a", "b", "s_num", "flag", "yn", "cat", "constant", "rating", "money"];
const types = { id: "VARCHAR", a: "DOUBLE", b: "BIGINT", s_num: "VARCHAR", flag: "BOOLEAN", yn: "VARCHAR", cat: "VARCHAR", constant: "DOUBLE", rating: "DOUBLE", money: "DOUBLE" };

/** Rows of the fixture: `unseen` adds categories and yes/no spellings training never had. */
function fixture(n: number, seed: number, unseen: boolean): Row[] {
  const r = rng(seed);
  const cats = unseen ? ["A", "B", "C", " B ", "Z", "", null, "rare1"] : ["A", "A", "B", "C", "C", "C", null, ""];
  return Array.from({ length: n }, (_, i) => {
    const u = r();
    return {
      id: `c${String(i).padStart(4, "0")}`,
      a: u < 0.1 ? null : Math.round((r() * 200 - 50) * 1000) / 1000,
      b: Math.floor(r() * 40),
      s_num: u > 0.9 ? null : String(Math.round(r() * 1000) / 10),
      flag: u < 0.05 ? null : r() < 0.4,
      yn: r() < 0.3 ? "Yes" : r() < 0.5 ? "No internet service" : unseen && r() < 0.2 ? " YES " : "no",
      // rare levels (fewer than 10 training rows) join "(other)"
      cat: !unseen && r() < 0.02 ? `rare${i % 3}` : cats[Math.floor(r() * cats.length)] ?? null,
      constant: 5,
      rating: r() < 0.3 ? null : 1 + Math.floor(r() * 5),
      money: Math.round((r() * 900 - 100) * 100) / 100,
    };
  });
}

/** The fixture as a relation and as JavaScript sees it (money as DECIMAL(38, 4), as money features are). */
async function load(engine: Engine, name: string, rows: Row[]): Promise<{ relation: string; rows: Row[] }> {
  await engine.loadRows(name, types, rows);
  const relation = `(SELECT id, a, b, s_num, flag, yn, cat, constant, rating, CAST(money AS DECIMAL(38, 4)) AS money FROM ${engine.dialect.table(name)})`;
  return { relation, rows: await engine.query(`SELECT * FROM ${relation} t ORDER BY id`) };
}

function fit(kind: "logistic" | "gbdt", rows: Row[]): { model: Trained; enc: Encoder } {
  const enc = fitEncoder(rows, columns, { meanImpute: ["rating"] });
  const x = encodeRows(enc, rows);
  const r = rng(7);
  const y = rows.map((row, i) => {
    const z = -0.5 + 0.02 * Number(row.a ?? 10) - (row.flag ? 0.8 : 0) + (row.cat === "C" ? 0.9 : 0) + 0.1 * x[i * enc.features.length]!;
    return r() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  });
  const model = train(kind, x, y, rows.length, enc.features.length, { ...defaultModelOptions, rounds: 40, minLeaf: 10 });
  return { model, enc };
}

async function check(engine: Engine, dl: Dialect): Promise<void> {
  const trainSet = await load(engine, "score_sql_train", fixture(500, 1, false));
  const scoreSet = await load(engine, "score_sql_score", fixture(300, 2, true));
  for (const kind of ["logistic", "gbdt"] as const) {
    const { model, enc } = fit(kind, trainSet.rows);
    expect(enc.features.map((f) => f.column)).not.toContain("constant");
    expect(enc.features.some((f) => f.name === "cat=(other)")).toBe(true);
    const vt = valueTypes(trainSet.rows, columns);
    expect(vt).toMatchObject({ a: "number", flag: "boolean", s_num: "string", money: "number" });
    const x = encodeRows(enc, scoreSet.rows);
    const p = enc.features.length;
    const xs = encodedSql(enc, vt, dl);
    const got = await engine.query(`SELECT id, ${xs.map((e, j) => `${e} AS x${j}`).join(", ")} FROM ${scoreSet.relation} f ORDER BY id`);
    got.forEach((row, i) => xs.forEach((_, j) => expect([kind, row.id, enc.features[j]!.name, row[`x${j}`]]).toEqual([kind, row.id, enc.features[j]!.name, x[i * p + j]])));
    const want = model.predict(x, scoreSet.rows.length);
    const sql = await engine.query(`SELECT * FROM (${probabilitySql(model, enc, vt, scoreSet.relation, ["id"], dl)}) s ORDER BY id`);
    expect(sql).toHaveLength(scoreSet.rows.length);
    let worst = 0;
    sql.forEach((row, i) => {
      expect(row.id).toBe(scoreSet.rows[i]!.id);
      worst = Math.max(worst, Math.abs((row.probability as number) - want[i]!) / want[i]!);
    });
    // Exactly: the same doubles in the same order of operations, and V8's exp (expSql).
    expect(worst).toBe(0);
    if (kind === "logistic") {
      // The top reasons in SQL: the same columns, order and sums as reasonPicker, and the raw value.
      const pick = reasonPicker(model, enc, "en-US");
      const withReasons = await engine.query(`SELECT * FROM (${probabilitySql(model, enc, vt, scoreSet.relation, ["id", ...columns], dl, true)}) s ORDER BY id`);
      let shown = 0;
      withReasons.forEach((row, i) => {
        const js = pick(x, i, scoreSet.rows[i]!);
        const got = reasonSlots.map((k) => [row[`reason_${k}`], row[`reason_${k}_contribution`], row[`reason_${k}_value`]]).filter(([c]) => c !== null);
        const raw = (c: string) => scoreSet.rows[i]![c] ?? null;
        expect([row.id, got.map(([c, v]) => [c, v])]).toEqual([row.id, js.map((r) => [r.column, r.contribution])]);
        // The value as text reads back as the value JavaScript has (numbers, booleans as true/false, text).
        for (const [c, , t] of got) {
          const v = raw(c as string);
          expect(t === null ? null : vt[c as string] === "number" ? Number(t) : t).toEqual(v === null ? null : vt[c as string] === "number" ? v : String(v));
        }
        shown += got.length;
      });
      expect(shown).toBeGreaterThan(scoreSet.rows.length);
    }
    // The probabilities spread (a model that scores everyone alike would test little).
    expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(0.2);
  }
}

/** expSql equals Math.exp bit for bit, at fdlibm's thresholds and across the range a sigmoid meets. */
async function checkExp(engine: Engine, dl: Dialect): Promise<void> {
  const r = rng(11);
  const edges = [0, -0, -1e-300, -(2 ** -28) * 1.0000001, -(2 ** -28) * 0.9999999, -0.34657359027997264, -0.3465735902799727, -0.5, -1, -1.0397207708399179, -1.03972077083991, -2, -30, -700, -708.3964185322641, -708.4, -720, -745.1332191019411, -745.2, -800];
  // PostgreSQL refuses products that underflow: there only a ≥ −708 (e^a normal; see expSql).
  const floor = dl.name === "postgres" ? -708 : -Infinity;
  const values = [...edges, ...Array.from({ length: 20000 }, (_, i) => -(r() * (i % 4 === 0 ? 1 : i % 4 === 1 ? 10 : i % 4 === 2 ? 60 : 750)))].filter((a) => a >= floor);
  await engine.loadRows("exp_args", { i: "BIGINT", a: "DOUBLE" }, values.map((a, i) => ({ i, a })));
  const rows = await engine.query(`SELECT i, __e FROM (${expSql(`SELECT i, a FROM ${dl.table("exp_args")}`, "a", dl)}) s ORDER BY i`);
  const wrong = rows.filter((row) => !Object.is(row.__e, Math.exp(values[row.i as number]!))).map((row) => [values[row.i as number], row.__e, Math.exp(values[row.i as number]!)]);
  expect(wrong).toEqual([]);
  expect(rows).toHaveLength(values.length);
}

describe("churn model as SQL (DuckDB)", () => {
  it("computes e^a as V8's Math.exp does", async () => {
    const engine = await createEngine();
    try {
      await checkExp(engine, duckdb);
    } finally {
      engine.close();
    }
  });
  it("encodes and scores as the JavaScript model does", async () => {
    const engine = await createEngine();
    try {
      await check(engine, duckdb);
    } finally {
      engine.close();
    }
  });
});

describe("churn model as SQL (PostgreSQL)", () => {
  const pg = usePostgres();
  it("encodes and scores as the JavaScript model does", async (t) => {
    const engine = await pg.engine(t);
    try {
      await checkExp(engine, postgres);
      await check(engine, postgres);
    } finally {
      engine.close();
    }
  }, 120_000);
});
