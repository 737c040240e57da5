// The trained churn model as SQL: the probability the JavaScript scorer gives (encode.ts, then
// logistic.ts or gbdt.ts), computed by the engine over a relation holding the feature columns, so
// that scoring the active base never brings its feature rows into JavaScript.
//
// Every step follows the JavaScript one operation for operation, so the doubles agree:
// - encoding (encode.ts): numeric columns take the value the engine hands JavaScript (a DECIMAL
//   goes through its printed text, as data/engine.ts converts it), non-finite or missing → the
//   rule's fill; booleans 1/0; binary text yes/true/y (trimmed, lower-cased) → 1, else 0;
//   categorical text trimmed, blank or null → "(missing)", a level unseen in training →
//   "(other)", one indicator per kept level (none for the base level, none for "(other)" when
//   training had no other level). Text that JavaScript's Number reads as a number but SQL's cast
//   does not (hexadecimal "0x1F", binary "0b1", octal "0o7") is the one difference: a numeric
//   text column holding such values reads them as missing here.
//   Trimming strips ASCII white space (space, tab, newlines, vertical tab, form feed); JavaScript's
//   trim also strips Unicode spaces such as U+00A0, which a level would keep here.
// - logistic: z = coef₀ + Σⱼ coefⱼ·xⱼ in feature order (left to right, as logisticLinear sums).
// - gbdt: a tree's bin test `bin(x) ≤ t` is `x ≤ edges[t]` (bin = the number of edges below x),
//   one nested CASE per tree; z = base score + the trees' leaf values in tree order.
// - the link: 1/(1 + e^(−z)) for z ≥ 0, e^z/(1 + e^z) below (the same branches as `sigmoid`),
//   with e^a computed by fdlibm's steps as V8's Math.exp does (expSql), not the engine's exp().
// Constants are written as text cast to a double (the shortest text that reads back as the same
// double), never as decimal literals, which DuckDB and PostgreSQL would read as exact DECIMALs.

import { quoteIdent, quoteLiteral } from "../../data/engine.js";
import type { Dialect } from "../../data/dialects/index.js";
import type { Row } from "../types.js";
import type { Encoder } from "./encode.js";
import type { Trained } from "./pipeline.js";

/** What JavaScript receives for a column: the type of its first non-null training value. */
export type ValueType = "number" | "boolean" | "string";

export function valueTypes(rows: readonly Row[], columns: readonly string[]): Record<string, ValueType> {
  const out: Record<string, ValueType> = {};
  for (const c of columns) {
    const v = rows.find((r) => r[c] !== null && r[c] !== undefined)?.[c];
    out[c] = typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "string";
  }
  return out;
}

/** A double constant, exactly (text cast to the engine's double type). */
export function doubleSql(x: number, dl: Dialect): string {
  if (!Number.isFinite(x)) throw new Error(`cannot write the non-finite constant ${x} into the scoring SQL`);
  return `CAST('${Object.is(x, -0) ? "-0" : String(x)}' AS ${dl.types.number})`;
}

/** A numeric column as the double JavaScript receives (null when missing or not finite). */
export function numberSql(column: string, type: ValueType, dl: Dialect): string {
  const c = quoteIdent(column);
  if (type === "boolean") return `CASE WHEN ${c} THEN ${doubleSql(1, dl)} WHEN NOT ${c} THEN ${doubleSql(0, dl)} END`;
  // Through the text: a DECIMAL reaches JavaScript as its printed value read as a double, and a
  // double's shortest text reads back as itself.
  const v = type === "string" ? dl.tryCast(trimSql(c), "number") : `CAST(CAST(${c} AS VARCHAR) AS ${dl.types.number})`;
  return `CASE WHEN ${dl.isFinite(v)} THEN ${v} END`;
}

const trimSql = (text: string) => `regexp_replace(CAST(${text} AS VARCHAR), '^[ \\t\\n\\r\\f\\v]+|[ \\t\\n\\r\\f\\v]+$', '', 'g')`;

/** The encoded features x₀…x_{p−1} (encode.ts `encodeRows`), as SQL expressions over the columns. */
export function encodedSql(enc: Encoder, types: Record<string, ValueType>, dl: Dialect): string[] {
  const one = doubleSql(1, dl), zero = doubleSql(0, dl);
  return enc.features.map((f) => {
    const rule = enc.rules.find((r) => r.column === f.column)!;
    const c = quoteIdent(f.column);
    if (rule.kind === "numeric") return `COALESCE(${numberSql(f.column, types[f.column] ?? "number", dl)}, ${doubleSql(rule.fill, dl)})`;
    if (rule.kind === "binary") return `CASE WHEN lower(${trimSql(c)}) IN ('yes', 'true', 'y') THEN ${one} ELSE ${zero} END`;
    const t = trimSql(c);
    const raw = `CASE WHEN ${c} IS NULL OR ${t} = '' THEN '(missing)' ELSE ${t} END`;
    const known = rule.levels.map(quoteLiteral).join(", ");
    const level = `CASE WHEN ${raw} IN (${known}) THEN ${raw} ELSE '(other)' END`;
    return `CASE WHEN ${level} = ${quoteLiteral(f.level!)} THEN ${one} ELSE ${zero} END`;
  });
}

/** The log-odds over encoded features named `x[j]` (SQL expressions), in the JavaScript order of sums. */
export function logOddsSql(model: Trained, x: readonly string[], dl: Dialect): string {
  if (model.logistic) {
    const m = model.logistic;
    let z = doubleSql(m.coef[0]!, dl);
    for (let j = 0; j < m.p; j++) z = `${z} + ${doubleSql(m.coef[j + 1]!, dl)} * ${x[j]}`;
    return z;
  }
  const m = model.gbdt!;
  const node = (t: number, k: number): string => {
    const tree = m.trees[t]!;
    if (tree.left[k]! < 0) return doubleSql(tree.value[k]!, dl);
    const f = tree.feature[k]!, edges = m.binning.edges[f]!, b = tree.threshold[k]!;
    // bin ≤ b for every value when b is past the last edge (a split never is; kept total).
    if (b >= edges.length) return node(t, tree.left[k]!);
    return `CASE WHEN ${x[f]} <= ${doubleSql(edges[b]!, dl)} THEN ${node(t, tree.left[k]!)} ELSE ${node(t, tree.right[k]!)} END`;
  };
  let z = doubleSql(m.baseScore, dl);
  for (let t = 0; t < m.trees.length; t++) z = `${z} + ${node(t, 0)}`;
  return z;
}

const wordsToDouble = (hi: number, lo: number) => {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, hi >>> 0);
  v.setUint32(4, lo >>> 0);
  return v.getFloat64(0);
};

/**
 * `SELECT *, e^a AS __e FROM (from)` for a column `a` ≤ 0, bit for bit the e^a of JavaScript's
 * Math.exp: V8 computes it with fdlibm's __ieee754_exp, while the engines' exp() is the C
 * library's, which differs in the last bit for about one argument in ten. The steps of fdlibm for
 * a ≤ 0, each an IEEE operation the engines do alike: below −745.13… the result underflows to 0;
 * |a| < 2⁻²⁸ gives 1 + a; else a is reduced to r = hi − lo with k = 0 (|a| ≤ ½ln 2), k = −1
 * (|a| < 1.5 ln 2: hi = a + ln2HI, lo = −ln2LO) or k = trunc(a/ln 2 − ½) (hi = a − k·ln2HI,
 * lo = k·ln2LO); c = r − r²(P1 + r²(P2 + r²(P3 + r²(P4 + r²·P5)))); the result is
 * 1 − (r·c/(c − 2) − r) for k = 0, else (1 − ((lo − r·c/(2 − c)) − hi))·2^k (2^(k+1000)·2⁻¹⁰⁰⁰
 * below k = −1021). The thresholds on |a| are fdlibm's tests of its high word, as doubles.
 * PostgreSQL refuses a product that underflows: there a < −708.39 (k < −1021, e^a < 2⁻¹⁰²²: a
 * churn probability below 1e−307, which no fitted model gives) may fail with "underflow".
 */
export function expSql(from: string, a: string, dl: Dialect): string {
  const d = (x: number) => doubleSql(x, dl);
  const ln2Hi = 6.9314718036912381649e-1, ln2Lo = 1.90821492927058770002e-10, invLn2 = 1.442695040888963387;
  const [p1, p2, p3, p4, p5] = [1.66666666666666019037e-1, -2.77777777770155933842e-3, 6.61375632143793436117e-5, -1.6533902205465251539e-6, 4.13813679705723846039e-8];
  const halfLn2 = d(wordsToDouble(0x3fd62e43, 0)), threeHalvesLn2 = d(wordsToDouble(0x3ff0a2b2, 0)), tiny = d(2 ** -28), under = d(-7.4513321910194110842e2);
  const abs = `(-(${a}))`;
  const k = `SELECT q1.*, CASE WHEN ${abs} < ${halfLn2} THEN ${d(0)} WHEN ${abs} < ${threeHalvesLn2} THEN ${d(-1)} ELSE trunc(${d(invLn2)} * ${a} + ${d(-0.5)}) END AS __ek FROM (${from}${dl.fence}) q1`;
  const hiLo = `SELECT q2.*,
    CASE WHEN ${abs} < ${halfLn2} THEN ${a} WHEN ${abs} < ${threeHalvesLn2} THEN ${a} - ${d(-ln2Hi)} ELSE ${a} - __ek * ${d(ln2Hi)} END AS __ehi,
    CASE WHEN ${abs} < ${halfLn2} THEN ${d(0)} WHEN ${abs} < ${threeHalvesLn2} THEN ${d(-ln2Lo)} ELSE __ek * ${d(ln2Lo)} END AS __elo FROM (${k}${dl.fence}) q2`;
  const r = `SELECT q3.*, CASE WHEN ${abs} < ${halfLn2} THEN ${a} ELSE __ehi - __elo END AS __er FROM (${hiLo}${dl.fence}) q3`;
  // (unused below 2⁻²⁸, where r² could underflow, an error on PostgreSQL)
  const t = `SELECT q4.*, CASE WHEN ${abs} < ${tiny} THEN ${d(0)} ELSE __er * __er END AS __et FROM (${r}${dl.fence}) q4`;
  const c = `SELECT q5.*, __er - __et * (${d(p1)} + __et * (${d(p2)} + __et * (${d(p3)} + __et * (${d(p4)} + __et * ${d(p5)})))) AS __ec FROM (${t}${dl.fence}) q5`;
  const two = (n: string) => `power(${d(2)}, ${n})`;
  const y = `(${d(1)} - ((__elo - (__er * __ec) / (${d(2)} - __ec)) - __ehi))`;
  return `SELECT q6.*, CASE WHEN ${a} < ${under} THEN ${d(0)} WHEN ${abs} < ${tiny} THEN ${d(1)} + ${a}
    WHEN __ek = 0 THEN ${d(1)} - ((__er * __ec) / (__ec - ${d(2)}) - __er)
    WHEN __ek >= -1021 THEN ${y} * ${two("__ek")} ELSE ${y} * ${two("__ek + 1000")} * ${d(2 ** -1000)} END AS __e FROM (${c}${dl.fence}) q6`;
}

/** `SELECT *, probability FROM (from)`: the logistic link of the column `__z`, with the branches
 * of the JavaScript sigmoid (1/(1 + e^−z) for z ≥ 0, e^z/(1 + e^z) below) and its exp (expSql). */
export function sigmoidSql(from: string, dl: Dialect): string {
  const a = `SELECT q0.*, CASE WHEN __z >= 0 THEN -__z ELSE __z END AS __a FROM (${from}${dl.fence}) q0`;
  return `SELECT l.*, CASE WHEN __z >= 0 THEN 1 / (1 + __e) ELSE __e / (1 + __e) END AS probability FROM (${expSql(a, "__a", dl)}${dl.fence}) l`;
}

/** Columns of the top reasons `probabilitySql` adds (logistic): reason_k, reason_k_value, reason_k_contribution. */
export const reasonSlots = [1, 2, 3] as const;

/**
 * `SELECT` of the `keep` columns of `relation` (a table or a parenthesised query with the model's
 * feature columns) and `probability`, the model's churn probability of each row. With `reasons`
 * (logistic models only), also the three top reasons of pipeline.ts `reasonPicker`: per source
 * column the sum of its features' contributions β_std·(x − mean)/sd (0 where sd = 0), added in
 * feature order from 0; the columns whose sum exceeds 1e-12, largest first, ties by the rank of
 * the column's name (localeCompare, then first appearance) — reason_k (the column),
 * reason_k_value (its raw value as text) and reason_k_contribution, null past the last reason.
 */
export function probabilitySql(model: Trained, enc: Encoder, types: Record<string, ValueType>, relation: string, keep: readonly string[], dl: Dialect, reasons = false): string {
  if (reasons && !model.logistic) throw new Error("reasons in SQL are written for logistic models only");
  const x = encodedSql(enc, types, dl);
  const names = x.map((_, j) => `__x${j}`);
  const cols = (alias: string) => keep.map((c) => `${alias}.${quoteIdent(c)}`);
  const encoded = `SELECT ${[...cols("f"), ...x.map((e, j) => `${e} AS ${names[j]}`)].join(", ")} FROM ${relation} f`;
  // Source columns in order of first appearance, and the rank of their names (reasonPicker's ties).
  const columns: string[] = [];
  for (const f of enc.features) if (!columns.includes(f.column)) columns.push(f.column);
  const rank = columns.map((_, c) => c).sort((a, b) => columns[a]!.localeCompare(columns[b]!) || a - b);
  const rankOf = new Map(rank.map((c, r) => [c, r]));
  const sums = !reasons
    ? []
    : columns.map((column, c) => {
        const m = model.logistic!;
        let sum = doubleSql(0, dl);
        enc.features.forEach((f, j) => {
          if (f.column !== column) return;
          const term = m.sd[j]! > 0 ? `(${doubleSql(m.betaStd[j + 1]!, dl)} * (e.${names[j]} - ${doubleSql(m.mean[j]!, dl)})) / ${doubleSql(m.sd[j]!, dl)}` : doubleSql(0, dl);
          sum = `${sum} + ${term}`;
        });
        return `${sum} AS __s${c}`;
      });
  const z = `SELECT ${[...cols("e"), `${logOddsSql(model, names.map((n) => `e.${n}`), dl)} AS __z`, ...sums].join(", ")} FROM (${encoded}${dl.fence}) e`;
  if (!reasons) return `SELECT ${[...cols("s"), "s.probability"].join(", ")} FROM (${sigmoidSql(z, dl)}) s`;
  // Each column's place among the positive sums (1 = the largest).
  const tiny = doubleSql(1e-12, dl);
  const place = columns.map((_, c) => {
    const beaten = columns.flatMap((_, d) => (d === c ? [] : [`CASE WHEN s.__s${d} > ${tiny} AND (s.__s${d} > s.__s${c} OR (s.__s${d} = s.__s${c} AND ${rankOf.get(d)! < rankOf.get(c)! ? "TRUE" : "FALSE"})) THEN 1 ELSE 0 END`]));
    return `${["1", ...beaten].join(" + ")} AS __r${c}`;
  });
  const ranked = `SELECT s.*, ${place.join(", ") || "1 AS __r"} FROM (${z}${dl.fence}) s`;
  const pick = (k: number, value: (c: number) => string) => `CASE ${columns.map((_, c) => `WHEN r.__s${c} > ${tiny} AND r.__r${c} = ${k} THEN ${value(c)}`).join(" ")} END`;
  const slots = reasonSlots.flatMap((k) =>
    columns.length === 0
      ? [`CAST(NULL AS VARCHAR) AS reason_${k}`, `CAST(NULL AS VARCHAR) AS reason_${k}_value`, `CAST(NULL AS ${dl.types.number}) AS reason_${k}_contribution`]
      : [`${pick(k, (c) => quoteLiteral(columns[c]!))} AS reason_${k}`, `${pick(k, (c) => `CAST(r.${quoteIdent(columns[c]!)} AS VARCHAR)`)} AS reason_${k}_value`, `${pick(k, (c) => `r.__s${c}`)} AS reason_${k}_contribution`],
  );
  return `SELECT ${[...cols("r"), "r.probability", ...slots].join(", ")} FROM (${sigmoidSql(ranked, dl)}) r`;
}
