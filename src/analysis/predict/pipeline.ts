// The prediction pipeline shared by churn-model, risk-list, playbook and customer-card:
// where the training and scoring rows come from (event data with cutoffs, or a flat
// `customers` table with a `churned` label), encoding, model fitting, out-of-fold
// predictions, and per-customer reasons.

import { ChurnbookError } from "../../util/errors.js";
import { formatNumber } from "../../util/format.js";
import type { AnalysisContext, Locale, Row, Value } from "../types.js";
import { encodeRows, fitEncoder, type Encoder } from "./encode.js";
import { attributeColumns, featureSql, hasEventData, meanImputed, populationColumn, trainingCutoffs } from "./features.js";
import { applyBins, fitGbdt, gbdtContributions, predictGbdt, type GbdtModel } from "./gbdt.js";
import { exclusionNote, screenColumns, type ExcludedColumn } from "./leakage.js";
import { fitLogistic, logisticContributions, predictLogistic, type LogisticModel } from "./logistic.js";
import { splitFold, takeLabels, takeRows } from "./validation.js";
import { msg } from "../../locales/index.js";
import { dialectOf } from "../../data/dialects/index.js";

export const modelKinds = ["logistic", "gbdt"] as const;
export type ModelKind = (typeof modelKinds)[number];
export type Source = "events" | "flat";

export interface ModelOptions {
  l2: number;
  rounds: number;
  depth: number;
  learningRate: number;
  minLeaf: number;
  seed: number;
}

export const defaultModelOptions: ModelOptions = { l2: 0, rounds: 300, depth: 3, learningRate: 0.1, minLeaf: 50, seed: 42 };

export function parseModels(s: string): ModelKind[] {
  const out: ModelKind[] = [];
  for (const part of String(s).split(",").map((t) => t.trim().toLowerCase()).filter(Boolean)) {
    if (!(modelKinds as readonly string[]).includes(part)) {
      throw new ChurnbookError("bad-param", `param "models": unknown model "${part}"`, { hint: `models are ${modelKinds.join(", ")} (comma-separated)` });
    }
    if (!out.includes(part as ModelKind)) out.push(part as ModelKind);
  }
  if (out.length === 0) throw new ChurnbookError("bad-param", `param "models" is empty`, { hint: `models are ${modelKinds.join(", ")}` });
  return out;
}

/** Event data for the churn basis when present, else the flat customers table with `churned`. */
export function resolveSource(ctx: Pick<AnalysisContext, "churn" | "fields">, wanted: "auto" | Source = "auto"): Source {
  const events = hasEventData(ctx);
  const flat = (ctx.fields.customers ?? []).includes("churned");
  if (wanted === "events" || (wanted === "auto" && events)) {
    if (!events) {
      throw new ChurnbookError("missing-role", `event data for the churn basis "${ctx.churn.kind}" is missing`, {
        hint: ctx.churn.kind === "subscriptions" ? "map a subscriptions dataset (customer_id, start_date, end_date)" : "map a transactions dataset (customer_id, date)",
      });
    }
    return "events";
  }
  if (!flat) {
    throw new ChurnbookError("missing-field", `churn prediction needs event data (${ctx.churn.kind === "subscriptions" ? "subscriptions" : "transactions"}) or a customers dataset with a "churned" field`, {
      hint: "map --map customers.churned=<column> for a flat table such as Telco",
    });
  }
  return "flat";
}

export interface SourceSpec {
  source: Source;
  horizonDays: number;
  cutoffs: number;
  /** Cap on the training rows: beyond it a seeded sample stratified by label (features.ts). */
  limit?: number;
  /** Seed of that sample. */
  seed?: number;
  customerId?: string;
}

/** Reductions: `train` (rows with label) and `score` (rows at the as-of date `asOf`, the day after the period). */
export function predictionReductions(spec: SourceSpec, asOf: string, ctx: Pick<AnalysisContext, "churn" | "fields"> & Partial<Pick<AnalysisContext, "dialect">>): Record<string, string> {
  if (spec.source === "flat") return { customers: `SELECT * FROM customers ORDER BY ${dialectOf(ctx).rowOrder}` };
  return {
    train: featureSql(ctx, { cutoffs: trainingCutoffs(asOf, spec.horizonDays, spec.cutoffs), asOf, horizonDays: spec.horizonDays, limit: spec.limit, seed: spec.seed }),
    score: featureSql(ctx, { cutoffs: [asOf], asOf, horizonDays: null, customerId: spec.customerId }),
  };
}

export interface Prepared {
  source: Source;
  train: Row[];
  /** Training rows before sampling (features.ts): train.length when the sample kept them all. */
  population: number;
  y: Float64Array;
  /** Customer id of each training row (the k-fold groups). */
  groups: string[];
  /** Cutoff of each training row ("" for flat data). */
  cutoffs: string[];
  /** Rows to score: active customers at the period end (events) or every customer (flat). */
  score: Row[];
  /** For flat data: whether each scoring row is churned already. */
  scoreChurned: boolean[];
  /** Feature source columns (without the excluded ones). */
  columns: string[];
  /** Attribute columns left out: identifiers and columns restating the label (leakage.ts). */
  excluded: ExcludedColumn[];
}

function truthy(v: Value): boolean | null {
  if (v === null) return null;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  const t = v.trim().toLowerCase();
  if (["yes", "true", "y", "1"].includes(t)) return true;
  if (["no", "false", "n", "0"].includes(t)) return false;
  return null;
}

export function prepare(data: Record<string, Row[]>, source: Source, ctx: Pick<AnalysisContext, "fields">): Prepared {
  if (source === "flat") {
    const all = (data.customers ?? []).filter((r) => r.customer_id !== null);
    const labelled = all.filter((r) => truthy(r.churned ?? null) !== null);
    const y = Float64Array.from(labelled, (r) => (truthy(r.churned ?? null) ? 1 : 0));
    const groups = labelled.map((r) => String(r.customer_id));
    const columns = attributeColumns(ctx.fields.customers);
    const excluded = screenColumns(labelled, columns, y, groups);
    return {
      source,
      train: labelled,
      population: labelled.length,
      y,
      groups,
      cutoffs: labelled.map(() => ""),
      score: all,
      scoreChurned: all.map((r) => truthy(r.churned ?? null) === true),
      columns: columns.filter((c) => !excluded.some((e) => e.column === c)),
      excluded,
    };
  }
  const train = data.train ?? [];
  const score = data.score ?? [];
  const first = train[0] ?? score[0];
  const columns = first ? Object.keys(first).filter((c) => c !== "customer_id" && c !== "cutoff" && c !== "label" && c !== populationColumn) : [];
  const y = Float64Array.from(train, (r) => Number(r.label ?? 0));
  const groups = train.map((r) => String(r.customer_id));
  // Only the customers table's attributes are screened: event features are dated before the cutoff.
  const attributes = new Set(attributeColumns(ctx.fields.customers));
  const excluded = screenColumns(train, columns.filter((c) => attributes.has(c)), y, groups);
  return {
    source,
    train,
    population: train.length ? Number(train[0]![populationColumn] ?? train.length) : 0,
    y,
    groups,
    cutoffs: train.map((r) => String(r.cutoff)),
    score,
    scoreChurned: score.map(() => false),
    columns: columns.filter((c) => !excluded.some((e) => e.column === c)),
    excluded,
  };
}

/**
 * Notes on what the model left out or could not estimate, in the report's language: excluded
 * columns (leakage.ts) and, for a logistic fit, separation (with its L2 fallback) or no convergence.
 */
export function modelNotes(prep: Prepared, model: Trained | null, enc: Encoder | null, locale: Locale, seed?: number): string[] {
  const ex = exclusionNote(prep.excluded, locale, (c) => columnLabel(c, locale));
  const sample = prep.population > prep.train.length ? [msg(locale).model.trainingSample(prep.train.length, prep.population, seed ?? 0)] : [];
  return [...sample, ...(ex ? [ex] : []), ...(model && enc ? fitNotes(model, enc, locale) : [])];
}

/** Separation (with its L2 fallback) or no convergence of a logistic fit, in the report's language. */
export function fitNotes(model: Trained, enc: Encoder, locale: Locale): string[] {
  const notes: string[] = [];
  const m = model.logistic;
  if (m && m.status === "separated") {
    const names = [...new Set(m.separated.map((j) => featureLabel(enc.features[j]!.name, locale)))];
    notes.push(msg(locale).model.separated(names, m.l2));
  } else if (m && !m.converged) {
    notes.push(msg(locale).model.notConverged);
  }
  return notes;
}

export interface Design {
  encoder: Encoder;
  x: Float64Array;
  n: number;
  p: number;
}

export function design(prep: Prepared): Design {
  const encoder = fitEncoder(prep.train, prep.columns, { meanImpute: meanImputed });
  return { encoder, x: encodeRows(encoder, prep.train), n: prep.train.length, p: encoder.features.length };
}

export interface Trained {
  kind: ModelKind;
  logistic?: LogisticModel;
  gbdt?: GbdtModel;
  predict(x: Float64Array, n: number): Float64Array;
  /** Per-feature contributions to the log-odds of row i of x. */
  contributions(x: Float64Array, i: number): Float64Array;
}

export function train(kind: ModelKind, x: Float64Array, y: ArrayLike<number>, n: number, p: number, o: ModelOptions): Trained {
  if (kind === "logistic") {
    const m = fitLogistic(x, y, n, p, { l2: o.l2 });
    return { kind, logistic: m, predict: (xx, nn) => predictLogistic(m, xx, nn), contributions: (xx, i) => logisticContributions(m, xx, i) };
  }
  const m = fitGbdt(x, y, n, p, { rounds: o.rounds, depth: o.depth, learningRate: o.learningRate, minLeaf: o.minLeaf, seed: o.seed, patience: 20 });
  return {
    kind,
    gbdt: m,
    predict: (xx, nn) => predictGbdt(m, xx, nn),
    contributions: (xx, i) => gbdtContributions(m, applyBins(m.binning, xx.subarray(i * p, i * p + p), 1)),
  };
}

/** Out-of-fold probabilities; also returns the model of the first fold and its test rows. */
export function outOfFold(kind: ModelKind, d: Design, y: Float64Array, folds: Int32Array, k: number, o: ModelOptions): { oof: Float64Array; first: { model: Trained; test: number[] } | null } {
  const oof = new Float64Array(d.n).fill(NaN);
  let first: { model: Trained; test: number[] } | null = null;
  for (let f = 0; f < k; f++) {
    const { train: tr, test } = splitFold(folds, f);
    if (test.length === 0 || tr.length === 0) continue;
    const model = train(kind, takeRows(d.x, d.p, tr), takeLabels(y, tr), tr.length, d.p, { ...o, seed: o.seed + f });
    const pr = model.predict(takeRows(d.x, d.p, test), test.length);
    test.forEach((i, j) => (oof[i] = pr[j]!));
    if (!first) first = { model, test };
  }
  return { oof, first };
}

// ---- labels -------------------------------------------------------------------------------

/** Localised label of a source column (attributes without a label keep their name). */
export function columnLabel(column: string, locale: Locale): string {
  const names = msg(locale).model.columns;
  return Object.hasOwn(names, column) ? names[column as keyof typeof names] : column;
}

/** Localised label of a feature (column=level → "label = level"). */
export function featureLabel(name: string, locale: Locale): string {
  const eq = name.indexOf("=");
  return eq < 0 ? columnLabel(name, locale) : `${columnLabel(name.slice(0, eq), locale)} = ${name.slice(eq + 1)}`;
}

/** Columns whose reasons point at price (for the playbook's price-sensitive rule). */
export const priceColumn = (c: string) => /mrr|price|charge|fee|amount|monetary/i.test(c);

export interface Reason {
  column: string;
  /** Σ of the contributions of the column's features to the log-odds. */
  contribution: number;
  text: string;
}

/**
 * The top k reasons for row i: contributions grouped by source column (one-hot levels summed),
 * only those raising the risk (> 0), largest first (ties: column name). Text: "label: value".
 */
export function topReasons(model: Trained, enc: Encoder, x: Float64Array, i: number, row: Row, locale: Locale, k = 3): Reason[] {
  return reasonPicker(model, enc, locale, k)(x, i, row);
}

/**
 * `topReasons` for many rows of one model: the grouping of features by source column and the
 * order of the column names are worked out once, and each row sums into one reused buffer.
 */
export function reasonPicker(model: Trained, enc: Encoder, locale: Locale, k = 3): (x: Float64Array, i: number, row: Row) => Reason[] {
  const columns: string[] = [];
  const slot = new Map<string, number>();
  const columnOf = Int32Array.from(enc.features, (f) => {
    let c = slot.get(f.column);
    if (c === undefined) slot.set(f.column, (c = columns.push(f.column) - 1));
    return c;
  });
  // Ties between equal sums: by column name (localeCompare), then first appearance — the order a
  // stable sort by (sum, name) of the columns in order of first appearance gives.
  const rank = new Int32Array(columns.length);
  columns.map((_, c) => c).sort((a, b) => columns[a]!.localeCompare(columns[b]!) || a - b).forEach((c, r) => (rank[c] = r));
  const sums = new Float64Array(columns.length);
  return (x, i, row) => {
    const contributions = model.contributions(x, i);
    sums.fill(0);
    for (let j = 0; j < contributions.length; j++) sums[columnOf[j]!]! += contributions[j]!;
    const top: number[] = [];
    for (let c = 0; c < sums.length; c++) {
      if (!(sums[c]! > 1e-12)) continue;
      let at = top.length;
      while (at > 0 && (sums[top[at - 1]!]! < sums[c]! || (sums[top[at - 1]!]! === sums[c]! && rank[top[at - 1]!]! > rank[c]!))) at--;
      if (at < k) {
        top.splice(at, 0, c);
        if (top.length > k) top.pop();
      }
    }
    return top.map((c) => {
      const column = columns[c]!;
      return { column, contribution: sums[c]!, text: msg(locale).labelled(columnLabel(column, locale), formatValue(row[column] ?? null, locale)) };
    });
  };
}

/** A feature value for a reason text, in the report's number format (12.3万 / 123K for large values). */
export function formatValue(v: Value, locale: Locale = "en-US"): string {
  if (typeof v === "number") return formatNumber(v, locale, { compact: Math.abs(v) >= 10_000, digits: Number.isInteger(v) ? 0 : 2 });
  return v === null ? "—" : String(v);
}

/**
 * Annual value of a scoring row: value_12m (events: trailing 12-month margin, or MRR × 12);
 * flat data: `valueField` when given, else the first of value_12m, mrr, monthly_charges found
 * (names compared without case and punctuation), monthly amounts × 12. Null when none.
 */
export function annualValueField(columns: readonly string[], valueField: string): { column: string; factor: number } | null {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const find = (name: string) => columns.find((c) => norm(c) === norm(name));
  const monthly = (c: string) => /mrr|monthly/i.test(norm(c));
  if (valueField) {
    const c = find(valueField);
    if (!c) throw new ChurnbookError("bad-param", `param "value_field": no column "${valueField}"`, { hint: `columns: ${columns.join(", ")}` });
    return { column: c, factor: monthly(c) ? 12 : 1 };
  }
  for (const name of ["value_12m", "mrr", "monthly_charges", "monthly_value"]) {
    const c = find(name);
    if (c) return { column: c, factor: name === "value_12m" ? 1 : 12 };
  }
  return null;
}

export function numberOrNull(v: Value | undefined): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === "number" ? v : Number(String(v).trim() || NaN);
  return Number.isFinite(n) ? n : null;
}
