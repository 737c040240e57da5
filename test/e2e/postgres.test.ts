// The PostgreSQL engine end to end: the flagship report (reports/monthly-churn-en.yaml) run once
// from the demo CSV files (DuckDB) and once from the same data in PostgreSQL tables (datasets
// `{ connection: "env:…", table: … }`), and every result compared. The tables are loaded as a
// warehouse would hold them: customers, tickets and churn events as text columns (typed and
// checked by churnbook, like a file), subscriptions and transactions with native date and
// numeric columns. Equality is exact: every analysis's scalars, tables and notes, and every
// output cell of the document, are JSON-identical (the analyses' SQL is written so that both
// engines compute the same doubles; see the commit notes of the dialect layer).
// Needs a PostgreSQL server (test/helpers/postgres.ts): skipped without one, except under CI.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../src/data/engine.js";
import { quoteIdent } from "../../src/data/engine.js";
import { createPostgresEngine } from "../../src/data/postgres.js";
import { loadReport } from "../../src/runner/definitions.js";
import { runReport } from "../../src/runner/run.js";
import type { AnalysisResult, Row } from "../../src/analysis/types.js";
import type { CellResult } from "../../src/runner/cells.js";
import { isChurnbookError, type ChurnbookError } from "../../src/util/errors.js";
import { startPostgres, type PgServer } from "../helpers/postgres.js";

const root = join(import.meta.dirname, "..", "..");
const data = join(root, "data", "globex");
const now = new Date("2026-11-25T09:00:00Z");
const variable = "CHURNBOOK_TEST_PG_URL";
const tables = ["customers", "subscriptions", "transactions", "tickets", "churn_events"] as const;
/** Native column types of the typed tables; every other column is text. */
const native: Record<string, Record<string, string>> = {
  subscriptions: { start_date: "date", end_date: "date", cancel_date: "date", mrr: "numeric(12, 2)" },
  transactions: { date: "date", amount: "numeric(12, 2)", cost: "numeric(12, 2)", quantity: "integer" },
};

let server: PgServer | string = "not started";
/** The temporary folders of the definitions written below (removed after the tests). */
const written: string[] = [];
afterAll(() => {
  for (const dir of written) rmSync(dir, { recursive: true, force: true });
});

/** Copies the demo CSVs of `client` into PostgreSQL tables of `schema` (read as text by DuckDB, inserted in batches). */
async function loadDemoData(url: string, client = "globex", schema = "public", names: readonly string[] = tables): Promise<void> {
  const duck = await createEngine();
  const pg = await createPostgresEngine({ url, dataset: "setup", variable });
  try {
    await pg.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    for (const t of names) {
      const rows = await duck.query(`SELECT * FROM read_csv('${join(root, "data", client, `${t}.csv`)}', all_varchar = true, header = true)`);
      const columns = Object.keys(rows[0]!);
      await pg.query(`DROP TABLE IF EXISTS ${schema}.${t}`);
      await pg.query(`CREATE TABLE ${schema}.${t} (${columns.map((c) => `${quoteIdent(c)} ${native[t]?.[c] ?? "text"}`).join(", ")})`);
      // Text in, cast by the server: the same values as in the file.
      const per = 1000;
      for (let i = 0; i < rows.length; i += per) {
        const batch = rows.slice(i, i + per);
        const values = batch.map((r) => `(${columns.map((c) => (r[c] === null ? "NULL" : `'${String(r[c]).replaceAll("'", "''")}'`)).join(", ")})`);
        await pg.query(`INSERT INTO ${schema}.${t} VALUES ${values.join(", ")}`);
      }
    }
  } finally {
    duck.close();
    pg.close();
  }
}

/** The flagship definition with its datasets read from PostgreSQL (written next to nothing else: no relative paths remain). */
function pgDefinition(datasets = tables.map((t) => `  ${t}: { connection: "env:${variable}", table: public.${t} }`).join("\n")): string {
  const text = readFileSync(join(root, "reports", "monthly-churn-en.yaml"), "utf8");
  const out = text.replace(/^datasets:\n(  \w+: \{ path: [^\n]+\n)+/m, `datasets:\n${datasets}\n`);
  expect(out).not.toBe(text);
  const dir = mkdtempSync(join(tmpdir(), "churnbook-pgdef-"));
  written.push(dir);
  const file = join(dir, "monthly-churn-pg.yaml");
  writeFileSync(file, out);
  return file;
}

/** Writes a definition text into a temporary folder (removed after the tests). */
function writeDefinition(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "churnbook-pgdef-"));
  written.push(dir);
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/**
 * A definition of analysis cells only, on the demo data of `client`: its datasets read from the
 * CSV files, or (with `schema`) from the server's tables of that schema.
 */
function cellsDefinition(client: string, names: readonly string[], churn: string, cells: string, schema?: string): string {
  const datasets = names.map((n) => `  ${n}: ${schema ? `{ connection: "env:${variable}", table: ${schema}.${n} }` : `{ path: ${JSON.stringify(join(data, "..", client, `${n}.csv`))} }`}`);
  const text = `title: Equality\nlocale: en-US\ncurrency: USD\n${churn}\ndatasets:\n${datasets.join("\n")}\ncells:${cells}\n`;
  return writeDefinition(`${client}-${schema ? "pg" : "files"}.yaml`, text);
}

/** Every analysis cell's result (scalars, tables, notes) is JSON-identical on both runs, and none is empty. */
function expectSameResults(fromFiles: Awaited<ReturnType<typeof runReport>>, fromPg: Awaited<ReturnType<typeof runReport>>, cells: number): void {
  expect([...fromPg.results.keys()]).toEqual([...fromFiles.results.keys()]);
  expect(fromFiles.results.size).toBe(cells);
  for (const [id, r] of fromFiles.results) {
    // A comparison of two empty results could not fail: each cell has rows in its main table.
    const main = Object.values(r.result.tables)[0] ?? [];
    expect([id, main.length > 0]).toEqual([id, true]);
    expect([id, fromPg.results.get(id)!.result]).toEqual([id, r.result]);
  }
}

describe("PostgreSQL engine", () => {
  beforeAll(async () => {
    server = await startPostgres();
    if (typeof server === "string") return;
    await loadDemoData(server.url);
    // A transaction log without subscriptions (inactivity churn): the customer-value report's data.
    await loadDemoData(server.url, "acme", "acme", ["customers", "transactions"]);
  }, 180_000);
  afterAll(() => {
    if (typeof server !== "string") server.stop();
  });

  it("gives the flagship report's numbers from PostgreSQL tables exactly as from the CSV files", async (t) => {
    if (typeof server === "string") return t.skip(`no PostgreSQL server: ${server}`);
    process.env[variable] = server.url;
    const fromFiles = await runReport(await loadReport(join(root, "reports", "monthly-churn-en.yaml")), { now });
    const fromPg = await runReport(await loadReport(pgDefinition()), { now });
    expect([...fromPg.results.keys()]).toEqual([...fromFiles.results.keys()]);
    expect(fromFiles.results.size).toBeGreaterThanOrEqual(13);
    // An engine table's query is each engine's own SQL: its rows (streamed from each engine) must be equal.
    const comparable = ({ engineTables, ...rest }: AnalysisResult) => ({ ...rest, engineTables: Object.fromEntries(Object.entries(engineTables ?? {}).map(([k, t]) => [k, t.rowCount])) });
    const streamed = async (r: CellResult) => {
      const out: Record<string, Row[]> = {};
      for (const [name, t] of Object.entries(r.streamed ?? {})) for await (const b of t.batches()) (out[name] ??= []).push(...b);
      return out;
    };
    for (const [id, r] of fromFiles.results) {
      const pg = fromPg.results.get(id)!;
      expect([id, comparable(pg.result)]).toEqual([id, comparable(r.result)]);
      expect([id, await streamed(pg)]).toEqual([id, await streamed(r)]);
    }
    expect(Object.keys(await streamed(fromFiles.results.get("mrr")!))).toEqual(["movements"]);
    // What the reader sees: every KPI, chart, table and text cell, and the data's facts.
    expect(fromPg.document.cells).toEqual(fromFiles.document.cells);
    expect(fromPg.document.period).toEqual(fromFiles.document.period);
    expect(fromPg.datasets.map((d) => [d.name, d.rows, d.dropped, d.minDate, d.maxDate, d.fields])).toEqual(fromFiles.datasets.map((d) => [d.name, d.rows, d.dropped, d.minDate, d.maxDate, d.fields]));
    expect(fromPg.datasets.map((d) => d.findings)).toEqual(fromFiles.datasets.map((d) => d.findings));
    expect(fromPg.document.appendix.coverage.map((c) => c.path)).toEqual(tables.map((t) => `table public.${t} (env:${variable})`));
  });

  it("checks a table as it checks a file: a bad value is reported with its row; findings match", async (t) => {
    if (typeof server === "string") return t.skip(`no PostgreSQL server: ${server}`);
    process.env[variable] = server.url;
    const pg = await createPostgresEngine({ url: server.url, dataset: "setup", variable });
    try {
      await pg.query(`DROP TABLE IF EXISTS public.bad_subs; CREATE TABLE public.bad_subs AS SELECT * FROM public.subscriptions; ALTER TABLE public.bad_subs ALTER COLUMN mrr TYPE text`);
      await pg.query(`UPDATE public.bad_subs SET mrr = '12,5' WHERE subscription_id = 'S000003'`);
    } finally {
      pg.close();
    }
    const file = pgDefinition(
      tables
        .map((t) => `  ${t}: { connection: "env:${variable}", ${t === "subscriptions" ? `query: "select * from public.bad_subs order by subscription_id"` : `table: public.${t}`} }`)
        .join("\n"),
    );
    const err = (await runReport(await loadReport(file), { now }).catch((e: unknown) => e)) as ChurnbookError;
    expect(isChurnbookError(err)).toBe(true);
    expect(err.code).toBe("bad-value");
    expect(err.message).toContain('"12,5"');
    expect(err.location).toMatchObject({ dataset: "subscriptions", column_name: "mrr", row: 3 });
  });

  it("gives every customer-value analysis's results from PostgreSQL exactly as from the CSV files (subscriptions basis, globex)", async (t) => {
    if (typeof server === "string") return t.skip(`no PostgreSQL server: ${server}`);
    process.env[variable] = server.url;
    const churn = "churn: { basis: subscriptions }";
    const cells = `
  - { id: rfm, analysis: rfm }
  - { id: rfm_tx, analysis: rfm, params: { frequency_unit: transactions, monetary: average, rank_first: "frequency,monetary", as_of: "2026-09-15" } }
  - { id: cpm, analysis: cpm }
  - { id: cpm_fixed, analysis: cpm, params: { spend_threshold: 5000, previous_as_of: "2026-06-30" } }
  - { id: dec, analysis: deciles }
  - { id: dec_profit, analysis: deciles, params: { measure: profit, window: period } }
  - { id: seg, analysis: segments }
  - { id: seg_value, analysis: segments, params: { by: "region,plan", churn_source: none } }
  - { id: value, analysis: customer-value, params: { peer_by: "region,company_size", min_peers: 3 } }
  - { id: cohort_rev, analysis: cohort-revenue }
  - { id: cohort_rev_q, analysis: cohort-revenue, params: { cohort_grain: quarter, cohorts: 4, periods: 6 } }
  - { id: clv, analysis: clv }
  - { id: clv_day, analysis: clv, params: { unit: day, calibration_end: "2026-06-30", margin: 0.3 } }
  - { id: clv_c, analysis: clv-contractual }
  - { id: clv_cq, analysis: clv-contractual, params: { period: quarter, cohorts: 6 } }
  - { id: card, analysis: customer-card, params: { customer_id: C00001 } }
  - { id: card_churned, analysis: customer-card, params: { customer_id: C00007 } }`;
    const fromFiles = await runReport(await loadReport(cellsDefinition("globex", tables, churn, cells)), { now });
    const fromPg = await runReport(await loadReport(cellsDefinition("globex", tables, churn, cells, "public")), { now });
    expectSameResults(fromFiles, fromPg, 17);
   }, 300_000);

  it("gives the customer-value report and the transaction-log analyses from PostgreSQL exactly as from the CSV files (inactivity basis, acme)", async (t) => {
    if (typeof server === "string") return t.skip(`no PostgreSQL server: ${server}`);
    process.env[variable] = server.url;
    // The shipped report (deciles, rfm, cpm, segments, customer-value, clv) on a transaction log.
    const report = join(root, "reports", "customer-value.yaml");
    const text = readFileSync(report, "utf8");
    const pgText = text.replace(/^datasets:\n(  \w+: \{ path: [^\n]+\n)+/m, `datasets:\n${["customers", "transactions"].map((n) => `  ${n}: { connection: "env:${variable}", table: acme.${n} }`).join("\n")}\n`);
    expect(pgText).not.toBe(text);
    const fromFiles = await runReport(await loadReport(report), { now });
    const fromPg = await runReport(await loadReport(writeDefinition("customer-value-pg.yaml", pgText)), { now });
    expectSameResults(fromFiles, fromPg, 6);
    expect(fromPg.document.cells).toEqual(fromFiles.document.cells);
    // Other settings on the same log, and revenue cohorts.
    const churn = "churn: { basis: inactivity, days: 90 }";
    const cells = `
  - { id: rfm_tx, analysis: rfm, params: { frequency_unit: transactions, monetary: average } }
  - { id: cpm, analysis: cpm, params: { lapse_days: 120 } }
  - { id: dec_profit, analysis: deciles, params: { measure: profit } }
  - { id: seg, analysis: segments, params: { churn_source: spells } }
  - { id: value, analysis: customer-value, params: { peer_by: region, cost_columns: cost } }
  - { id: cohort_rev, analysis: cohort-revenue }
  - { id: clv_holdout, analysis: clv, params: { unit: week, calibration_end: "2026-03-31" } }
  - { id: clv_unit, analysis: clv, params: { unit: month, floor: unit, calibration_end: "2026-03-31" } }`;
    const names = ["customers", "transactions"];
    const filesCells = await runReport(await loadReport(cellsDefinition("acme", names, churn, cells)), { now });
    const pgCells = await runReport(await loadReport(cellsDefinition("acme", names, churn, cells, "acme")), { now });
    expectSameResults(filesCells, pgCells, 8);
   }, 300_000);

  it("names the nearest customer ids alike on both engines when the card's customer does not exist", async (t) => {
    if (typeof server === "string") return t.skip(`no PostgreSQL server: ${server}`);
    process.env[variable] = server.url;
    const cells = "\n  - { id: card, analysis: customer-card, params: { customer_id: C0001 } }";
    const churn = "churn: { basis: subscriptions }";
    const errors = await Promise.all(
      [undefined, "public"].map(async (schema) => (await runReport(await loadReport(cellsDefinition("globex", tables, churn, cells, schema)), { now }).catch((e: unknown) => e)) as ChurnbookError),
    );
    expect(isChurnbookError(errors[0])).toBe(true);
    expect(`${errors[0]!.message} ${errors[0]!.hint}`).toContain("C00001");
    expect([errors[1]!.code, errors[1]!.message, errors[1]!.hint]).toEqual([errors[0]!.code, errors[0]!.message, errors[0]!.hint]);
  });

  it("refuses a report that mixes files and a connection, naming both", async (t) => {
    if (typeof server === "string") return t.skip(`no PostgreSQL server: ${server}`);
    const file = pgDefinition(tables.map((t) => (t === "tickets" ? `  ${t}: { path: ${join(data, "tickets.csv")} }` : `  ${t}: { connection: "env:${variable}", table: public.${t} }`)).join("\n"));
    const err = (await runReport(await loadReport(file), { now }).catch((e: unknown) => e)) as ChurnbookError;
    expect(err.code).toBe("mixed-sources");
    expect(err.message).toContain('dataset "tickets" is a file');
  });
});

describe("PostgreSQL connections", () => {
  it("a missing variable is a located error naming the dataset and the variable", async () => {
    delete process.env.CHURNBOOK_NOT_SET_URL;
    const file = pgDefinition(tables.map((t) => `  ${t}: { connection: "env:CHURNBOOK_NOT_SET_URL", table: ${t} }`).join("\n"));
    const err = (await runReport(await loadReport(file), { now }).catch((e: unknown) => e)) as ChurnbookError;
    expect(isChurnbookError(err)).toBe(true);
    expect(err.code).toBe("missing-connection");
    expect(err.message).toContain("CHURNBOOK_NOT_SET_URL");
    expect(err.location).toMatchObject({ file, dataset: "customers" });
    expect(err.location.line).toBeGreaterThan(30);
  });

  it("a refused connection names the dataset and the variable and never prints the password", async () => {
    process.env.CHURNBOOK_REFUSED_URL = "postgresql://alice:s3cret-Pa55@127.0.0.1:1/warehouse";
    const file = pgDefinition(tables.map((t) => `  ${t}: { connection: "env:CHURNBOOK_REFUSED_URL", table: ${t} }`).join("\n"));
    const err = (await runReport(await loadReport(file), { now }).catch((e: unknown) => e)) as ChurnbookError;
    expect(isChurnbookError(err)).toBe(true);
    expect(err.code).toBe("connection-failed");
    expect(err.message).toContain('dataset "customers"');
    expect(err.message).toContain("CHURNBOOK_REFUSED_URL");
    expect(`${err.message} ${err.hint}`).not.toContain("s3cret");
    expect(err.exitCode).toBe(1);
  });

  it("a URL written in the definition is refused by validation, never echoed", async () => {
    const file = pgDefinition(tables.map((t) => `  ${t}: { connection: "postgresql://bob:hunter2@db/x", table: ${t} }`).join("\n"));
    const err = (await loadReport(file).catch((e: unknown) => e)) as ChurnbookError;
    expect(isChurnbookError(err)).toBe(true);
    expect(err.message).toContain("connection");
  });
});
