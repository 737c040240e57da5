// Columns a churn model must not learn from, found in the training rows before encoding.
//
// Only customer attribute columns are screened (a flat customers table: every column but
// customer_id and churned; event data: the customers table's attributes). The event features
// of features.ts read data strictly before each cutoff by construction; attributes are taken as
// they are now and may restate the outcome or merely number the rows.
//
// - id-like ("id"): one value per customer (constant within a customer, no two customers
//   alike, at least 10 customers) and either a name that says identifier — id, row, index,
//   idx, key, no, num, number, seq, serial, uuid, guid, rownum, as the whole name or its last
//   part after _ - . or a space, a camelCase …Id, or 编号 / 序号 / 行号 / 流水号 in it — or integer
//   values that rise (or fall) strictly in row order (a row number).
// - label restatement ("label"): the column alone ranks churners above non-churners (or
//   below) almost perfectly: single-feature ROC AUC ≥ 0.98 or ≤ 0.02, over the rows where the
//   column is present (at least 20, with at least 5 of each outcome). A numeric column is its
//   own score; another column scores each value by its churn rate (values of fewer than 10
//   rows pooled as one), so only AUC ≥ 0.98 applies. Typical: a "status" column (Active /
//   Cancelled) exported with the snapshot.
// Excluded columns never reach the encoder; the analyses say which and why in a note.

import type { Locale, Row, Value } from "../types.js";
import { rocAuc } from "./metrics.js";
import { msg } from "../../locales/index.js";

export interface ExcludedColumn {
  column: string;
  reason: "id" | "label";
  /** Single-feature ROC AUC (label restatement). */
  auc?: number;
}

/** AUC at or beyond which (or at or below 1 − it) a single column restates the label. */
export const leakAuc = 0.98;

const idWords = new Set(["id", "ids", "row", "rowid", "rownum", "rowno", "index", "idx", "key", "no", "num", "number", "nr", "seq", "serial", "uuid", "guid"]);

/** Whether a column name says "identifier" or "row number". */
export function idLikeName(name: string): boolean {
  if (/编号|序号|行号|流水号/.test(name)) return true;
  if (/[a-z0-9]Id$|[a-z0-9]ID$/.test(name)) return true;
  const parts = name.trim().toLowerCase().split(/[_\-.\s]+/).filter(Boolean);
  if (parts.length === 0) return false;
  return idWords.has(parts.join("")) || idWords.has(parts[parts.length - 1]!);
}

function asNumber(v: Value | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v ? 1 : 0;
  const t = v.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

const present = (v: Value | undefined) => v !== null && v !== undefined && !(typeof v === "string" && v.trim() === "");

/** One value per customer: constant within a customer and distinct between customers. */
function onePerCustomer(rows: readonly Row[], column: string, groups: readonly string[]): { values: Value[] } | null {
  const byGroup = new Map<string, string>();
  const seen = new Set<string>();
  const values: Value[] = [];
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![column];
    if (!present(v)) return null;
    const key = typeof v === "number" ? `n${v}` : `s${String(v).trim()}`;
    const g = groups[i]!;
    const had = byGroup.get(g);
    if (had === undefined) {
      if (seen.has(key)) return null;
      seen.add(key);
      byGroup.set(g, key);
      values.push(v!);
    } else if (had !== key) return null;
  }
  return byGroup.size >= 10 ? { values } : null;
}

function strictlyMonotoneIntegers(values: readonly Value[]): boolean {
  const xs = values.map(asNumber);
  if (xs.some((v) => v === null || !Number.isInteger(v))) return false;
  let up = true, down = true;
  for (let i = 1; i < xs.length; i++) {
    if (!(xs[i]! > xs[i - 1]!)) up = false;
    if (!(xs[i]! < xs[i - 1]!)) down = false;
  }
  return up || down;
}

/** Single-feature AUC of a column (null when too few rows or one outcome only). */
export function singleFeatureAuc(rows: readonly Row[], column: string, y: ArrayLike<number>): { auc: number; numeric: boolean } | null {
  const idx: number[] = [];
  for (let i = 0; i < rows.length; i++) if (present(rows[i]![column])) idx.push(i);
  if (idx.length < 20) return null;
  let pos = 0;
  for (const i of idx) pos += y[i]! > 0.5 ? 1 : 0;
  if (pos < 5 || idx.length - pos < 5) return null;
  const yy = Float64Array.from(idx, (i) => (y[i]! > 0.5 ? 1 : 0));
  const numeric = idx.every((i) => asNumber(rows[i]![column]) !== null);
  let score: Float64Array;
  if (numeric) score = Float64Array.from(idx, (i) => asNumber(rows[i]![column])!);
  else {
    const level = idx.map((i) => String(rows[i]![column]).trim().toLowerCase());
    const count = new Map<string, number>(), churn = new Map<string, number>();
    level.forEach((l, k) => {
      count.set(l, (count.get(l) ?? 0) + 1);
      churn.set(l, (churn.get(l) ?? 0) + yy[k]!);
    });
    let otherN = 0, otherY = 0;
    for (const [l, c] of count) if (c < 10) { otherN += c; otherY += churn.get(l)!; }
    score = Float64Array.from(level, (l) => (count.get(l)! < 10 ? otherY / otherN : churn.get(l)! / count.get(l)!));
  }
  const auc = rocAuc(yy, score);
  return auc === null ? null : { auc, numeric };
}

/** The attribute columns to leave out of the model (in the order of `columns`). */
export function screenColumns(rows: readonly Row[], columns: readonly string[], y: ArrayLike<number>, groups: readonly string[]): ExcludedColumn[] {
  const out: ExcludedColumn[] = [];
  for (const column of columns) {
    const one = onePerCustomer(rows, column, groups);
    if (one && (idLikeName(column) || strictlyMonotoneIntegers(one.values))) {
      out.push({ column, reason: "id" });
      continue;
    }
    const a = singleFeatureAuc(rows, column, y);
    if (a && (a.auc >= leakAuc || (a.numeric && a.auc <= 1 - leakAuc))) out.push({ column, reason: "label", auc: a.auc });
  }
  return out;
}

/** The note saying which columns were left out and why, in the report's language. */
export function exclusionNote(excluded: readonly ExcludedColumn[], locale: Locale, label: (column: string) => string): string | null {
  if (excluded.length === 0) return null;
  const say = msg(locale).model;
  const ids = excluded.filter((e) => e.reason === "id").map((e) => label(e.column));
  const leaks = excluded.filter((e) => e.reason === "label").map((e) => say.leakColumn(label(e.column), e.auc!.toFixed(3)));
  const parts: string[] = [];
  if (leaks.length) parts.push(say.leaks(leaks, leakAuc, (1 - leakAuc).toFixed(2)));
  if (ids.length) parts.push(say.ids(ids));
  return say.sentences(parts);
}
