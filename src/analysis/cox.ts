// Cox proportional hazards on customer attributes: which attributes shorten (hazard ratio > 1)
// or lengthen (< 1) the time to churn. Lifetimes come from survival-data.ts (one row per
// customer, built in SQL) and reach JavaScript grouped by (covariate pattern, duration, event)
// with the number of customers of each group, so the rows grow with the distinct patterns and
// durations, not with the customers; the covariates are encoded here and the model is fitted
// by stats/cox-ph.ts (Efron ties) with the counts as frequency weights — the same fit as one
// row per customer.

import { Type, type Static } from "@sinclair/typebox";
import { compareNatural, isNumberedOrdinal } from "../util/order.js";
import { attributeLabel, attributeLevelLabel } from "./attributes.js";
import type { ChartSpec } from "../charts/spec.js";
import { ChurnbookError } from "../util/errors.js";
import { quoteIdent } from "../data/engine.js";
import { coxPH } from "./stats/cox-ph.js";
import { availableAttributes, excludedLifetimesSql, excludedNote, lifetimesSql, splitList } from "./survival-data.js";
import { defineAnalysis, runContext, type Locale, type AnalysisContext, type AnalysisResult, type Localized, type Row, type Value } from "./types.js";
import { msg } from "../locales/index.js";

export const coxParams = Type.Object({
  covariates: Type.String({
    default: "",
    description: "Comma list of attributes (of lifetimes or customers) in the model; text attributes are one-hot encoded against their alphabetically first value; empty = every attribute",
  }),
  conf_level: Type.Number({ default: 0.95, exclusiveMinimum: 0, exclusiveMaximum: 1, description: "Confidence level of the hazard-ratio intervals" }),
});
export type CoxParams = Static<typeof coxParams>;

/** More distinct values than this in a text attribute is almost surely an id, not a category. */
const maxLevels = 50;

/** The column of the grouped lifetimes holding how many customers a row stands for (no attribute is named so). */
const countColumn = "__customers";

const definition: Localized = {
  "zh-CN": [
    "客户生命周期与流失事件的定义同生存分析（lifetimes 数据集，或每位客户的第一段活跃期，在报告期结束后的第一天右删失）。Cox 模型只依赖时长的先后顺序，与时间单位无关。",
    "协变量：数值属性按原值进入模型；文本属性做独热编码，以按字母顺序排在最前的取值为基准，其余每个取值一项（记为 属性=取值）。任一协变量缺失的客户不参与拟合（计入说明）。",
    "模型：风险 h(t|x) = h₀(t)·exp(xβ)。Efron 方法处理同一时长的多个流失；以 Newton–Raphson（步长减半）最大化偏对数似然，内部先对协变量中心化与标准化，结果按原尺度报告。",
    "系数 coef = β；风险比 hazard_ratio = exp(β)，大于 1 表示该属性使流失更早（生命周期更短）；se 为观测信息矩阵之逆的对角元平方根；z = β/se;p 为双侧正态 p 值；lower/upper 为风险比的置信区间 exp(β ∓ z_{1−α/2}·se)。name 为项名（属性，或 属性=取值），term 与之相同（兼容旧版）。表按 |z| 从大到小排序，相同时按名称。",
    "log_likelihood = 偏对数似然；似然比检验 lr_chi2 = 2(ℓ(β̂) − ℓ(0))，自由度 lr_df = 项数，lr_p 为 χ² 上尾概率。concordance = Harrell 一致性指数（与 lifelines 一致）：较短时长以流失结束的客户对（时长相同时一方流失、一方删失也可比），风险较高者先流失记 1，风险相同记 ½。n = 参与拟合的客户数，events = 其中的流失数。",
  ].join("\n"),
  "en-US": [
    "Customer lifetimes and churn events as in the survival analysis (a lifetimes dataset, or each customer's first activity spell, right-censored at the day after the report period). The Cox model depends only on the order of the durations, not on their unit.",
    "Covariates: numeric attributes enter as they are; text attributes are one-hot encoded against their alphabetically first value, one term per other value (named attribute=value). Customers with a missing covariate are left out of the fit (see the notes).",
    "Model: hazard h(t|x) = h₀(t)·exp(xβ), Efron's method for tied churn times, partial likelihood maximised by Newton–Raphson with step halving on centred and scaled covariates, reported on the original scale.",
    "coef = β; hazard_ratio = exp(β): above 1 the attribute brings churn sooner (shorter lifetime); se = square root of the diagonal of the inverse observed information; z = β/se; p = two-sided normal p-value; lower/upper = confidence limits of the hazard ratio exp(β ∓ z_{1−α/2}·se). name = the term (attribute, or attribute=value); term repeats it for compatibility. Rows are sorted by |z| descending, then by name.",
    "log_likelihood = partial log-likelihood; likelihood-ratio test lr_chi2 = 2(ℓ(β̂) − ℓ(0)) on lr_df = number of terms, lr_p its χ² upper tail. concordance = Harrell's C as lifelines computes it: over pairs where the shorter lifetime ended in churn (or equal lifetimes, one churned and one censored), the share where the churned customer had the higher risk, ties in risk counting ½. n = customers in the fit, events = their churns.",
  ].join("\n"),
};


function covariatesOf(params: CoxParams, ctx: AnalysisContext): string[] {
  const asked = splitList(params.covariates);
  const chosen = asked.length ? asked : availableAttributes(ctx);
  if (!chosen.length) {
    throw new ChurnbookError("no-covariates", "the Cox model needs at least one customer attribute as a covariate, and none is available", {
      hint: "add attribute columns to the lifetimes dataset or map a customers dataset (e.g. plan, region, channel)",
    });
  }
  return [...new Set(chosen)];
}

interface Term {
  name: string;
  value: (row: Row) => number;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Cox proportional-hazards model of time to churn on customer attributes (Efron ties,
 * Newton–Raphson). Numeric attributes as is; text attributes one-hot against their
 * alphabetically first value. Reports β, exp(β), se, z, two-sided p and the hazard-ratio CI
 * exp(β ∓ z·se), sorted by |z| desc; the partial log-likelihood, the likelihood-ratio test
 * against β = 0, and Harrell's concordance (lifelines' convention). Lifetimes as in `survival`.
 */
export const cox = defineAnalysis({
  id: "cox",
  title: { "zh-CN": "哪些属性缩短客户生命周期（Cox 比例风险模型）", "en-US": "Which attributes shorten customer lifetime (Cox proportional hazards)" },
  summary: {
    "zh-CN": "Cox 回归：各客户属性对流失风险的风险比、置信区间与显著性",
    "en-US": "Cox regression: hazard ratios of customer attributes for churn, with confidence intervals and significance",
  },
  definition,
  params: coxParams,
  needs: [
    [
      { role: "lifetimes", fields: ["duration", "event"], optional: ["customer_id"] },
      { role: "subscriptions", fields: ["customer_id", "start_date", "end_date"] },
      { role: "transactions", fields: ["customer_id", "date"] },
    ],
  ],
  mainTable: "coefficients",
  outputs: {
    scalars: {
      n: { type: "integer", format: "count", description: { "zh-CN": "纳入模型的客户数", "en-US": "Customers in the model" } },
      events: { type: "integer", format: "count", description: { "zh-CN": "事件数", "en-US": "Events" } },
      log_likelihood: { type: "number", format: "number", description: { "zh-CN": "对数似然", "en-US": "Log likelihood" } },
      log_likelihood_null: { type: "number", format: "number", description: { "zh-CN": "空模型对数似然", "en-US": "Log likelihood null" } },
      lr_chi2: { type: "number", format: "number", description: { "zh-CN": "似然比检验卡方值", "en-US": "Likelihood-ratio chi2" } },
      lr_df: { type: "integer", format: "count", description: { "zh-CN": "似然比检验自由度", "en-US": "Likelihood-ratio df" } },
      lr_p: { type: "number", format: "number", description: { "zh-CN": "似然比检验 p 值", "en-US": "Likelihood-ratio p" } },
      concordance: { type: "number", format: "number", description: { "zh-CN": "一致性指数（C 指数）", "en-US": "Concordance" } },
    },
    tables: {
      coefficients: {
        description: { "zh-CN": "哪些属性缩短客户生命周期（Cox 比例风险模型）", "en-US": "Which attributes shorten customer lifetime (Cox proportional hazards)" },
        columns: {
          name: { type: "string", format: "label", description: { "zh-CN": "协变量（属性 = 取值，或数值属性）", "en-US": "Covariate (attribute = level, or a numeric attribute)" }, label: { "zh-CN": "协变量", "en-US": "Covariate" } },
          coef: { type: "number", format: "number", description: { "zh-CN": "Cox 回归系数", "en-US": "Cox coefficient" }, label: { "zh-CN": "系数", "en-US": "Coefficient" } },
          hazard_ratio: { type: "number", format: "ratio", description: { "zh-CN": "风险比 exp（系数）：大于 1 流失更早", "en-US": "Hazard ratio exp(coef): above 1 churns sooner" }, label: { "zh-CN": "风险比", "en-US": "Hazard ratio" } },
          se: { type: "number", format: "number", description: { "zh-CN": "系数的标准误", "en-US": "Standard error of the coefficient" }, label: { "zh-CN": "标准误", "en-US": "Std. error" } },
          lower: { type: "number", format: "ratio", description: { "zh-CN": "风险比置信区间下限", "en-US": "Lower confidence limit of the hazard ratio" }, label: { "zh-CN": "下限", "en-US": "Lower" } },
          upper: { type: "number", format: "ratio", description: { "zh-CN": "风险比置信区间上限", "en-US": "Upper confidence limit of the hazard ratio" }, label: { "zh-CN": "上限", "en-US": "Upper" } },
          p: { type: "number", format: "number", description: { "zh-CN": "双侧 p 值", "en-US": "Two-sided p-value" }, label: { "zh-CN": "p 值", "en-US": "p" } },
          z: { type: "number", format: "number", description: { "zh-CN": "z 统计量：系数 ÷ 标准误", "en-US": "z statistic: coef ÷ standard error" }, label: { "zh-CN": "z 值", "en-US": "z" } },
          term: { type: "string", format: "label", description: { "zh-CN": "协变量所属的属性", "en-US": "Attribute the covariate belongs to" }, label: { "zh-CN": "属性", "en-US": "Attribute" } },
          label: { type: "string", format: "label", description: { "zh-CN": "协变量的显示名称", "en-US": "Covariate as readers see it" }, label: { "zh-CN": "协变量", "en-US": "Covariate" } },
        },
      },
    },
  },

  // The covariates (asked for, or every attribute there is) and the as-of date, resolved once.
  plan(params: CoxParams, ctx: AnalysisContext) {
    return { params, ctx: runContext(ctx), asOf: ctx.period.end, covariates: covariatesOf(params, ctx) };
  },

  reductions({ ctx, asOf, covariates }) {
    const columns = ["duration", "event", ...covariates.map((c) => quoteIdent(c))];
    const lifetimes = lifetimesSql(ctx, { unit: "day", attributes: covariates, asOf });
    return {
      // One row per (duration, event, covariate pattern) with its customers: a full order, so
      // the rows come back the same on every run and engine.
      lifetimes: `SELECT ${columns.join(", ")}, CAST(COUNT(*) AS INTEGER) AS ${quoteIdent(countColumn)}
        FROM (${lifetimes}) lt
        GROUP BY ${columns.join(", ")}
        ORDER BY ${columns.map((c) => `${c} NULLS LAST`).join(", ")}`,
      ...excludedLifetimesSql(ctx, asOf),
    };
  },

  compute(data, { params, ctx, covariates }): AnalysisResult {
    const notes: string[] = [...excludedNote(data, ctx.locale)];
    const all = data.lifetimes ?? [];
    const count = (r: Row) => Number(r[countColumn] ?? 1);
    const customers = (rs: Row[]) => rs.reduce((s, r) => s + count(r), 0);
    const rows = all.filter((r) => covariates.every((c) => r[c] !== null && r[c] !== undefined));
    const dropped = customers(all) - customers(rows);
    if (dropped > 0) notes.push(msg(ctx.locale).lifetimes.coxMissingCovariate(dropped));

    const terms: Term[] = [];
    for (const c of covariates) {
      const values = rows.map((r) => r[c] as Value);
      const numeric = values.every((v) => typeof v === "number" || typeof v === "boolean");
      if (numeric) {
        const nums = values.map((v) => Number(v));
        if (nums.length && nums.every((v) => v === nums[0])) {
          notes.push(msg(ctx.locale).lifetimes.coxSingleValue(c));
          continue;
        }
        terms.push({ name: c, value: (r) => Number(r[c]) });
        continue;
      }
      const levels = [...new Set(values.map((v) => String(v)))].sort(compareText);
      if (levels.length > maxLevels) {
        throw new ChurnbookError("too-many-levels", `attribute "${c}" has ${levels.length} distinct values; a Cox covariate needs a few categories`, {
          hint: `leave "${c}" out of covariates, or group its values into at most ${maxLevels} categories`,
        });
      }
      if (levels.length < 2) {
        notes.push(msg(ctx.locale).lifetimes.coxSingleValue(c));
        continue;
      }
      for (const level of levels.slice(1)) terms.push({ name: `${c}=${level}`, value: (r) => (String(r[c]) === level ? 1 : 0) });
    }

    const events = customers(rows.filter((r) => r.event === true));
    const emptyScalars = { n: customers(rows), events, log_likelihood: null, log_likelihood_null: null, lr_chi2: null, lr_df: null, lr_p: null, concordance: null };
    if (rows.length === 0 || events === 0 || terms.length === 0) {
      const why =
        rows.length === 0
          ? msg(ctx.locale).lifetimes.coxNoCustomers
          : events === 0
            ? msg(ctx.locale).lifetimes.coxNoEvents
            : msg(ctx.locale).lifetimes.coxNoCovariate;
      return { scalars: emptyScalars, tables: { coefficients: [] }, notes: [...notes, why] };
    }

    const fit = coxPH(
      rows.map((r) => Number(r.duration)),
      rows.map((r) => r.event === true),
      rows.map((r) => terms.map((t) => t.value(r))),
      { names: terms.map((t) => t.name), confLevel: params.conf_level, weights: rows.map(count) },
    );
    if (!fit.converged) {
      notes.push(msg(ctx.locale).lifetimes.coxNotConverged);
    }
    const coefficients: Row[] = terms
      .map((t, j) => ({
        name: t.name,
        coef: finite(fit.coef[j]!),
        hazard_ratio: finite(fit.hazardRatio[j]!),
        se: finite(fit.se[j]!),
        lower: finite(Math.exp(fit.lower[j]!)),
        upper: finite(Math.exp(fit.upper[j]!)),
        p: finite(fit.p[j]!),
        z: finite(fit.z[j]!),
        // The same as name; kept for results and templates written before `name`.
        term: t.name,
        // The term as a reader names it: 套餐：基础版 / Plan: Basic.
        label: termLabel(t.name, ctx.locale),
      }))
      .sort((a, b) => Math.abs(b.z ?? 0) - Math.abs(a.z ?? 0) || compareText(a.name, b.name));
    return {
      scalars: {
        n: fit.n,
        events: fit.events,
        log_likelihood: fit.logLik,
        log_likelihood_null: fit.logLikNull,
        lr_chi2: fit.lrChi2,
        lr_df: fit.lrDf,
        lr_p: fit.lrP,
        concordance: fit.concordance,
      },
      tables: { coefficients },
      ...(notes.length ? { notes } : {}),
    };
  },

  chart(result, { params, ctx }): ChartSpec | null {
    const rows = result.tables.coefficients ?? [];
    if (!rows.length) return null;
    const say = msg(ctx.locale).lifetimes;
    const level = Math.round(params.conf_level * 100);
    const terms = forestOrder(rows);
    return {
      title: say.coxTitle,
      subtitle: say.coxSubtitle,
      marks: [
        { mark: "ruleX", data: "coefficients", options: { x: 1, stroke: "#999", strokeDasharray: "4,3" } },
        { mark: "ruleY", data: "coefficients", options: { y: "label", x1: "lower", x2: "upper", stroke: "currentColor" } },
        { mark: "dot", data: "coefficients", options: { x: "hazard_ratio", y: "label", fill: "currentColor", r: 4 } },
      ],
      x: { type: "log", label: say.coxAxis(level), grid: true, format: "number", ticks: logTicks(rows) },
      y: { label: null, domain: terms },
      marginLeft: Math.min(220, 20 + 7 * Math.max(...terms.map((t) => t.length))),
    };
  },
});

/**
 * The forest's rows: attributes by their strongest term (rows come sorted by |z|), each
 * attribute's levels together, numbered ranges in their natural order (company size 1-10,
 * 11-50, 51-200 …) and other levels strongest first.
 */
function forestOrder(rows: Row[]): string[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const name = String(r.name);
    const attribute = name.includes("=") ? name.slice(0, name.indexOf("=")) : name;
    groups.set(attribute, [...(groups.get(attribute) ?? []), r]);
  }
  return [...groups.values()].flatMap((g) => {
    const levels = g.map((r) => String(r.name).slice(String(r.name).indexOf("=") + 1));
    const ordered = isNumberedOrdinal(levels) ? [...g].sort((a, b) => compareNatural(String(a.name).slice(String(a.name).indexOf("=") + 1), String(b.name).slice(String(b.name).indexOf("=") + 1))) : g;
    return ordered.map((r) => String(r.label ?? r.name));
  });
}

/** "plan=Basic" → "套餐：基础版"-style labels; a numeric covariate is its attribute's name. */
function termLabel(term: string, locale: Locale): string {
  const i = term.indexOf("=");
  return i < 0 ? attributeLabel(term, locale) : attributeLevelLabel(term.slice(0, i), term.slice(i + 1), locale);
}

/** Round hazard-ratio ticks (0.2, 0.5, 1, 2, 5 …) over the intervals' range, 1 always included. */
function logTicks(rows: Row[]): number[] {
  const values = rows.flatMap((r) => [r.lower, r.upper, r.hazard_ratio]).filter((v): v is number => typeof v === "number" && v > 0);
  const lo = Math.min(1, ...values), hi = Math.max(1, ...values);
  const candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 10, 20, 50, 100];
  const inside = candidates.filter((t) => t >= lo && t <= hi);
  // Keep the axis readable: at most about seven ticks.
  return inside.length > 7 ? inside.filter((t) => [0.01, 0.1, 0.2, 0.5, 1, 2, 5, 10, 100].includes(t)) : inside;
}
