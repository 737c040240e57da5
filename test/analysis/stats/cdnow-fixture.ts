// CDNOW fixtures shared by the CLV tests (not a test file itself). The published 2,357-customer
// sample (cdnow_customers_summary*.csv, Fader & Hardie) numbers its customers 1..2357; those
// ids are NOT the ids of CDNOW_master.txt (sample ID 1 is master customer 00004), and the
// mapping is not published. A sample row is therefore matched to a master customer by its
// statistics (x, t_x, T, zbar rounded to 2 decimals, as the file stores them).

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createEngine } from "../../../src/data/engine.js";
import type { Row } from "../../../src/analysis/types.js";
import { summarySql } from "../../../src/analysis/stats/rfm-summary.js";
import { referenceFile } from "../../helpers/reference.js";

const dir = referenceFile("cdnow", ".");

/** CDNOW_master.txt as transactions rows (customer_id, date, amount). */
export function readMaster(): Row[] {
  const lines = readFileSync(resolve(dir, "CDNOW_master.txt"), "utf8").trim().split(/\r?\n/).slice(1);
  return lines.map((l) => {
    const [id, d, , amount] = l.trim().split(/\s+/);
    return { customer_id: id!, date: `${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)}`, amount: Number(amount) };
  });
}

export interface SampleRow { id: string; x: number; tx: number; T: number; zbar: number }

/** cdnow_customers_summary_with_transactions.csv (ID,x,t_x,T,zbar; CRLF). */
export function readSample(): SampleRow[] {
  const lines = readFileSync(resolve(dir, "cdnow_customers_summary_with_transactions.csv"), "utf8").trim().split(/\r?\n/).slice(1);
  return lines.map((l) => {
    const [id, x, tx, T, zbar] = l.split(",");
    return { id: id!, x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) };
  });
}

/** cdnow_customers_summary.csv (ID,frequency,recency,T). */
export function readSummaryCsv(): Array<{ id: string; x: number; tx: number; T: number }> {
  const lines = readFileSync(resolve(dir, "cdnow_customers_summary.csv"), "utf8").trim().split(/\r?\n/).slice(1);
  return lines.map((l) => {
    const [id, x, tx, T] = l.split(",");
    return { id: id!, x: Number(x), tx: Number(tx), T: Number(T) };
  });
}

/** The master log's summary by our SQL: weeks, purchases floored to days, calibration to 1997-09-30. */
export async function masterSummary(rows: Row[] = readMaster()): Promise<Row[]> {
  const engine = await createEngine();
  try {
    await engine.loadRows("transactions", { customer_id: "VARCHAR", date: "DATE", amount: "DOUBLE" }, rows);
    return await engine.query(summarySql({ unit: "week", floor: "day", calibrationEnd: "1997-09-30", lastDay: null, amount: true }));
  } finally {
    engine.close();
  }
}

// Half-up rounding to cents (22.345 → 22.35, as the file has it); 1e-6 absorbs binary error.
const key = (x: number, tx: number, T: number, m: number) => `${x}|${Math.round(tx * 100 + 1e-6)}|${Math.round(T * 100 + 1e-6)}|${Math.round(m * 100 + 1e-6)}`;

/** Assigns each sample row a distinct master summary row with the same rounded statistics. */
export function matchSample(summary: Row[], sample: SampleRow[]): { matched: Row[]; unmatched: SampleRow[] } {
  const pool = new Map<string, Row[]>();
  for (const r of summary) {
    const k = key(r.frequency as number, r.recency as number, r.T as number, r.monetary as number);
    const list = pool.get(k);
    if (list) list.push(r);
    else pool.set(k, [r]);
  }
  const matched: Row[] = [];
  const unmatched: SampleRow[] = [];
  for (const s of sample) {
    const r = pool.get(key(s.x, s.tx, s.T, s.zbar))?.shift();
    if (r) matched.push(r);
    else unmatched.push(s);
  }
  return { matched, unmatched };
}
