// Scoring the active base with one final model: probability, annual value, value at risk,
// value class and the top reasons of each customer. Shared by risk-list, playbook and
// customer-card.
//
// Value classes (seed 002), over the scored customers with a known annual value:
// - bzc (negative value): annual value < 0;
// - mvc (most valuable): annual value > 0 and at least the value of the customer ranked
//   ⌈20% · m⌉ among the m customers with a positive value (the top fifth, ties included);
// - mgc (most growable): other positive values with growth — revenue_trend_90d > 0 or
//   mrr_change_90d > 0 (when those features exist);
// - standard: the rest (value ≥ 0); unknown: no value.

import { Type } from "@sinclair/typebox";
import { fnv1a64 } from "../../util/hash.js";
import type { AnalysisInfo, AnalysisContext, Locale, Product, ProductNeed, Row } from "../types.js";
import { encodeRows, type Encoder } from "./encode.js";
import { compareMoney, moneySign, moneyTolerance } from "../money.js";
import { quoteIdent } from "../../data/engine.js";
import { dialectOf } from "../../data/dialects/index.js";
import { populationColumn } from "./features.js";
import { doubleSql, numberSql, probabilitySql, reasonSlots, valueTypes, type ValueType } from "./score-sql.js";
import { msg } from "../../locales/index.js";
import { annualValueField, columnLabel, defaultModelOptions, design, formatValue, modelNotes, numberOrNull, predictionReductions, prepare, reasonPicker, resolveSource, train, type ModelKind, type ModelOptions, type Reason, type Source, type Trained } from "./pipeline.js";

export const valueClasses = ["mvc", "mgc", "standard", "bzc", "unknown"] as const;
export type ValueClass = (typeof valueClasses)[number];

export function valueClassLabel(c: ValueClass, locale: Locale): string {
  return msg(locale).model.valueClasses[c];
}

/** The value of the customer ranked ⌈20%·m⌉ among positive values (null when none). Money
 * signs are decided within half a minor currency unit (money.ts). */
export function mvcThreshold(values: readonly (number | null)[], currency = "USD"): number | null {
  const pos = values.filter((v): v is number => v !== null && moneySign(v, currency) > 0).sort((a, b) => b - a);
  if (pos.length === 0) return null;
  return pos[Math.max(0, Math.ceil(0.2 * pos.length) - 1)]!;
}

export function classifyValue(value: number | null, growing: boolean, threshold: number | null, currency = "USD"): ValueClass {
  if (value === null) return "unknown";
  const sign = moneySign(value, currency);
  if (sign < 0) return "bzc";
  if (sign > 0 && threshold !== null && compareMoney(value, threshold, currency) >= 0) return "mvc";
  if (sign > 0 && growing) return "mgc";
  return "standard";
}

export function isGrowing(row: Row, currency = "USD"): boolean {
  return moneySign(numberOrNull(row.revenue_trend_90d), currency) > 0 || moneySign(numberOrNull(row.mrr_change_90d), currency) > 0;
}

export interface Scored {
  customer_id: string;
  probability: number;
  annual_value: number | null;
  value_at_risk: number | null;
  value_class: ValueClass;
  reasons: Reason[];
  /** The customer's feature row (raw values): the columns the query asked for. */
  row: Row;
}

export interface ScoreOptions {
  source: Source;
  model: ModelKind;
  valueField: string;
  options: ModelOptions;
  /** Thresholds for the value classes; default: from the scored customers themselves. */
  mvcThreshold?: number | null;
}

/**
 * The scored active base, a table in the engine (the runner creates it from `select`): one row
 * per scored customer with customer_id (text), probability, annual_value, value_at_risk,
 * value_class, rank (by value at risk descending, unknown last, ties by customer_id), for
 * logistic models the top reasons (score-sql.ts reasonSlots), and the feature row as "f:<column>".
 */
export interface ScoredBase {
  table: string;
  select: string;
  model: Trained;
  encoder: Encoder;
  /** The feature row's columns (in the table as "f:<column>") and what JavaScript receives for each. */
  columns: string[];
  types: Record<string, ValueType>;
  /** Whether the table holds the top reasons (logistic); else they are computed for the rows fetched. */
  reasonsInTable: boolean;
}

export interface ScoreResult {
  /** Null when the model could not be trained (notes say why). */
  base: ScoredBase | null;
  trainingRows: number;
  churners: number;
  /** How the annual value was obtained, for the reader. */
  valueBasis: string | null;
  notes: string[];
}

/** What the churn model is trained and scored with: where the rows come from, and the model. */
export interface ChurnModelParams {
  horizonDays: number;
  cutoffs: number;
  /** Cap on the training rows (train_sample; none: all): beyond it a seeded sample stratified by label. */
  limit?: number;
  options: ScoreOptions;
}

const sourceSpec = (q: ChurnModelParams) => ({ source: q.options.source, horizonDays: q.horizonDays, cutoffs: q.cutoffs, limit: q.limit, seed: q.options.options.seed });

/**
 * The churn model of a report: the final model trained on past cutoffs, and the active base it
 * scores as a table in the engine. risk-list and playbook ask for it with the same params in one
 * report, and the runner computes it once per run (analysis/run.ts). Only the training rows (a
 * sample of at most train_sample) come into JavaScript.
 */
export const churnModel: Product<ChurnModelParams, ScoreResult> = {
  id: "churn-model",
  reductions: (q, ctx) => {
    const r = predictionReductions(sourceSpec(q), ctx.period.end, ctx);
    return q.options.source === "flat" ? r : { train: r.train! };
  },
  compute: (data, q, ctx) => scoreBase(data, q, ctx),
  tables: (value) => (value.base ? { [value.base.table]: value.base.select } : {}),
};

/** The churn-model product a scoring analysis asks for, from its params. */
export function churnModelNeed(p: ScoringParams, ctx: Pick<AnalysisContext, "churn" | "fields">): ProductNeed<ChurnModelParams, ScoreResult> {
  const source = resolveSource(ctx, p.source);
  return { product: churnModel, params: { horizonDays: p.horizon_days, cutoffs: p.cutoffs, limit: p.train_sample || undefined, options: scoreOptions(p, source) } };
}

/** The churn model's value among an analysis's products (the runner always computes it). */
export function churnModelOf(products: Record<string, unknown> | undefined): ScoreResult {
  const m = products?.[churnModel.id];
  if (!m) throw new Error(`the runner did not compute the "${churnModel.id}" product`);
  return m as ScoreResult;
}

/** Trains the final model and writes the SQL of the scored active base (see ScoredBase). */
export function scoreBase(data: Record<string, Row[]>, q: ChurnModelParams, ctx: AnalysisContext): ScoreResult {
  const L = ctx.locale, o = q.options, dl = dialectOf(ctx);
  const prep = prepare(data, o.source, ctx);
  const notes: string[] = [];
  const churners = prep.y.reduce((a, b) => a + b, 0);
  if (prep.train.length === 0 || churners === 0 || churners === prep.train.length) {
    notes.push(msg(L).model.notEnoughTraining);
    return { base: null, trainingRows: prep.train.length, churners, valueBasis: null, notes };
  }
  const d = design(prep);
  const model = train(o.model, d.x, prep.y, d.n, d.p, o.options);
  notes.push(...modelNotes(prep, model, d.encoder, L, o.options.seed));
  // The rows to score: the active customers at the as-of date (events), or the customers not yet
  // churned (flat: churned not true in pipeline.ts's reading of yes/no, true/false, 1/0).
  const rowColumns = Object.keys(prep.train[0]!).filter((c) => o.source === "flat" || (c !== "label" && c !== populationColumn));
  const types = valueTypes(prep.train, rowColumns);
  let relation: string;
  if (o.source === "flat") {
    const churned = quoteIdent("churned");
    const isTrue = types.churned === "boolean" ? churned : types.churned === "number" ? `${churned} <> 0` : `lower(trim(CAST(${churned} AS VARCHAR))) IN ('yes', 'true', 'y', '1')`;
    relation = `(SELECT * FROM ${dl.table("customers")} WHERE customer_id IS NOT NULL AND NOT COALESCE(${isTrue}, FALSE))`;
  } else {
    relation = `(${predictionReductions(sourceSpec(q), ctx.period.end, ctx).score!})`;
  }
  const vf = annualValueField(o.source === "flat" ? prep.columns : rowColumns, o.valueField);
  const reasonsInTable = model.kind === "logistic";
  const scored = probabilitySql(model, d.encoder, types, relation, rowColumns, dl, reasonsInTable);
  const tol = doubleSql(moneyTolerance(ctx.currency), dl);
  const value = vf ? `${numberSql(vf.column, types[vf.column] ?? "number", dl)} * ${doubleSql(vf.factor, dl)}` : `CAST(NULL AS ${dl.types.number})`;
  const grows = ["revenue_trend_90d", "mrr_change_90d"].filter((c) => rowColumns.includes(c)).map((c) => `COALESCE(${numberSql(c, types[c] ?? "number", dl)} >= ${tol}, FALSE)`);
  const threshold =
    o.mvcThreshold !== undefined
      ? `SELECT ${o.mvcThreshold === null ? `CAST(NULL AS ${dl.types.number})` : doubleSql(o.mvcThreshold, dl)} AS t`
      : // mvcThreshold: the value ranked ⌈20%·m⌉ among the m positive values (0.2·m as a double, as in JavaScript)
        `SELECT MIN(v) AS t FROM (SELECT __v AS v, ROW_NUMBER() OVER (ORDER BY __v DESC) AS k, COUNT(*) OVER () AS m FROM valued WHERE __v >= ${tol}) x WHERE k <= GREATEST(1, CEIL(${doubleSql(0.2, dl)} * m))`;
  // classifyValue, with money signs within half a minor unit: v ≤ −tol negative, v ≥ tol positive,
  // v at least the threshold when v − t > −tol.
  const valueClass = `CASE WHEN v.__v IS NULL THEN 'unknown' WHEN v.__v <= -${tol} THEN 'bzc'
    WHEN v.__v >= ${tol} AND th.t IS NOT NULL AND v.__v - th.t > -${tol} THEN 'mvc'
    WHEN v.__v >= ${tol} AND v.__g THEN 'mgc' ELSE 'standard' END`;
  const reasonColumns = reasonsInTable ? reasonSlots.flatMap((k) => [`reason_${k}`, `reason_${k}_value`, `reason_${k}_contribution`]) : [];
  const select = `WITH scored AS (${scored}),
    valued AS (SELECT s.*, ${value} AS __v, ${grows.join(" OR ") || "FALSE"} AS __g FROM scored s),
    th AS (${threshold}),
    classed AS (SELECT CAST(v.customer_id AS VARCHAR) AS customer_id, v.probability, v.__v AS annual_value, v.probability * v.__v AS value_at_risk, ${valueClass} AS value_class,
      ${[...reasonColumns.map((c) => `v.${c}`), ...rowColumns.map((c) => `v.${quoteIdent(c)} AS ${quoteIdent(`f:${c}`)}`)].join(", ")}
      FROM valued v CROSS JOIN th)
    SELECT c.*, ROW_NUMBER() OVER (ORDER BY c.value_at_risk DESC NULLS LAST, c.customer_id) AS rank FROM classed c`;
  let valueBasis: string | null = null;
  if (vf) {
    valueBasis = vf.column === "value_12m" ? msg(L).model.valueBasis12m : msg(L).model.valueBasisColumn(vf.column, vf.factor === 12);
  } else notes.push(msg(L).model.noValueField);
  const table = `churnbook_scored_${fnv1a64(JSON.stringify([q, ctx.period, ctx.fields, ctx.currency, ctx.churn, ctx.returns ?? null]))}`;
  return { base: { table, select, model, encoder: d.encoder, columns: rowColumns, types, reasonsInTable }, trainingRows: d.n, churners, valueBasis, notes };
}

/**
 * The query of scored customers (`where`: an SQL condition or ""), in rank order (`limit`: the
 * first rows only): the scored columns, the reasons the table holds, and the feature columns
 * `features` (all when "all"; the reasons of a table without them need every column).
 */
export function scoredSql(base: ScoredBase, o: { where?: string; limit?: number; features: readonly string[] | "all" }): string {
  const wanted = o.features === "all" || !base.reasonsInTable ? base.columns : base.columns.filter((c) => o.features.includes(c));
  const reasons = base.reasonsInTable ? reasonSlots.flatMap((k) => [`reason_${k}`, `reason_${k}_value`, `reason_${k}_contribution`]) : [];
  const cols = ["customer_id", "probability", "annual_value", "value_at_risk", "value_class", "rank", ...reasons, ...wanted.map((c) => quoteIdent(`f:${c}`))];
  return `SELECT ${cols.join(", ")} FROM ${quoteIdent(base.table)}${o.where ? ` WHERE ${o.where}` : ""} ORDER BY rank${o.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(o.limit))}` : ""}`;
}

/** Scored customers from rows of `scoredSql`: the reasons from the table, or computed here for these rows. */
export function scoredRows(rows: readonly Row[], base: ScoredBase, locale: Locale): Scored[] {
  const features = rows.map((r) => {
    const row: Row = {};
    for (const c of base.columns) if (`f:${c}` in r) row[c] = r[`f:${c}`]!;
    return row;
  });
  let reasons: (i: number) => Reason[];
  if (base.reasonsInTable) {
    reasons = (i) =>
      reasonSlots.flatMap((k) => {
        const column = rows[i]![`reason_${k}`];
        if (column === null || column === undefined) return [];
        const c = String(column), text = rows[i]![`reason_${k}_value`] ?? null;
        // The raw value as JavaScript holds it: numbers read back from their text.
        const v = text === null ? null : base.types[c] === "number" ? Number(text) : String(text);
        return [{ column: c, contribution: Number(rows[i]![`reason_${k}_contribution`]), text: msg(locale).labelled(columnLabel(c, locale), formatValue(v, locale)) }];
      });
  } else {
    const xs = encodeRows(base.encoder, features);
    const pick = reasonPicker(base.model, base.encoder, locale);
    reasons = (i) => pick(xs, i, features[i]!);
  }
  return rows.map((r, i) => ({
    customer_id: String(r.customer_id),
    probability: r.probability as number,
    annual_value: (r.annual_value ?? null) as number | null,
    value_at_risk: (r.value_at_risk ?? null) as number | null,
    value_class: r.value_class as ValueClass,
    reasons: reasons(i),
    row: features[i]!,
  }));
}

/** Value at risk descending (unknown last), ties by customer_id. */
export function byValueAtRisk(a: Scored, b: Scored): number {
  const va = a.value_at_risk, vb = b.value_at_risk;
  if (va !== vb) {
    if (va === null) return 1;
    if (vb === null) return -1;
    if (vb !== va) return vb - va;
  }
  return a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0;
}

/** The params every scoring analysis shares (TypeBox properties). */
export const scoringProperties = {
  model: Type.Union([Type.Literal("logistic"), Type.Literal("gbdt")], { default: "logistic", description: "Model that scores the customers: logistic (reasons = coefficient × standardised deviation) or gbdt (reasons = tree path contributions)" }),
  horizon_days: Type.Integer({ default: 90, minimum: 1, description: "Churn within this many days after the period end" }),
  cutoffs: Type.Integer({ default: 6, minimum: 1, maximum: 60, description: "Number of past monthly cutoffs used for training (event data)" }),
  value_field: Type.String({ default: "", description: "Flat data: the column holding customer value (monthly columns such as mrr are × 12); empty = automatic" }),
  l2: Type.Number({ default: 0, minimum: 0, description: "L2 penalty of the logistic regression (0 = none)" }),
  seed: Type.Integer({ default: 42, description: "Seed of the training sample (train_sample) and of the boosted trees' validation split" }),
  source: Type.Union([Type.Literal("auto"), Type.Literal("events"), Type.Literal("flat")], { default: "auto", description: "Training data: event data with cutoffs, the flat customers table with a churned label, or auto" }),
  train_sample: Type.Integer({ default: 60000, minimum: 0, description: "At most this many training rows (customer × cutoff): beyond it the model is fitted on a sample drawn with the seed within churners and non-churners (each keeps its share), noted in the report; 0 = all. Beyond tens of thousands of rows the fit barely changes while the time grows linearly" }),
};

export interface ScoringParams {
  model: ModelKind;
  horizon_days: number;
  cutoffs: number;
  value_field: string;
  l2: number;
  seed: number;
  source: "auto" | Source;
  train_sample: number;
}

export function scoreOptions(p: ScoringParams, source: Source): ScoreOptions {
  return { source, model: p.model, valueField: p.value_field, options: { ...defaultModelOptions, l2: p.l2, seed: p.seed } };
}

/** The needs of a scoring analysis: event data or a flat customers table with churned. */
export const scoringNeeds: AnalysisInfo["needs"] = [
  [
    { role: "subscriptions", fields: ["customer_id", "start_date"], optional: ["end_date", "mrr", "plan"] },
    { role: "transactions", fields: ["customer_id", "date"], optional: ["amount", "cost"] },
    { role: "customers", fields: ["customer_id", "churned"] },
  ],
];
