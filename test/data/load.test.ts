import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/data/engine.js";
import { assertReadInPlaceUnchanged, loadDataset, snake, type DatasetSource } from "../../src/data/load.js";
import { ChurnbookError } from "../../src/util/errors.js";

const dir = mkdtempSync(join(tmpdir(), "churnbook-load-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const src = (over: Partial<DatasetSource>): DatasetSource => ({ name: "subs", role: "subscriptions", file: "", columns: {}, types: {}, derive: {}, ...over });

let engine: Engine;
beforeAll(async () => (engine = await createEngine()));
afterAll(() => engine.close());

async function failure(p: Promise<unknown>): Promise<ChurnbookError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ChurnbookError);
    return e as ChurnbookError;
  }
  throw new Error("expected a failure");
}

describe("loadDataset", () => {
  it("gives the typed fast path's table and the text path's the same values, and judges copies as written", async () => {
    // Clean ISO dates and plain numbers: read typed in one pass. The same rows with a yyyymmdd
    // date go down the text path; both tables must be equal, in the file's order.
    const body = "C2,2026-01-05,,100.5\nC1, 2026-02-01 ,2026-03-01, 50 \nC3,2026-01-09,,0\n";
    const fast = await loadDataset(engine, src({ file: file("fast.csv", `customer_id,start_date,end_date,mrr\n${body}`) }));
    const a = await engine.query("SELECT * FROM subscriptions");
    const text = await loadDataset(engine, src({ file: file("text.csv", `customer_id,start_date,end_date,mrr\n${body}C4,20260110,,1\n`) }));
    const b = await engine.query("SELECT * FROM subscriptions");
    expect(a).toEqual(b.slice(0, 3));
    expect(a.map((r) => r.customer_id)).toEqual(["C2", "C1", "C3"]);
    expect(a[1]).toEqual({ customer_id: "C1", start_date: "2026-02-01", end_date: "2026-03-01", mrr: 50 });
    expect([fast.rows, text.rows]).toEqual([3, 4]);
    // Rows equal once typed (1 and 1.0) but not as written are not copies; exact copies are, with their rows.
    const t = await loadDataset(engine, src({ name: "tx", role: "transactions", file: file("tx.csv", "customer_id,date,amount\nC1,2026-01-05,1\nC1,2026-01-05,1.0\nC2,2026-01-06,5\nC2,2026-01-06,5\n") }));
    expect(t.rows).toBe(4);
    expect(t.findings.map((f) => [f.code, f.count, f.rows])).toEqual([["duplicate-line-items", 1, [4]]]);
  });

  it("maps, types and reads BOM + CRLF files with ISO and yyyymmdd dates", async () => {
    const f = file("subs.csv", "\uFEFFaccount,Start,End,MRR Amount,Seats\r\nA1,2026-01-05,,100.5,3\r\nA2,20260201,20260301,50,x\r\n,2026-01-01,,1,1\r\n");
    const d = await loadDataset(engine, src({ file: f, columns: { customer_id: "account", start_date: "Start", end_date: "End", mrr: "MRR Amount" } }));
    expect(d.rows).toBe(2);
    expect(d.dropped).toBe(1);
    expect(d.droppedReasons[0]).toMatch(/without customer_id/);
    expect(d.fields).toEqual(["customer_id", "start_date", "end_date", "mrr", "seats"]);
    expect(await engine.query("SELECT * FROM subscriptions ORDER BY customer_id")).toEqual([
      { customer_id: "A1", start_date: "2026-01-05", end_date: null, mrr: 100.5, seats: "3" },
      { customer_id: "A2", start_date: "2026-02-01", end_date: "2026-03-01", mrr: 50, seats: "x" },
    ]);
    expect(d.minDate).toBe("2026-01-05");
    expect(d.maxDate).toBe("2026-03-01");
  });

  it("infers numeric attributes and accepts boolean spellings", async () => {
    const f = file("cust.csv", "customer_id,churned,seats\nc1,Yes,3\nc2,n,4.5\nc3,TRUE,\nc4,0,1\n");
    await loadDataset(engine, src({ name: "customers", role: "customers", file: f }));
    expect(await engine.query("SELECT churned, seats FROM customers ORDER BY customer_id")).toEqual([
      { churned: true, seats: 3 },
      { churned: false, seats: 4.5 },
      { churned: true, seats: null },
      { churned: false, seats: 1 },
    ]);
  });

  it("on the typed path (a DATE column): infers numeric attributes, and locates a value its declared type rejects, far down the file", async () => {
    const f = file("cust-typed.csv", "customer_id,signup_date,churned,seats,tier\nc1,2026-01-01,Yes,3, gold \nc2,2026-01-02,n,4.5,\nc3,2026-01-03,TRUE,,silver\n");
    await loadDataset(engine, src({ name: "customers", role: "customers", file: f }));
    expect(await engine.query("SELECT * FROM customers")).toEqual([
      { customer_id: "c1", signup_date: "2026-01-01", churned: true, seats: 3, tier: "gold" },
      { customer_id: "c2", signup_date: "2026-01-02", churned: false, seats: 4.5, tier: null },
      { customer_id: "c3", signup_date: "2026-01-03", churned: true, seats: null, tier: "silver" },
    ]);
    const rows = Array.from({ length: 6000 }, (_, i) => `c${i + 1},2026-01-01,${i === 4320 ? "maybe" : i % 2 ? "yes" : "no"}`);
    const e = await failure(loadDataset(engine, src({ name: "customers", role: "customers", file: file("cust-bad.csv", `customer_id,signup_date,churned\n${rows.join("\n")}\n`) })));
    expect([e.code, e.message, e.location]).toEqual(["bad-value", 'cannot read "maybe" as a boolean', { dataset: "customers", column_name: "churned", row: 4321 }]);
  });

  it("names the dataset, column, row and value of an unparsable date", async () => {
    const f = file("bad-date.csv", "customer_id,start_date\nc1,2026-01-01\nc2,31/12/2026\n");
    const e = await failure(loadDataset(engine, src({ file: f })));
    expect(e.code).toBe("bad-value");
    expect(e.message).toBe('cannot read "31/12/2026" as a date');
    expect(e.location).toMatchObject({ dataset: "subs", column_name: "start_date", row: 2 });
    expect(e.hint).toMatch(/date_format/);
  });

  it("honours an explicit date format", async () => {
    const f = file("dmy.csv", "customer_id,start_date\nc1,31/12/2026\n");
    await loadDataset(engine, src({ file: f, dateFormat: "%d/%m/%Y" }));
    expect(await engine.query("SELECT start_date FROM subscriptions")).toEqual([{ start_date: "2026-12-31" }]);
  });

  it("names an unparsable number", async () => {
    const f = file("bad-num.csv", "customer_id,start_date,mrr\nc1,2026-01-01,1\nc2,2026-01-01,1\nc3,2026-01-01,12 EUR\n");
    const e = await failure(loadDataset(engine, src({ file: f })));
    expect(e.message).toBe('cannot read "12 EUR" as a number');
    expect(e.location).toMatchObject({ dataset: "subs", column_name: "mrr", row: 3 });
  });

  it("lists the available columns for a misnamed mapping", async () => {
    const f = file("cols.csv", "account_id,start_date\nc1,2026-01-01\n");
    const e = await failure(loadDataset(engine, src({ file: f, columns: { customer_id: "acount_id" } })));
    expect(e.code).toBe("missing-column");
    expect(e.hint).toContain('did you mean "account_id"');
    expect(e.hint).toContain("available columns: account_id, start_date");
  });

  it("requires a customer_id", async () => {
    const f = file("noid.csv", "who,start_date\nc1,2026-01-01\n");
    const e = await failure(loadDataset(engine, src({ file: f })));
    expect(e.message).toMatch(/no customer_id column/);
    expect(e.hint).toMatch(/who, start_date/);
  });

  it("rejects duplicate customer ids where they must be unique", async () => {
    const f = file("dup.csv", "customer_id,region\nc1,N\nc2,S\nc1,E\n");
    const e = await failure(loadDataset(engine, src({ name: "customers", role: "customers", file: f })));
    expect(e.code).toBe("duplicate-id");
    expect(e.message).toContain('"c1" (2 rows)');
  });

  it("reports a missing file", async () => {
    const e = await failure(loadDataset(engine, src({ file: join(dir, "nope.csv") })));
    expect(e.code).toBe("missing-file");
  });

  it("loads an empty dataset as an empty table", async () => {
    const f = file("empty.csv", "customer_id,date,amount\n");
    const d = await loadDataset(engine, src({ name: "tx", role: "transactions", file: f }));
    expect(d.rows).toBe(0);
    expect(await engine.query("SELECT count(*) AS n FROM transactions")).toEqual([{ n: 0 }]);
  });

  it("derives columns through the whitelisted grammar only", async () => {
    const f = file("tx.csv", "customer_id,date,amount,cost\nc1,2026-01-01,10,4\n");
    await loadDataset(engine, src({ name: "tx", role: "transactions", file: f, derive: { margin: "amount - coalesce(cost, 0)", big: "CASE WHEN amount > 5 THEN 'yes' ELSE 'no' END" } }));
    expect(await engine.query("SELECT margin, big FROM transactions")).toEqual([{ margin: 6, big: "yes" }]);
    const e = await failure(loadDataset(engine, src({ name: "tx", role: "transactions", file: f, derive: { x: "read_csv('/etc/passwd')" } })));
    expect(e.message).toContain('unknown function "read_csv"');
    const e2 = await failure(loadDataset(engine, src({ name: "tx", role: "transactions", file: f, derive: { x: "amount; DROP TABLE t" } })));
    expect(e2.message).toContain("unexpected");
  });

  it("snake-cases column names", () => {
    expect(snake("Monthly Charges")).toBe("monthly_charges");
    expect(snake("PlanTier")).toBe("plan_tier");
    expect(snake("customerID")).toBe("customer_id");
  });
});

describe("loadDataset: Parquet and JSON", () => {
  it("reads Parquet (typed by the file) and JSON lines with the same mapping rules", async () => {
    const parquet = join(dir, "subs.parquet");
    await engine.query(`COPY (SELECT 'A1' AS account, DATE '2026-01-05' AS start_date, NULL::DATE AS end_date, 100.5 AS mrr_amount, 3 AS seats) TO '${parquet}' (FORMAT parquet)`);
    const p = await loadDataset(engine, src({ file: parquet, columns: { customer_id: "account", mrr: "mrr_amount" } }));
    expect(p.rows).toBe(1);
    expect(await engine.query("SELECT customer_id, start_date, end_date, mrr, seats FROM subscriptions")).toEqual([{ customer_id: "A1", start_date: "2026-01-05", end_date: null, mrr: 100.5, seats: 3 }]);

    const json = file("tx.json", '[{"cust": "c1", "date": "2026-02-01", "amount": 12.5}, {"cust": "c2", "date": "2026-02-03", "amount": 7}]');
    const j = await loadDataset(engine, src({ name: "tx", role: "transactions", file: json, columns: { customer_id: "cust" } }));
    expect(j.rows).toBe(2);
    expect(await engine.query("SELECT customer_id, date, amount FROM transactions ORDER BY customer_id")).toEqual([
      { customer_id: "c1", date: "2026-02-01", amount: 12.5 },
      { customer_id: "c2", date: "2026-02-03", amount: 7 },
    ]);
  });
});

describe("a file read in place must not change during the run", () => {
  it("refuses, naming the dataset, when a Parquet file served as a view is rewritten after loading; a CSV copied into a table is not watched", async () => {
    const parquet = join(dir, "in-place.parquet");
    await engine.query(`COPY (SELECT 'A1' AS customer_id, DATE '2026-01-05' AS start_date, NULL::DATE AS end_date, 10.0 AS mrr) TO '${parquet}' (FORMAT parquet)`);
    const p = await loadDataset(engine, src({ file: parquet }));
    const csv = await loadDataset(engine, src({ name: "csv", file: file("copied.csv", "customer_id,start_date,end_date,mrr\nC1,2026-01-05,,1\n") }));
    expect(p.inPlaceStamp).toBeDefined();
    expect(csv.inPlaceStamp).toBeUndefined();
    await assertReadInPlaceUnchanged([p, csv]);
    utimesSync(parquet, new Date("2030-01-01"), new Date("2030-01-01"));
    const e = await failure(assertReadInPlaceUnchanged([p, csv]));
    expect(e.code).toBe("data-changed");
    expect(e.location.dataset).toBe("subs");
    expect(e.message).toContain("in-place.parquet changed while the report ran");
  });
});
