// Rows → numeric design matrix, by generic type inference (no dataset-specific code).
// Rules, fitted on the training rows and applied unchanged to scoring rows:
// - numeric: every non-missing value is a number, a boolean (1/0) or a string that parses as
//   a number; missing (null, blank) → 0, except columns named in `meanImpute` (→ training mean).
// - binary: strings whose levels, lower-cased and with any level starting with "no " (e.g.
//   "No internet service") read as "no", are {yes, no}, {true, false} or {y, n}: yes/true/y → 1.
// - categorical: other strings, one-hot with the first level (alphabetical) as the base; a level
//   seen in fewer than max(10, 1% of rows) training rows joins "(other)", missing is "(missing)";
//   at most 30 levels are kept (the most frequent), the rest join "(other)". Unseen levels → "(other)".
// - ISO-date strings (yyyy-mm-dd) are not features.
// - A column constant over the training rows (after encoding) is dropped, and so is a column
//   identical to an earlier one.

import type { Row, Value } from "../types.js";

export interface FeatureInfo {
  /** Feature name: the column, or column=level for one-hot columns. */
  name: string;
  column: string;
  level: string | null;
}

type ColumnRule =
  | { column: string; kind: "numeric"; fill: number }
  | { column: string; kind: "binary" }
  | { column: string; kind: "categorical"; levels: string[] };

export interface Encoder {
  rules: ColumnRule[];
  features: FeatureInfo[];
}

const yesNo: Array<[string, string]> = [["yes", "no"], ["true", "false"], ["y", "n"]];
const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

function asNumber(v: Value): number | null {
  if (v === null) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v ? 1 : 0;
  const t = v.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function normBinary(s: string): string {
  const t = s.trim().toLowerCase();
  return t.startsWith("no ") ? "no" : t;
}

function levelOf(v: Value): string {
  return v === null || (typeof v === "string" && v.trim() === "") ? "(missing)" : String(v).trim();
}

/** Infers the column rules from training rows; `exclude` columns are never features. */
export function fitEncoder(rows: readonly Row[], columns: readonly string[], options: { meanImpute?: readonly string[] } = {}): Encoder {
  const n = rows.length;
  const rules: ColumnRule[] = [];
  for (const c of columns) {
    const values = rows.map((r) => (r[c] === undefined ? null : r[c]!));
    const present = values.filter((v) => v !== null && !(typeof v === "string" && v.trim() === ""));
    if (present.length === 0) continue;
    if (present.every((v) => asNumber(v) !== null)) {
      let fill = 0;
      if (options.meanImpute?.includes(c)) {
        let s = 0;
        for (const v of present) s += asNumber(v)!;
        fill = s / present.length;
      }
      rules.push({ column: c, kind: "numeric", fill });
      continue;
    }
    const strings = present.map((v) => String(v));
    if (strings.every(isDate)) continue;
    const levels = new Set(strings.map(normBinary));
    if (values.length === present.length && yesNo.some(([a, b]) => [...levels].every((l) => l === a || l === b))) {
      rules.push({ column: c, kind: "binary" });
      continue;
    }
    const counts = new Map<string, number>();
    for (const v of values) counts.set(levelOf(v), (counts.get(levelOf(v)) ?? 0) + 1);
    const minCount = Math.max(10, Math.ceil(0.01 * n));
    let kept = [...counts].filter(([, k]) => k >= minCount).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    kept = kept.slice(0, 30);
    const keptSet = new Set(kept.map(([l]) => l));
    const hasOther = [...counts.keys()].some((l) => !keptSet.has(l));
    const all = [...keptSet, ...(hasOther ? ["(other)"] : [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    rules.push({ column: c, kind: "categorical", levels: all });
  }
  const features: FeatureInfo[] = [];
  for (const r of rules) {
    if (r.kind === "categorical") for (const l of r.levels.slice(1)) features.push({ name: `${r.column}=${l}`, column: r.column, level: l });
    else features.push({ name: r.column, column: r.column, level: null });
  }
  const enc: Encoder = { rules, features };
  // drop constant columns
  const x = encodeRows(enc, rows);
  const p = features.length;
  const keep: boolean[] = features.map((_, j) => {
    for (let i = 1; i < n; i++) if (x[i * p + j] !== x[j]) return true;
    return false;
  });
  // drop exact duplicates of an earlier kept column
  for (let j = 0; j < p; j++) {
    if (!keep[j]) continue;
    for (let k = 0; k < j; k++) {
      if (!keep[k]) continue;
      let same = true;
      for (let i = 0; i < n && same; i++) same = x[i * p + j] === x[i * p + k];
      if (same) {
        keep[j] = false;
        break;
      }
    }
  }
  return { rules, features: features.filter((_, j) => keep[j]) };
}

/** The design matrix (row-major n × features) of rows under an encoder. */
export function encodeRows(enc: Encoder, rows: readonly Row[]): Float64Array {
  const p = enc.features.length, n = rows.length;
  const x = new Float64Array(n * p);
  // Each source column once per row (not once per feature): a categorical value's level is looked
  // up once and the one matching indicator, if kept, set to 1. Rows are read one at a time, all
  // their columns together, and the matrix is written in its row-major order.
  type Step = { rule: ColumnRule; j: number; slot: Map<string, number> | null; known: Set<string> | null };
  const steps = enc.rules.flatMap((rule): Step[] => {
    if (rule.kind === "categorical") {
      const slot = new Map<string, number>();
      enc.features.forEach((f, j) => {
        if (f.column === rule.column && f.level !== null) slot.set(f.level, j);
      });
      const known = new Set(rule.levels);
      return slot.size ? [{ rule, j: -1, slot, known }] : [];
    }
    const j = enc.features.findIndex((f) => f.column === rule.column);
    return j < 0 ? [] : [{ rule, j, slot: null, known: null }];
  });
  for (let i = 0; i < n; i++) {
    const row = rows[i]!, at = i * p;
    for (const { rule, j, slot, known } of steps) {
      const v = row[rule.column] ?? null;
      if (rule.kind === "numeric") x[at + j] = asNumber(v) ?? rule.fill;
      else if (rule.kind === "binary") x[at + j] = v !== null && yesWords.has(normBinary(String(v))) ? 1 : 0;
      else {
        const l = levelOf(v);
        const k = slot!.get(known!.has(l) ? l : "(other)");
        if (k !== undefined) x[at + k] = 1;
      }
    }
  }
  return x;
}

const yesWords = new Set(["yes", "true", "y"]);

/** The raw value behind a feature for display (the level for one-hot features). */
export function featureValue(f: FeatureInfo, row: Row): Value {
  return f.level === null ? row[f.column] ?? null : levelOf(row[f.column] ?? null);
}
