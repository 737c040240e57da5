import { type Static, Type } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import type { Period } from "../util/period.js";
import { ChurnbookError } from "../util/errors.js";
import { cohortAgesSql, completeCohorts, maxObservableAge, readCells, requireBasisRole, spellNeeds } from "./cohorts/cohort-sql.js";
import { fitSbgPooled, type SbgFit, sbgFailureText, sbgRetention, sbgSurvival } from "./stats/sbg.js";
import { splitList } from "./survival-data.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Locale, type Row } from "./types.js";
import { msg } from "../locales/index.js";

const params = Type.Object({
  cohort_grain: Type.Union([Type.Literal("month"), Type.Literal("quarter"), Type.Literal("year")], {
    default: "month",
    description: "Length of a cohort period and of one model period (the renewal cycle): month, quarter or year.",
  }),
  cohorts: Type.Integer({ minimum: 1, maximum: 240, default: 12, description: "Number of most recent complete acquisition cohorts fitted." }),
  mode: Type.Union([Type.Literal("pooled"), Type.Literal("per_cohort")], {
    default: "pooled",
    description: "pooled: one (α, β) for all cohorts (each censored at its own age); per_cohort: one fit per cohort.",
  }),
  horizon: Type.Integer({ minimum: 1, maximum: 240, default: 24, description: "Project survival to this age (in cohort periods)." }),
  survivors: Type.String({
    default: "",
    description: "Comma list of one cohort's survivor counts by period, the first = cohort size (e.g. 1000,631,468,382); when given, the fit uses it and reads no dataset. Empty = cohorts from the subscriptions/transactions data.",
  }),
});
export type CohortProjectionParams = Static<typeof params>;

/** The longest survivor series used (ages 0..maxFitAge). */
const maxFitAge = 120;
const pooledLabel = "pooled";
/** The cohort label of a series given with --param survivors. */
const givenLabel = "survivors";

/** Parses --param survivors: null when empty, else non-negative, non-increasing counts with a positive first. */
function parseSurvivors(text: string): number[] | null {
  const items = splitList(text);
  if (items.length === 0) return null;
  const values = items.map((x) => Number(x));
  const hint = "e.g. --param survivors=1000,631,468,382,326 (the cohort size, then the customers still active after each period)";
  const bad = items.filter((_, i) => !(Number.isFinite(values[i]!) && values[i]! >= 0));
  if (bad.length) throw new ChurnbookError("bad-param", `param "survivors" must be a comma list of non-negative counts, got ${bad.map((b) => JSON.stringify(b)).join(", ")}`, { hint });
  if (!(values[0]! > 0)) throw new ChurnbookError("bad-param", `param "survivors" must start with the cohort size (a positive count), got ${values[0]}`, { hint });
  for (let t = 1; t < values.length; t++) {
    if (values[t]! > values[t - 1]!) {
      throw new ChurnbookError("bad-param", `param "survivors" must not increase: period ${t - 1} has ${values[t - 1]}, period ${t} has ${values[t]}`, { hint });
    }
  }
  if (values.length > maxFitAge + 1) throw new ChurnbookError("bad-param", `param "survivors" has ${values.length} counts; at most ${maxFitAge + 1} (ages 0..${maxFitAge}) are fitted`, { hint });
  return values;
}

/**
 * Cohort survival projection with the shifted-beta-geometric model (Fader & Hardie 2007).
 *
 * Survivors of a cohort at age t = members whose first activity spell has not ended by the day
 * t periods after their acquisition (cohorts/cohort-sql.ts); survivors[0] = cohort size; the
 * series stops at the cohort's last observable age (cohort end + t periods ≤ report period end)
 * and its last value is right-censored. (α, β) are the maximum-likelihood estimates (stats/sbg.ts)
 * for each cohort or pooled (one (α, β), log-likelihood summed over cohorts).
 * S(t) = B(α, β + t)/B(α, β); r(t) = (β + t − 1)/(α + β + t − 1); projected survivors =
 * cohort size × S(t). Observed pooled survival at age t = Σ survivors(t) ÷ Σ sizes over the
 * cohorts observed at t. A failed fit (too few periods, no churn, no heterogeneity, no
 * convergence) is an error (pooled) or an `error` row (per cohort; an error if all fail).
 *
 * With `--param survivors=1000,631,…` the one given series is fitted instead (cohort label
 * "survivors", no dataset read, `mode` irrelevant): same scalars (alpha, beta, log_likelihood, …)
 * and tables (projection, fits).
 */
/** Survivors given as a param, or else the complete cohorts up to the report period's end: resolved once. */
function plan(p: CohortProjectionParams, ctx: AnalysisContext) {
  const given = parseSurvivors(p.survivors);
  if (!given) requireBasisRole(ctx, "cohort-projection");
  return { p, ctx: runContext(ctx), period: ctx.period, given, cohorts: given ? [] : completeCohorts(ctx.period.end, p.cohort_grain, p.cohorts) };
}
type Plan = ReturnType<typeof plan>;

export const cohortProjection = defineAnalysis({
  id: "cohort-projection",
  title: { "zh-CN": "新客户群留存预测（sBG 模型）", "en-US": "Cohort retention projection (sBG)" },
  summary: {
    "zh-CN": "用移位贝塔几何（sBG）模型拟合新客户群的存活人数（来自订阅/交易数据，或用 survivors 参数直接给出），并预测未来各期的存活率。",
    "en-US": "Fits the shifted-beta-geometric model to cohort survivor counts (from subscription/transaction data, or given with --param survivors) and projects survival to a horizon.",
  },
  definition: {
    "zh-CN":
      "新客户群与账龄的定义同“新客户群留存”。第 t 期存活客户：首个活跃期在获客日之后 t 个周期的那一天仍未结束的客户（流失后恢复不计为存活）；第 0 期为群规模；每个群只用到其最后一个可观察的账龄，最后一期的存活人数作右删失处理。" +
      "移位贝塔几何模型（Fader & Hardie 2007）：每位客户每期以各自的概率 θ 流失，θ 在客户间服从 Beta(α, β) 分布。存活率 S(t) = B(α, β+t)/B(α, β)，第 t 期留存率 r(t) = (β+t−1)/(α+β+t−1)。" +
      "α、β 用最大似然估计（逐群拟合，或各群共用一组 α、β 的合并拟合）；预测存活人数 = 群规模 × S(t)。合并的实际存活率 = 在第 t 期可观察的各群 Σ存活 ÷ Σ规模。" +
      "拟合失败（期数不足、无流失、客户间无异质性、未收敛）时报错，而不是给出错误的拟合。" +
      "给出 survivors 参数（一个群各期的存活人数，第一个为群规模，如 1000,631,468）时，直接拟合这一序列（群标记为 survivors，最后一期右删失），不读取数据集。",
    "en-US":
      "Cohorts and ages as in cohort retention. Survivors at age t: members whose first activity spell has not ended by the day t periods after their acquisition (a return does not count as survival); age 0 is the cohort size; each cohort is used up to its last observable age, whose survivors are right-censored. " +
      "Shifted-beta-geometric model (Fader & Hardie 2007): each customer churns each period with their own probability θ, θ ~ Beta(α, β) across customers. Survival S(t) = B(α, β+t)/B(α, β); retention rate of period t r(t) = (β+t−1)/(α+β+t−1). " +
      "α and β are maximum-likelihood estimates (per cohort, or pooled: one (α, β) shared by the cohorts); projected survivors = cohort size × S(t). Observed pooled survival = Σ survivors ÷ Σ sizes over the cohorts observed at age t. " +
      "A failed fit (too few periods, no churn, no heterogeneity between customers, no convergence) is reported as an error, never as a silent bad fit. " +
      "With the survivors param (one cohort's survivor counts by period, the first = cohort size, e.g. 1000,631,468) that series is fitted as given (cohort label survivors, its last count right-censored) and no dataset is read.",
  },
  params,
  // The churn basis's role — or the survivors param, which needs no dataset.
  needs: [[...spellNeeds(), { param: "survivors" }]],
  mainTable: "projection",
  outputs: {
    scalars: {
      mode: { type: "string", format: "label", description: { "zh-CN": "模式", "en-US": "Mode" } },
      horizon: { type: "integer", format: "count", description: { "zh-CN": "期限", "en-US": "Horizon" } },
      alpha: { type: "number", format: "number", description: { "zh-CN": "sBG 参数 α（流失概率 Beta 分布的参数）", "en-US": "sBG parameter α (of the beta distribution of churn probabilities)" } },
      beta: { type: "number", format: "number", description: { "zh-CN": "sBG 参数 β（流失概率 Beta 分布的参数）", "en-US": "sBG parameter β (of the beta distribution of churn probabilities)" } },
      log_likelihood: { type: "number", format: "number", description: { "zh-CN": "对数似然", "en-US": "Log likelihood" } },
      survival_at_horizon: { type: "number", format: "number", description: { "zh-CN": "预测期末生存概率", "en-US": "Survival at horizon" } },
      retention_at_horizon: { type: "number", format: "percent", description: { "zh-CN": "预测期末留存率", "en-US": "Retention at horizon" } },
    },
    tables: {
      projection: {
        description: { "zh-CN": "新客户群留存预测（sBG 模型）", "en-US": "Cohort retention projection (sBG)" },
        columns: {
          cohort: { type: "string", format: "period", description: { "zh-CN": "客户群：客户加入的期间", "en-US": "Cohort: the period the customers joined" }, label: { "zh-CN": "客户群", "en-US": "Cohort" } },
          age: { type: "integer", format: "count", description: { "zh-CN": "加入后的期数", "en-US": "Periods since the cohort joined" }, label: { "zh-CN": "月龄", "en-US": "Age" } },
          observed_survivors: { type: "integer", format: "count", description: { "zh-CN": "该期龄客户群仍活跃的客户数（超出数据为空）", "en-US": "Customers of the cohort still active at this age (empty beyond the data)" }, label: { "zh-CN": "实际留存客户", "en-US": "Observed survivors" }, missing: { "zh-CN": "超出目前已观测的期数", "en-US": "beyond the ages observed so far" } },
          observed_survival: { type: "number", format: "percent", description: { "zh-CN": "实际留存客户 ÷ 客户群规模", "en-US": "Observed survivors ÷ cohort size" }, label: { "zh-CN": "实际留存率", "en-US": "Observed survival" }, missing: { "zh-CN": "超出目前已观测的期数", "en-US": "beyond the ages observed so far" } },
          projected_survival: { type: "number", format: "percent", description: { "zh-CN": "sBG 拟合预测的该期龄留存率", "en-US": "Survival the sBG fit projects at this age" }, label: { "zh-CN": "预测留存率", "en-US": "Projected survival" } },
          projected_survivors: { type: "number", format: "number", description: { "zh-CN": "预测留存率 × 客户群规模", "en-US": "Projected survival × cohort size" }, label: { "zh-CN": "预测留存客户", "en-US": "Projected survivors" } },
          retention_rate: { type: "number", format: "percent", description: { "zh-CN": "该期龄预测留存率 ÷ 上一期龄预测留存率", "en-US": "Projected survival at this age ÷ at the age before" }, label: { "zh-CN": "期间保持率", "en-US": "Retention rate" } },
        },
      },
      fits: {
        description: { "zh-CN": "拟合结果", "en-US": "Fits" },
        columns: {
          cohort: { type: "string", format: "period", description: { "zh-CN": "客户群：客户加入的期间", "en-US": "Cohort: the period the customers joined" }, label: { "zh-CN": "客户群", "en-US": "Cohort" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该客户群的客户数", "en-US": "Customers who joined in the cohort" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          observed_periods: { type: "integer", format: "count", description: { "zh-CN": "拟合所用的已观测期数", "en-US": "Ages observed for the fit" }, label: { "zh-CN": "已观测期数", "en-US": "Observed periods" } },
          alpha: { type: "number", format: "number", description: { "zh-CN": "sBG 参数 α", "en-US": "sBG α" }, label: { "zh-CN": "α", "en-US": "α" } },
          beta: { type: "number", format: "number", description: { "zh-CN": "sBG 参数 β", "en-US": "sBG β" }, label: { "zh-CN": "β", "en-US": "β" } },
          log_likelihood: { type: "number", format: "number", description: { "zh-CN": "拟合的对数似然", "en-US": "Log-likelihood of the fit" }, label: { "zh-CN": "对数似然", "en-US": "Log-likelihood" } },
          converged: { type: "boolean", description: { "zh-CN": "拟合是否收敛", "en-US": "Whether the fit converged" }, label: { "zh-CN": "已收敛", "en-US": "Converged" } },
          error: { type: "string", format: "label", description: { "zh-CN": "客户群无法拟合的原因", "en-US": "Why the cohort could not be fitted" }, label: { "zh-CN": "错误", "en-US": "Error" } },
        },
      },
    },
  },

  plan,
  reductions({ p, ctx, period, given, cohorts }): Record<string, string> {
    if (given) return {};
    const maxAge = cohorts.length ? Math.min(maxFitAge, maxObservableAge(cohorts[0]!, period.end, p.cohort_grain)) : 0;
    return { cells: cohortAgesSql(ctx, { grain: p.cohort_grain, cohorts, maxAge, periodEnd: period.end, mrr: false }) };
  },

  compute(data, plan) {
    if (plan.given) return fromSurvivors(plan.given, plan.p, plan.ctx.locale);
    return projection(data.cells ?? [], plan);
  },

  chart(result, { p, ctx }): ChartSpec | null {
    if (!result.tables.projection?.length) return null;
    const say = msg(ctx.locale).cohorts;
    const perCohort = p.mode === "per_cohort";
    const series = perCohort ? { stroke: "cohort" } : {};
    return {
      title: say.projectionTitle,
      marks: [
        { mark: "lineY", data: "projection", options: { x: "age", y: "projected_survival", ...series } },
        { mark: "dot", data: "projection", options: { x: "age", y: "observed_survival", ...(perCohort ? { stroke: "cohort" } : { stroke: "#1f2933" }), r: 2.5 } },
      ],
      x: { label: say.periodsSinceAcquisition },
      y: { label: say.survival, format: "percent", domain: [0, 1] },
      ...(perCohort ? { color: { legend: true, label: say.cohort } } : {}),
    };
  },
});

interface Series {
  cohort: Period;
  survivors: number[];
}

function projection(rows: Row[], { p, ctx, period, cohorts }: Plan): AnalysisResult {
  const cells = readCells(rows);
  const series: Series[] = [];
  for (const c of cohorts) {
    const byAge = cells.get(c.start);
    if (!byAge?.get(0)?.customers) continue;
    const survivors: number[] = [];
    for (let t = 0; byAge.has(t); t++) survivors.push(byAge.get(t)!.survivors);
    series.push({ cohort: c, survivors });
  }
  if (series.length === 0) {
    throw new ChurnbookError("sbg-fit-failed", `cohort-projection: no customers were acquired in the ${cohorts.length} complete cohort periods ending ${cohorts.at(-1)?.label ?? period.label}`, {
      hint: "choose a later report period or more cohorts (--param cohorts=24)",
    });
  }
  const fits: Row[] = [];
  const proj: Row[] = [];
  const notes: string[] = [];
  const scalars: Record<string, number | string | null> = { mode: p.mode, horizon: p.horizon, alpha: null, beta: null, log_likelihood: null, survival_at_horizon: null, retention_at_horizon: null };

  if (p.mode === "pooled") {
    const fit = fitSbgPooled(series.map((s) => s.survivors));
    if (!fit.converged) {
      throw new ChurnbookError("sbg-fit-failed", `cohort-projection: the shifted-beta-geometric fit failed: ${sbgFailureText(fit.failure, "en-US")}`, {
        hint: "use more or older cohorts (--param cohorts=24), a shorter cohort grain, or look at the observed retention in cohort-retention",
      });
    }
    const size = series.reduce((a, s) => a + s.survivors[0]!, 0);
    const maxObs = Math.max(...series.map((s) => s.survivors.length - 1));
    fits.push(fitRow(pooledLabel, size, maxObs, fit, ctx.locale));
    for (let t = 0; t <= Math.max(p.horizon, maxObs); t++) {
      const observed = series.filter((s) => s.survivors.length > t);
      const obsSize = observed.reduce((a, s) => a + s.survivors[0]!, 0);
      const obsSurv = observed.reduce((a, s) => a + s.survivors[t]!, 0);
      proj.push(projRow(pooledLabel, t, size, observed.length ? obsSurv : null, observed.length ? obsSurv / obsSize : null, fit));
    }
    Object.assign(scalars, {
      alpha: fit.alpha,
      beta: fit.beta,
      log_likelihood: fit.logLikelihood,
      survival_at_horizon: sbgSurvival(fit.alpha, fit.beta, p.horizon),
      retention_at_horizon: sbgRetention(fit.alpha, fit.beta, p.horizon),
    });
  } else {
    let ok = 0;
    for (const s of series) {
      const fit = fitSbgPooled([s.survivors]);
      const size = s.survivors[0]!;
      const maxObs = s.survivors.length - 1;
      fits.push(fitRow(s.cohort.label, size, maxObs, fit, ctx.locale));
      if (!fit.converged) {
        notes.push(msg(ctx.locale).cohorts.sbgFitFailed(s.cohort.label, sbgFailureText(fit.failure, ctx.locale)));
        continue;
      }
      ok++;
      for (let t = 0; t <= Math.max(p.horizon, maxObs); t++) {
        const obs = t <= maxObs ? s.survivors[t]! : null;
        proj.push(projRow(s.cohort.label, t, size, obs, obs === null ? null : obs / size, fit));
      }
    }
    if (ok === 0) {
      throw new ChurnbookError("sbg-fit-failed", `cohort-projection: the shifted-beta-geometric fit failed for every cohort (${notes.map((n) => n.replace(/^cohort /, "")).join("; ")})`, {
        hint: "use --param mode=pooled, more or older cohorts, or a shorter cohort grain",
      });
    }
  }
  return { scalars, tables: { projection: proj, fits }, notes };
}

function fromSurvivors(survivors: number[], p: CohortProjectionParams, locale: Locale): AnalysisResult {
  const fit = fitSbgPooled([survivors]);
  if (!fit.converged) {
    throw new ChurnbookError("sbg-fit-failed", `cohort-projection: the shifted-beta-geometric fit failed: ${sbgFailureText(fit.failure, "en-US")}`, {
      hint: "give at least three counts (cohort size and two periods) that show some churn, e.g. --param survivors=1000,631,468,382",
    });
  }
  const size = survivors[0]!;
  const maxObs = survivors.length - 1;
  const proj: Row[] = [];
  for (let t = 0; t <= Math.max(p.horizon, maxObs); t++) {
    const obs = t <= maxObs ? survivors[t]! : null;
    proj.push(projRow(givenLabel, t, size, obs, obs === null ? null : obs / size, fit));
  }
  return {
    scalars: {
      mode: p.mode,
      horizon: p.horizon,
      alpha: fit.alpha,
      beta: fit.beta,
      log_likelihood: fit.logLikelihood,
      survival_at_horizon: sbgSurvival(fit.alpha, fit.beta, p.horizon),
      retention_at_horizon: sbgRetention(fit.alpha, fit.beta, p.horizon),
    },
    tables: { projection: proj, fits: [fitRow(givenLabel, size, maxObs, fit, locale)] },
    notes: [],
  };
}

function fitRow(cohort: string, customers: number, observedPeriods: number, fit: SbgFit, locale: Locale): Row {
  const ok = fit.converged;
  return {
    cohort,
    customers,
    observed_periods: observedPeriods,
    alpha: ok ? fit.alpha : null,
    beta: ok ? fit.beta : null,
    log_likelihood: ok ? fit.logLikelihood : null,
    converged: ok,
    error: ok ? null : sbgFailureText(fit.failure, locale),
  };
}

function projRow(cohort: string, age: number, size: number, observedSurvivors: number | null, observedSurvival: number | null, fit: SbgFit): Row {
  const s = sbgSurvival(fit.alpha, fit.beta, age);
  return {
    cohort,
    age,
    observed_survivors: observedSurvivors,
    observed_survival: observedSurvival,
    projected_survival: s,
    projected_survivors: size * s,
    retention_rate: age === 0 ? null : sbgRetention(fit.alpha, fit.beta, age),
  };
}
