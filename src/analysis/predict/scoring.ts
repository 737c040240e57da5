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
import type { AnalysisInfo, AnalysisContext, Locale, Product, ProductNeed, Row } from "../types.js";
import { encodeRows } from "./encode.js";
import { compareMoney, moneySign } from "../money.js";
import { msg } from "../../locales/index.js";
import { annualValueField, defaultModelOptions, design, modelNotes, numberOrNull, predictionReductions, prepare, reasonPicker, resolveSource, train, type ModelKind, type ModelOptions, type Reason, type Source } from "./pipeline.js";

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
  /** The customer's feature row (raw values). */
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

export interface ScoreResult {
  scored: Scored[];
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

/**
 * The churn model of a report: the final model trained on past cutoffs and the active base it
 * scores (unsorted). risk-list and playbook ask for it with the same params in one report, and
 * the runner computes it once per run (analysis/run.ts).
 */
export const churnModel: Product<ChurnModelParams, ScoreResult> = {
  id: "churn-model",
  reductions: (q, ctx) => predictionReductions({ source: q.options.source, horizonDays: q.horizonDays, cutoffs: q.cutoffs, limit: q.limit, seed: q.options.options.seed }, ctx.period.end, ctx),
  compute: (data, q, ctx) => scoreBase(data, q.options, ctx),
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

/** Trains the final model and scores the active customers (unsorted). */
export function scoreBase(data: Record<string, Row[]>, o: ScoreOptions, ctx: AnalysisContext): ScoreResult {
  const L = ctx.locale;
  const prep = prepare(data, o.source, ctx);
  const notes: string[] = [];
  const churners = prep.y.reduce((a, b) => a + b, 0);
  const active = prep.score.filter((_, i) => !prep.scoreChurned[i]);
  if (prep.train.length === 0 || churners === 0 || churners === prep.train.length) {
    notes.push(msg(L).model.notEnoughTraining);
    return { scored: [], trainingRows: prep.train.length, churners, valueBasis: null, notes };
  }
  const d = design(prep);
  const model = train(o.model, d.x, prep.y, d.n, d.p, o.options);
  notes.push(...modelNotes(prep, model, d.encoder, L, o.options.seed));
  const xs = encodeRows(d.encoder, active);
  const pr = model.predict(xs, active.length);
  const columns = o.source === "flat" ? prep.columns : Object.keys(active[0] ?? prep.train[0] ?? {});
  const vf = annualValueField(columns, o.valueField);
  const values = active.map((r) => {
    if (!vf) return null;
    const v = numberOrNull(r[vf.column]);
    return v === null ? null : v * vf.factor;
  });
  const threshold = o.mvcThreshold !== undefined ? o.mvcThreshold : mvcThreshold(values, ctx.currency);
  const reasons = reasonPicker(model, d.encoder, L);
  const scored: Scored[] = active.map((row, i) => {
    const v = values[i]!;
    return {
      customer_id: String(row.customer_id),
      probability: pr[i]!,
      annual_value: v,
      value_at_risk: v === null ? null : pr[i]! * v,
      value_class: classifyValue(v, isGrowing(row, ctx.currency), threshold, ctx.currency),
      reasons: reasons(xs, i, row),
      row,
    };
  });
  let valueBasis: string | null = null;
  if (vf) {
    valueBasis = vf.column === "value_12m" ? msg(L).model.valueBasis12m : msg(L).model.valueBasisColumn(vf.column, vf.factor === 12);
  } else notes.push(msg(L).model.noValueField);
  return { scored, trainingRows: d.n, churners, valueBasis, notes };
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
