import { Type, type Static } from "@sinclair/typebox";
import type { ChartSpec } from "../charts/spec.js";
import { defineAnalysis, runContext, type AnalysisContext, type AnalysisResult, type Locale, type Row, type RunContext } from "./types.js";
import { encodeRows } from "./predict/encode.js";
import { trainingCutoffs } from "./predict/features.js";
import {
  annualValueField,
  columnLabel,
  defaultModelOptions,
  design,
  featureLabel,
  fitNotes,
  modelNotes,
  numberOrNull,
  outOfFold,
  parseModels,
  predictionReductions,
  prepare,
  resolveSource,
  train,
  type ModelKind,
  type ModelOptions,
  type Prepared,
} from "./predict/pipeline.js";
import { averagePrecision, brier, calibrationCurve, costTradeOff, gainsByDecile, logLoss, rocAuc, topDecileLift } from "./predict/metrics.js";
import { foldsByGroup, foldsByIndex, permutationImportance, takeLabels, takeRows, timeSplit } from "./predict/validation.js";
import { normalTwoSidedP } from "./stats/special.js";
import { addDays } from "../util/period.js";
import { msg } from "../locales/index.js";

export const churnModelParams = Type.Object({
  models: Type.String({ default: "logistic,gbdt", description: "Models to train, comma-separated: logistic, gbdt" }),
  folds: Type.Integer({ default: 5, minimum: 2, maximum: 20, description: "k of the k-fold cross-validation (flat data: fold = row index mod k; event data: by customer)" }),
  horizon_days: Type.Integer({ default: 90, minimum: 1, description: "Label window H: churned within H days after the cutoff" }),
  cutoffs: Type.Integer({ default: 6, minimum: 1, maximum: 60, description: "Number of past monthly cutoffs used for training (event data)" }),
  threshold: Type.Number({ default: 0.5, minimum: 0, maximum: 1, description: "Probability at or above which a customer is flagged (confusion matrix, offers)" }),
  offer_cost: Type.Number({ default: 50, minimum: 0, description: "Cost of one retention offer, in the report currency" }),
  save_rate: Type.Number({ default: 0.3, minimum: 0, maximum: 1, description: "Share of flagged real churners an offer keeps" }),
  value_field: Type.String({ default: "", description: "Flat data: the column holding customer value (monthly columns such as mrr are × 12); empty = automatic" }),
  l2: Type.Number({ default: 0, minimum: 0, description: "L2 penalty of the logistic regression on standardised coefficients (0 = none)" }),
  rounds: Type.Integer({ default: 300, minimum: 1, description: "Boosting rounds (upper bound; early stopping on a 10% validation split)" }),
  depth: Type.Integer({ default: 3, minimum: 1, maximum: 12, description: "Depth of each boosted tree" }),
  learning_rate: Type.Number({ default: 0.1, exclusiveMinimum: 0, maximum: 1, description: "Boosting learning rate" }),
  min_leaf: Type.Integer({ default: 50, minimum: 1, description: "Minimum training rows in a tree leaf" }),
  seed: Type.Integer({ default: 42, description: "Seed of the training sample, the validation split and permutations" }),
  train_sample: Type.Integer({ default: 60000, minimum: 0, description: "Event data: at most this many training rows (customer × cutoff); beyond it the models are fitted and cross-validated on a sample drawn with the seed within churners and non-churners (each keeps its share), noted in the report and the model card; 0 = all" }),
  source: Type.Union([Type.Literal("auto"), Type.Literal("events"), Type.Literal("flat")], { default: "auto", description: "Training data: event data with cutoffs, the flat customers table with a churned label, or auto (events when present)" }),
});
export type ChurnModelParams = Static<typeof churnModelParams>;

export function modelOptions(p: Pick<ChurnModelParams, "l2" | "rounds" | "depth" | "learning_rate" | "min_leaf" | "seed">): ModelOptions {
  return { ...defaultModelOptions, l2: p.l2, rounds: p.rounds, depth: p.depth, learningRate: p.learning_rate, minLeaf: p.min_leaf, seed: p.seed };
}

function metricsRow(model: ModelKind, validation: string, y: ArrayLike<number>, p: ArrayLike<number>): Row {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]!;
  return {
    model,
    validation,
    rows: y.length,
    churners: pos,
    auc: rocAuc(y, p),
    average_precision: averagePrecision(y, p),
    brier: brier(y, p),
    log_loss: logLoss(y, p),
    top_decile_lift: topDecileLift(y, p),
  };
}

/** Pearson correlation sign of a column with the predictions: "up" (raises risk), "down" or null. */
function direction(x: Float64Array, n: number, p: number, j: number, pred: Float64Array): "up" | "down" | null {
  let mx = 0, mp = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i * p + j]!;
    mp += pred[i]!;
  }
  mx /= n;
  mp /= n;
  let c = 0;
  for (let i = 0; i < n; i++) c += (x[i * p + j]! - mx) * (pred[i]! - mp);
  return c > 0 ? "up" : c < 0 ? "down" : null;
}

function emptyResult(prep: Prepared | null, note: string): AnalysisResult {
  return {
    scalars: { source: prep?.source ?? null, training_rows: prep?.train.length ?? 0, churners: 0, churn_rate: null, features: 0, best_model: null, best_auc: null },
    tables: { metrics: [], drivers: [], coefficients: [], gains: [], calibration: [], confusion: [], cost_curve: [], scores: [], model_card: [] },
    notes: [note],
  };
}

/**
 * churn-model: trains logistic regression (IRLS, standardised inputs, optional L2) and
 * histogram gradient-boosted trees on leakage-free features and validates them.
 * - Event data: one row per (active customer, monthly cutoff c); features from data before c,
 *   label = the active spell ends in [c, c + horizon_days) (spells.ts convention). The `cutoffs`
 *   latest months with c + H ≤ the period end. Validation: k-fold by customer (all rows of a
 *   customer in one fold) and a time split (train on earlier cutoffs, test on the latest).
 * - Flat data: a customers table with churned; k-fold with fold = row index mod k.
 * - Metrics on out-of-fold predictions: ROC AUC = U/(n₁n₀) with ties ½; average precision =
 *   Σ(Rₙ − Rₙ₋₁)Pₙ; Brier = mean((p − y)²); log loss; lift of the top score decile.
 * - Cost trade-off at `threshold`: offers = flagged customers × offer_cost; value saved =
 *   Σ over flagged real churners of save_rate × annual value; net = saved − offers cost.
 * - Drivers: logistic |standardised coefficient| with its sign; GBDT share of split gain,
 *   direction = sign of the feature's correlation with the predicted probability; both with
 *   permutation importance (AUC drop on the first fold's test rows).
 * - Scores: the final models (all training rows) applied to the scoring rows (active customers
 *   at the period end; flat data: every customer).
 * - Quiet failures made loud (notes, both languages): attribute columns that are identifiers or
 *   restate the label are left out (predict/leakage.ts; scalar excluded_columns); a separated
 *   logistic fit is refitted with L2 = 1 and has logistic_status "separated", never
 *   "converged" (predict/logistic.ts).
 */
export const churnModel = defineAnalysis({
  id: "churn-model",
  title: { "zh-CN": "流失预测模型", "en-US": "Churn prediction model" },
  summary: {
    "zh-CN": "用截止日之前的数据训练逻辑回归和梯度提升树，交叉验证并给出模型卡",
    "en-US": "Logistic regression and boosted trees on leakage-free features, cross-validated, with a model card",
  },
  definition: {
    "zh-CN":
      "特征只使用截止日之前的数据（最近一次消费、频率、金额、30/90/180天趋势、在网时长、工单/投诉、满意度、使用量、套餐与MRR变化、客户属性独热编码，稀有类别合并为（other））；缺失的计数与金额记为0，满意度缺失用训练均值填补并加“有评分”指示；常数列删除。客户属性中的编号/行号（每位客户取值各不相同，名称像编号或随行序单调变化）和单独即可区分流失结果的字段（单特征 AUC ≥ 0.98 或 ≤ 0.02，如状态字段）不进入模型并注明。逻辑回归出现（准）完全分离（某系数趋于无穷、标准误超过系数 5 倍且有拟合概率在 10⁻⁸ 以内接近 0 或 1）时改用 L2 = 1 重新拟合，状态记为“分离”并注明。标签：截止日时处于活跃期的客户在随后H天内流失（活跃期结束日落在[截止日，截止日+H)）。平面客户表（如Telco）以churned为标签，是/否列记为1/0，文本列独热编码（首个类别为基准），数值列直接使用。" +
      "ROC AUC = Mann–Whitney U/(n₁·n₀)，分数相同计½；平均精度 AP = Σ(Rₙ − Rₙ₋₁)·Pₙ（scikit-learn定义）；Brier = mean((p − y)²)；对数损失 = −mean(y·ln p + (1−y)·ln(1−p))；十分位提升度 = 最高分十分位的流失率 ÷ 总体流失率；校准曲线按预测概率十等分。事件数据的训练行（客户 × 截止日）超过 train_sample 时，在流失与未流失客户中分别按种子随机抽样（两类各保持原有比例），模型在样本上拟合与交叉验证，并在说明与模型卡中注明。交叉验证：平面数据按行号 mod k 分折，事件数据按客户分折；时间切分：用较早截止日训练、最近截止日检验。挽留成本权衡：预测流失（p ≥ 阈值）的客户每人发放一次挽留优惠（成本offer_cost），真实流失者中有save_rate比例被挽留，挽回价值 = Σ年价值 × save_rate，净收益 = 挽回价值 − 优惠成本。",
    "en-US":
      "Features use only data before the cutoff (recency, frequency, monetary, 30/90/180-day trends, tenure, tickets/complaints, satisfaction, usage, plan and MRR changes, customer attributes one-hot encoded with rare levels grouped as (other)); missing counts and amounts are 0, missing satisfaction is the training mean plus a has-rating indicator; constant columns are dropped. Customer attributes that are identifiers or row numbers (a different value per customer, named like an id or rising with the row order) and columns that alone separate the outcome (single-feature AUC ≥ 0.98 or ≤ 0.02, such as a status column) are left out, with a note. A (quasi-)separated logistic fit (a slope running off with a standard error over 5 times the slope and fitted probabilities within 10⁻⁸ of 0 or 1) is refitted with L2 = 1, its status “separated”, with a note. Label: a customer active at the cutoff whose spell ends within H days ([cutoff, cutoff + H)). A flat customers table (e.g. Telco) uses churned as the label: yes/no columns as 1/0, text columns one-hot (first level as base), numbers as they are. " +
      "ROC AUC = Mann–Whitney U/(n₁·n₀), ties counted ½; average precision AP = Σ(Rₙ − Rₙ₋₁)·Pₙ (scikit-learn); Brier = mean((p − y)²); log loss = −mean(y·ln p + (1−y)·ln(1−p)); top-decile lift = churn rate of the highest-scored tenth ÷ overall churn rate; calibration over ten equal-width probability bins. Event data with more training rows (customer × cutoff) than train_sample: the models are fitted and cross-validated on a sample drawn with the seed within churners and non-churners (each keeping its share), stated in the notes and the model card. Cross-validation: flat data folds by row index mod k, event data by customer; time split: train on earlier cutoffs, test on the latest. Cost trade-off: each customer with p ≥ threshold gets one offer costing offer_cost; save_rate of the real churners among them are kept, value saved = Σ annual value × save_rate, net = value saved − offer cost.",
  },
  params: churnModelParams,
  needs: [
    [
      { role: "subscriptions", fields: ["customer_id", "start_date"], optional: ["end_date", "mrr", "plan"] },
      { role: "transactions", fields: ["customer_id", "date"], optional: ["amount", "cost"] },
      { role: "customers", fields: ["customer_id", "churned"] },
    ],
  ],
  // The models (checked), the data source and the scoring date (the day after the period), resolved once.
  plan(params: ChurnModelParams, ctx: AnalysisContext) {
    return { params, ctx: runContext(ctx), models: parseModels(params.models), source: resolveSource(ctx, params.source), asOf: ctx.period.end };
  },
  reductions({ params, ctx, source, asOf }) {
    return predictionReductions({ source, horizonDays: params.horizon_days, cutoffs: params.cutoffs, limit: params.train_sample || undefined, seed: params.seed }, asOf, ctx);
  },
  compute(data, { params, ctx, models, asOf }) {
    return computeChurnModel(data, params, ctx, models, asOf);
  },
  mainTable: "metrics",
  outputs: {
    scalars: {
      source: { type: "string", format: "label", description: { "zh-CN": "数据来源", "en-US": "Source" } },
      training_rows: { type: "integer", format: "count", description: { "zh-CN": "训练样本数", "en-US": "Training rows" } },
      customers: { type: "integer", format: "count", description: { "zh-CN": "客户数", "en-US": "Customers" } },
      churners: { type: "integer", format: "count", description: { "zh-CN": "流失样本数", "en-US": "Churners" } },
      churn_rate: { type: "number", format: "percent", description: { "zh-CN": "客户流失率", "en-US": "Churn rate" } },
      features: { type: "integer", format: "count", description: { "zh-CN": "特征数", "en-US": "Features" } },
      folds: { type: "integer", format: "count", description: { "zh-CN": "交叉验证折数", "en-US": "Folds" } },
      first_cutoff: { type: "date", format: "date", description: { "zh-CN": "首个截断日", "en-US": "First cutoff" } },
      last_cutoff: { type: "date", format: "date", description: { "zh-CN": "末个截断日", "en-US": "Last cutoff" } },
      label_window_end: { type: "date", format: "date", description: { "zh-CN": "标签窗口结束日", "en-US": "Label window end" } },
      scoring_date: { type: "date", format: "date", description: { "zh-CN": "评分日期", "en-US": "Scoring date" } },
      scored_customers: { type: "integer", format: "count", description: { "zh-CN": "已评分客户数", "en-US": "Scored customers" } },
      best_model: { type: "string", format: "label", description: { "zh-CN": "最佳模型", "en-US": "Best model" } },
      best_auc: { type: "number", format: "number", description: { "zh-CN": "最佳 AUC", "en-US": "Best AUC" } },
      logistic_converged: { type: "boolean", description: { "zh-CN": "逻辑回归是否收敛", "en-US": "Logistic converged" } },
      logistic_status: { type: "string", format: "label", description: { "zh-CN": "逻辑回归状态", "en-US": "Logistic status" } },
      excluded_columns: { type: "string", format: "label", description: { "zh-CN": "排除的列", "en-US": "Excluded columns" } },
      gbdt_rounds: { type: "integer", format: "count", description: { "zh-CN": "梯度提升树轮数", "en-US": "GBDT rounds" } },
    },
    tables: {
      metrics: {
        description: { "zh-CN": "流失预测模型", "en-US": "Churn prediction model" },
        columns: {
          model: { type: "string", format: "label", description: { "zh-CN": "模型（逻辑回归或梯度提升树）", "en-US": "Model (logistic regression or gradient-boosted trees)" }, label: { "zh-CN": "模型", "en-US": "Model" } },
          validation: { type: "string", format: "label", description: { "zh-CN": "验证方式：按客户 k 折或按时间切分", "en-US": "Validation: k-fold by customer or a time split" }, label: { "zh-CN": "验证方式", "en-US": "Validation" } },
          rows: { type: "integer", format: "count", description: { "zh-CN": "参与验证的行数（客户 × 截止日）", "en-US": "Rows (customer × cutoff) validated" }, label: { "zh-CN": "行数", "en-US": "Rows" } },
          churners: { type: "integer", format: "count", description: { "zh-CN": "在预测期内流失的行数", "en-US": "Rows that churned within the horizon" }, label: { "zh-CN": "流失行数", "en-US": "Churners" } },
          auc: { type: "number", format: "percent", description: { "zh-CN": "样本外预测的 ROC AUC", "en-US": "ROC AUC of the out-of-fold predictions" }, label: { "zh-CN": "AUC", "en-US": "AUC" } },
          average_precision: { type: "number", format: "number", description: { "zh-CN": "样本外预测的平均精确率", "en-US": "Average precision of the out-of-fold predictions" }, label: { "zh-CN": "平均精确率", "en-US": "Average precision" } },
          brier: { type: "number", format: "number", description: { "zh-CN": "Brier 分数：概率的均方误差（越低越好）", "en-US": "Brier score: mean squared error of the probabilities (lower is better)" }, label: { "zh-CN": "Brier 分数", "en-US": "Brier" } },
          log_loss: { type: "number", format: "number", description: { "zh-CN": "概率的对数损失（越低越好）", "en-US": "Log loss of the probabilities (lower is better)" }, label: { "zh-CN": "对数损失", "en-US": "Log loss" } },
          top_decile_lift: { type: "number", format: "ratio", description: { "zh-CN": "评分最高十分位的流失率 ÷ 总体流失率", "en-US": "Churn rate of the top score decile ÷ overall churn rate" }, label: { "zh-CN": "前10%提升度", "en-US": "Top-decile lift" } },
        },
      },
      drivers: {
        description: { "zh-CN": "流失驱动因素", "en-US": "Drivers" },
        columns: {
          model: { type: "string", format: "label", description: { "zh-CN": "模型（逻辑回归或梯度提升树）", "en-US": "Model (logistic regression or gradient-boosted trees)" }, label: { "zh-CN": "模型", "en-US": "Model" } },
          feature: { type: "string", format: "label", description: { "zh-CN": "特征（属性或 属性 = 取值）", "en-US": "Feature (an attribute, or attribute = level)" }, label: { "zh-CN": "特征", "en-US": "Feature" } },
          label: { type: "string", format: "label", description: { "zh-CN": "特征的显示名称", "en-US": "Feature as readers see it" }, label: { "zh-CN": "特征", "en-US": "Feature" } },
          importance: { type: "number", format: "number", description: { "zh-CN": "重要性：标准化系数绝对值（逻辑回归）或分裂增益占比（树模型）", "en-US": "Importance: |standardised coefficient| (logistic) or share of split gain (trees)" }, label: { "zh-CN": "重要性", "en-US": "Importance" } },
          permutation_importance: { type: "number", format: "number", description: { "zh-CN": "打乱该特征后 AUC 的下降", "en-US": "Drop of AUC when the feature is shuffled" }, label: { "zh-CN": "置换重要性", "en-US": "Permutation importance" } },
          direction: { type: "string", format: "label", description: { "zh-CN": "该特征提高还是降低流失概率", "en-US": "Whether the feature raises or lowers the churn probability" }, label: { "zh-CN": "方向", "en-US": "Direction" } },
          coefficient: { type: "number", format: "number", description: { "zh-CN": "标准化特征的逻辑回归系数（树模型为空）", "en-US": "Logistic coefficient on the standardised feature (empty for trees)" }, label: { "zh-CN": "系数", "en-US": "Coefficient" }, missing: { "zh-CN": "梯度提升树没有系数", "en-US": "gradient-boosted trees have no coefficients" } },
          odds_ratio: { type: "number", format: "ratio", description: { "zh-CN": "优势比：exp（系数）（树模型为空）", "en-US": "Odds ratio: exp(coefficient) (empty for trees)" }, label: { "zh-CN": "优势比", "en-US": "Odds ratio" }, missing: { "zh-CN": "梯度提升树没有系数", "en-US": "gradient-boosted trees have no coefficients" } },
          rank: { type: "integer", format: "count", description: { "zh-CN": "按重要性的排名", "en-US": "Rank by importance" }, label: { "zh-CN": "排名", "en-US": "Rank" } },
        },
      },
      coefficients: {
        description: { "zh-CN": "回归系数", "en-US": "Coefficients" },
        columns: {
          feature: { type: "string", format: "label", description: { "zh-CN": "特征（属性或 属性 = 取值）", "en-US": "Feature (an attribute, or attribute = level)" }, label: { "zh-CN": "特征", "en-US": "Feature" } },
          label: { type: "string", format: "label", description: { "zh-CN": "特征的显示名称", "en-US": "Feature as readers see it" }, label: { "zh-CN": "特征", "en-US": "Feature" } },
          coefficient: { type: "number", format: "number", description: { "zh-CN": "标准化特征的逻辑回归系数", "en-US": "Logistic coefficient on the standardised feature" }, label: { "zh-CN": "系数", "en-US": "Coefficient" }, missing: { "zh-CN": "梯度提升树没有系数", "en-US": "gradient-boosted trees have no coefficients" } },
          std_error: { type: "number", format: "number", description: { "zh-CN": "系数的标准误", "en-US": "Standard error of the coefficient" }, label: { "zh-CN": "标准误", "en-US": "Std. error" } },
          z: { type: "number", format: "number", description: { "zh-CN": "z 统计量：系数 ÷ 标准误", "en-US": "z statistic: coefficient ÷ standard error" }, label: { "zh-CN": "z 值", "en-US": "z" } },
          p_value: { type: "number", format: "number", description: { "zh-CN": "系数的双侧 p 值", "en-US": "Two-sided p-value of the coefficient" }, label: { "zh-CN": "p 值", "en-US": "p" } },
          odds_ratio: { type: "number", format: "ratio", description: { "zh-CN": "优势比：exp（系数）", "en-US": "Odds ratio: exp(coefficient)" }, label: { "zh-CN": "优势比", "en-US": "Odds ratio" }, missing: { "zh-CN": "梯度提升树没有系数", "en-US": "gradient-boosted trees have no coefficients" } },
          odds_ratio_per_sd: { type: "number", format: "ratio", description: { "zh-CN": "特征每增加一个标准差的优势比", "en-US": "Odds ratio per standard deviation of the feature" }, label: { "zh-CN": "每标准差优势比", "en-US": "Odds ratio per SD" } },
        },
      },
      gains: {
        description: { "zh-CN": "增益表", "en-US": "Gains" },
        columns: {
          model: { type: "string", format: "label", description: { "zh-CN": "模型（逻辑回归或梯度提升树）", "en-US": "Model (logistic regression or gradient-boosted trees)" }, label: { "zh-CN": "模型", "en-US": "Model" } },
          decile: { type: "integer", format: "count", description: { "zh-CN": "评分十分位（1 为评分最高）", "en-US": "Score decile (1 = highest scores)" }, label: { "zh-CN": "十分位", "en-US": "Decile" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该十分位的行数", "en-US": "Rows in the decile" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          churners: { type: "integer", format: "count", description: { "zh-CN": "该十分位中流失的行数", "en-US": "Rows in the decile that churned" }, label: { "zh-CN": "流失客户", "en-US": "Churners" } },
          churn_rate: { type: "number", format: "percent", description: { "zh-CN": "流失行数 ÷ 该十分位行数", "en-US": "Churners ÷ rows in the decile" }, label: { "zh-CN": "流失率", "en-US": "Churn rate" } },
          lift: { type: "number", format: "ratio", description: { "zh-CN": "该十分位流失率 ÷ 总体流失率", "en-US": "Decile's churn rate ÷ overall churn rate" }, label: { "zh-CN": "提升度", "en-US": "Lift" } },
          cumulative_customers_share: { type: "number", format: "percent", description: { "zh-CN": "该十分位及更高十分位占全部行数的比例", "en-US": "Share of all rows in this and the higher deciles" }, label: { "zh-CN": "累计客户占比", "en-US": "Cumulative customers" } },
          cumulative_churners_share: { type: "number", format: "percent", description: { "zh-CN": "该十分位及更高十分位占全部流失的比例", "en-US": "Share of all churners in this and the higher deciles" }, label: { "zh-CN": "累计流失占比", "en-US": "Cumulative churners" } },
          cumulative_lift: { type: "number", format: "ratio", description: { "zh-CN": "累计流失占比 ÷ 累计客户占比", "en-US": "Cumulative churners share ÷ cumulative customers share" }, label: { "zh-CN": "累计提升度", "en-US": "Cumulative lift" } },
        },
      },
      calibration: {
        description: { "zh-CN": "校准", "en-US": "Calibration" },
        columns: {
          model: { type: "string", format: "label", description: { "zh-CN": "模型（逻辑回归或梯度提升树）", "en-US": "Model (logistic regression or gradient-boosted trees)" }, label: { "zh-CN": "模型", "en-US": "Model" } },
          bin: { type: "integer", format: "count", description: { "zh-CN": "概率区间编号", "en-US": "Probability bin" }, label: { "zh-CN": "区间", "en-US": "Bin" } },
          bin_start: { type: "number", format: "number", description: { "zh-CN": "区间预测概率下界", "en-US": "Lower bound of the bin's predicted probability" }, label: { "zh-CN": "下界", "en-US": "From" } },
          bin_end: { type: "number", format: "number", description: { "zh-CN": "区间预测概率上界", "en-US": "Upper bound of the bin's predicted probability" }, label: { "zh-CN": "上界", "en-US": "To" } },
          customers: { type: "integer", format: "count", description: { "zh-CN": "该区间的行数", "en-US": "Rows in the bin" }, label: { "zh-CN": "客户数", "en-US": "Customers" } },
          mean_predicted: { type: "number", format: "number", description: { "zh-CN": "区间内平均预测概率", "en-US": "Mean predicted probability in the bin" }, label: { "zh-CN": "平均预测概率", "en-US": "Mean predicted" } },
          observed_rate: { type: "number", format: "percent", description: { "zh-CN": "区间内实际流失的比例", "en-US": "Share of the bin's rows that churned" }, label: { "zh-CN": "实际流失率", "en-US": "Observed rate" } },
        },
      },
      confusion: {
        description: { "zh-CN": "混淆矩阵", "en-US": "Confusion" },
        columns: {
          model: { type: "string", format: "label", description: { "zh-CN": "模型（逻辑回归或梯度提升树）", "en-US": "Model (logistic regression or gradient-boosted trees)" }, label: { "zh-CN": "模型", "en-US": "Model" } },
          threshold: { type: "number", format: "number", description: { "zh-CN": "高于该概率阈值的客户获得挽留优惠", "en-US": "Probability threshold above which a customer gets an offer" }, label: { "zh-CN": "阈值", "en-US": "Threshold" } },
          tp: { type: "integer", format: "count", description: { "zh-CN": "真阳性：被标记且流失的客户", "en-US": "True positives: flagged customers who churned" }, label: { "zh-CN": "真阳性", "en-US": "TP" } },
          fp: { type: "integer", format: "count", description: { "zh-CN": "假阳性：被标记但留存的客户", "en-US": "False positives: flagged customers who stayed" }, label: { "zh-CN": "假阳性", "en-US": "FP" } },
          fn: { type: "integer", format: "count", description: { "zh-CN": "假阴性：未被标记的流失客户", "en-US": "False negatives: churners not flagged" }, label: { "zh-CN": "假阴性", "en-US": "FN" } },
          tn: { type: "integer", format: "count", description: { "zh-CN": "真阴性：未被标记的留存客户", "en-US": "True negatives: stayers not flagged" }, label: { "zh-CN": "真阴性", "en-US": "TN" } },
          precision: { type: "number", format: "percent", description: { "zh-CN": "精确率：TP ÷（TP + FP）", "en-US": "Precision: TP ÷ (TP + FP)" }, label: { "zh-CN": "精确率", "en-US": "Precision" } },
          recall: { type: "number", format: "percent", description: { "zh-CN": "召回率：TP ÷（TP + FN）", "en-US": "Recall: TP ÷ (TP + FN)" }, label: { "zh-CN": "召回率", "en-US": "Recall" } },
          specificity: { type: "number", format: "percent", description: { "zh-CN": "特异度：TN ÷（TN + FP）", "en-US": "Specificity: TN ÷ (TN + FP)" }, label: { "zh-CN": "特异度", "en-US": "Specificity" } },
          accuracy: { type: "number", format: "percent", description: { "zh-CN": "准确率：（TP + TN）÷ 全部行数", "en-US": "Accuracy: (TP + TN) ÷ all rows" }, label: { "zh-CN": "准确率", "en-US": "Accuracy" } },
          offers: { type: "integer", format: "count", description: { "zh-CN": "获得优惠的客户数", "en-US": "Customers flagged for an offer" }, label: { "zh-CN": "优惠数", "en-US": "Offers" } },
          offer_cost_total: { type: "number", format: "currency", description: { "zh-CN": "优惠数 × 单次优惠成本", "en-US": "Offers × cost per offer" }, label: { "zh-CN": "优惠成本", "en-US": "Offer cost" } },
          value_saved: { type: "number", format: "currency", description: { "zh-CN": "挽回价值：挽回率 × 被标记流失客户的年价值", "en-US": "Annual value saved: save rate × annual value of flagged churners" }, label: { "zh-CN": "挽回价值", "en-US": "Value saved" } },
          net_benefit: { type: "number", format: "currency", description: { "zh-CN": "挽回价值 − 优惠成本", "en-US": "Value saved − offer cost" }, label: { "zh-CN": "净收益", "en-US": "Net benefit" } },
        },
      },
      cost_curve: {
        description: { "zh-CN": "成本曲线", "en-US": "Cost curve" },
        columns: {
          model: { type: "string", format: "label", description: { "zh-CN": "模型（逻辑回归或梯度提升树）", "en-US": "Model (logistic regression or gradient-boosted trees)" }, label: { "zh-CN": "模型", "en-US": "Model" } },
          threshold: { type: "number", format: "number", description: { "zh-CN": "高于该概率阈值的客户获得挽留优惠", "en-US": "Probability threshold above which a customer gets an offer" }, label: { "zh-CN": "阈值", "en-US": "Threshold" } },
          offers: { type: "integer", format: "count", description: { "zh-CN": "获得优惠的客户数", "en-US": "Customers flagged for an offer" }, label: { "zh-CN": "优惠数", "en-US": "Offers" } },
          tp: { type: "integer", format: "count", description: { "zh-CN": "真阳性：被标记且流失的客户", "en-US": "True positives: flagged customers who churned" }, label: { "zh-CN": "真阳性", "en-US": "TP" } },
          fp: { type: "integer", format: "count", description: { "zh-CN": "假阳性：被标记但留存的客户", "en-US": "False positives: flagged customers who stayed" }, label: { "zh-CN": "假阳性", "en-US": "FP" } },
          precision: { type: "number", format: "percent", description: { "zh-CN": "精确率：TP ÷（TP + FP）", "en-US": "Precision: TP ÷ (TP + FP)" }, label: { "zh-CN": "精确率", "en-US": "Precision" } },
          recall: { type: "number", format: "percent", description: { "zh-CN": "召回率：TP ÷（TP + FN）", "en-US": "Recall: TP ÷ (TP + FN)" }, label: { "zh-CN": "召回率", "en-US": "Recall" } },
          offer_cost_total: { type: "number", format: "currency", description: { "zh-CN": "优惠数 × 单次优惠成本", "en-US": "Offers × cost per offer" }, label: { "zh-CN": "优惠成本", "en-US": "Offer cost" } },
          value_saved: { type: "number", format: "currency", description: { "zh-CN": "挽回价值：挽回率 × 被标记流失客户的年价值", "en-US": "Annual value saved: save rate × annual value of flagged churners" }, label: { "zh-CN": "挽回价值", "en-US": "Value saved" } },
          net_benefit: { type: "number", format: "currency", description: { "zh-CN": "挽回价值 − 优惠成本", "en-US": "Value saved − offer cost" }, label: { "zh-CN": "净收益", "en-US": "Net benefit" } },
        },
      },
      scores: {
        description: { "zh-CN": "评分", "en-US": "Scores" },
        columns: {
          customer_id: { type: "string", format: "label", description: { "zh-CN": "客户编号", "en-US": "Customer id" }, label: { "zh-CN": "客户编号", "en-US": "Customer" } },
          model: { type: "string", format: "label", description: { "zh-CN": "模型（逻辑回归或梯度提升树）", "en-US": "Model (logistic regression or gradient-boosted trees)" }, label: { "zh-CN": "模型", "en-US": "Model" } },
          probability: { type: "number", format: "percent", description: { "zh-CN": "预测在预测期内流失的概率", "en-US": "Predicted probability of churning within the horizon" }, label: { "zh-CN": "流失概率", "en-US": "Churn probability" } },
        },
      },
      model_card: {
        description: { "zh-CN": "模型卡片", "en-US": "Model card" },
        columns: {
          item: { type: "string", format: "label", description: { "zh-CN": "项目代码", "en-US": "Item code" }, label: { "zh-CN": "项目", "en-US": "Item" } },
          label: { type: "string", format: "label", description: { "zh-CN": "项目的显示名称", "en-US": "Item as readers see it" }, label: { "zh-CN": "项目", "en-US": "Item" } },
          value: { type: "string", format: "label", description: { "zh-CN": "该项目的取值", "en-US": "The item's value" }, label: { "zh-CN": "取值", "en-US": "Value" } },
        },
      },
    },
  },
  chart(result, { ctx }) {
    if (result.tables.gains?.length === 0) return null;
    const say = msg(ctx.locale).model;
    const spec: ChartSpec = {
      title: say.gainsTitle,
      marks: [
        { mark: "lineY", data: "gains", options: { x: "cumulative_customers_share", y: "cumulative_churners_share", stroke: "model", marker: "circle" } },
        { mark: "ruleY", data: "gains", options: { y: 0 } },
      ],
      x: { label: say.gainsX, format: "percent", domain: [0, 1] },
      y: { label: say.gainsY, format: "percent", domain: [0, 1] },
      color: { legend: true },
    };
    return spec;
  },
});

function computeChurnModel(data: Record<string, Row[]>, params: ChurnModelParams, ctx: RunContext, models: ReturnType<typeof parseModels>, asOf: string): AnalysisResult {
  const L = ctx.locale;
  const words = msg(L);
  const say = words.model;
  const source = data.customers ? "flat" : "events";
  const prep = prepare(data, source, ctx);
  const opts = modelOptions(params);
  const notes: string[] = [];
  if (prep.train.length === 0) return emptyResult(prep, say.noTrainingRows);
  const d = design(prep);
  notes.push(...modelNotes(prep, null, null, L, params.seed));
  const positives = prep.y.reduce((a, b) => a + b, 0);
  if (positives === 0 || positives === d.n) {
    return emptyResult(prep, say.singleOutcome);
  }
  if (Math.min(positives, d.n - positives) < 30) notes.push(say.fewMinority(Math.min(positives, d.n - positives)));
  if (d.p === 0) notes.push(say.noFeatures);
  const k = Math.min(params.folds, d.n);
  const folds = source === "flat" ? foldsByIndex(d.n, k) : foldsByGroup(prep.groups, k);
  const split = source === "events" ? timeSplit(prep.cutoffs) : null;

  // annual value of each training row (for the cost trade-off)
  const vf = annualValueField(source === "flat" ? prep.columns : Object.keys(prep.train[0]!), params.value_field);
  const value = vf ? prep.train.map((r) => { const v = numberOrNull(r[vf.column]); return v === null ? null : v * vf.factor; }) : null;
  if (!vf) notes.push(say.noValueColumn);

  const metrics: Row[] = [], drivers: Row[] = [], coefficients: Row[] = [], gains: Row[] = [], calibration: Row[] = [], confusion: Row[] = [], costCurve: Row[] = [], scores: Row[] = [];
  const scoreX = prep.score.length > 0 ? encodeRows(d.encoder, prep.score) : null;
  let best: { model: ModelKind; auc: number } | null = null;
  const card: Record<string, unknown> = {};

  for (const kind of models) {
    const { oof, first } = outOfFold(kind, d, prep.y, folds, k, opts);
    const mrow = metricsRow(kind, "cv", prep.y, oof);
    metrics.push(mrow);
    if (typeof mrow.auc === "number" && (!best || mrow.auc > best.auc)) best = { model: kind, auc: mrow.auc };
    if (split && split.train.length > 0) {
      const ytr = takeLabels(prep.y, split.train);
      const trainPos = ytr.reduce((a, b) => a + b, 0);
      if (trainPos > 0 && trainPos < ytr.length) {
        const m = train(kind, takeRows(d.x, d.p, split.train), ytr, split.train.length, d.p, opts);
        metrics.push(metricsRow(kind, `time:${split.testCutoff}`, takeLabels(prep.y, split.test), m.predict(takeRows(d.x, d.p, split.test), split.test.length)));
      }
    }
    for (const g of gainsByDecile(prep.y, oof)) gains.push({ model: kind, ...g });
    for (const c of calibrationCurve(prep.y, oof)) calibration.push({ model: kind, ...c });
    const c = costTradeOff(prep.y, oof, params.threshold, params.offer_cost, params.save_rate, value);
    confusion.push({ model: kind, ...c });
    for (let th = 1; th <= 19; th++) {
      const ct = costTradeOff(prep.y, oof, th / 20, params.offer_cost, params.save_rate, value);
      costCurve.push({ model: kind, threshold: th / 20, offers: ct.offers, tp: ct.tp, fp: ct.fp, precision: ct.precision, recall: ct.recall, offer_cost_total: ct.offer_cost_total, value_saved: ct.value_saved, net_benefit: ct.net_benefit });
    }

    // final model on every training row
    const final = train(kind, d.x, prep.y, d.n, d.p, opts);
    const fitted = final.predict(d.x, d.n);
    const perm = first ? permutationImportance(first.model.predict, takeRows(d.x, d.p, first.test), takeLabels(prep.y, first.test), first.test.length, d.p, opts.seed) : new Array(d.p).fill(null);
    const rows: Row[] = d.encoder.features.map((f, j) => {
      if (kind === "logistic") {
        const m = final.logistic!;
        const b = m.betaStd[j + 1]!;
        return { model: kind, feature: f.name, label: featureLabel(f.name, L), importance: Math.abs(b), permutation_importance: perm[j] ?? null, direction: b > 0 ? "up" : b < 0 ? "down" : null, coefficient: m.coef[j + 1]!, odds_ratio: Math.exp(m.coef[j + 1]!) };
      }
      return { model: kind, feature: f.name, label: featureLabel(f.name, L), importance: final.gbdt!.gain[j]!, permutation_importance: perm[j] ?? null, direction: direction(d.x, d.n, d.p, j, fitted), coefficient: null, odds_ratio: null };
    });
    rows.sort((a, b) => (b.importance as number) - (a.importance as number) || String(a.feature).localeCompare(String(b.feature)));
    drivers.push(...rows.map((r, i) => ({ ...r, rank: i + 1 })));
    if (kind === "logistic") {
      const m = final.logistic!;
      card.logistic_converged = m.converged;
      card.logistic_status = m.status;
      card.logistic_iterations = m.iterations;
      if (m.status === "separated") notes.push(...fitNotes(final, d.encoder, L));
      else if (!m.converged) notes.push(say.possiblySeparated);
      coefficients.push(coefRow("(intercept)", "(intercept)", m.coef[0]!, m.se[0] ?? null, null));
      d.encoder.features.forEach((f, j) => coefficients.push(coefRow(f.name, featureLabel(f.name, L), m.coef[j + 1]!, m.se[j + 1] ?? null, m.sd[j]! > 0 ? Math.exp(m.betaStd[j + 1]!) : null)));
    } else {
      card.gbdt_rounds = final.gbdt!.bestRound;
    }
    if (scoreX) {
      const pr = final.predict(scoreX, prep.score.length);
      const list = prep.score.map((r, i) => ({ customer_id: String(r.customer_id), model: kind as string, probability: pr[i]! }));
      list.sort((a, b) => b.probability - a.probability || (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0));
      scores.push(...list);
    }
  }

  const churnRate = positives / d.n;
  const cutoffs = source === "events" ? trainingCutoffs(asOf, params.horizon_days, params.cutoffs) : [];
  const customers = new Set(prep.groups).size;
  const scalars = {
    source,
    training_rows: d.n,
    customers,
    churners: positives,
    churn_rate: churnRate,
    features: d.p,
    folds: k,
    first_cutoff: cutoffs[0] ?? null,
    last_cutoff: cutoffs[cutoffs.length - 1] ?? null,
    label_window_end: cutoffs.length ? addDays(cutoffs[cutoffs.length - 1]!, params.horizon_days) : null,
    scoring_date: source === "events" ? asOf : null,
    scored_customers: prep.score.length,
    best_model: best?.model ?? null,
    best_auc: best?.auc ?? null,
    logistic_converged: (card.logistic_converged as boolean | undefined) ?? null,
    /** converged, not-converged or separated (no finite MLE: refitted with L2, see predict/logistic.ts). */
    logistic_status: (card.logistic_status as string | undefined) ?? null,
    excluded_columns: prep.excluded.length ? prep.excluded.map((e) => e.column).join(", ") : null,
    gbdt_rounds: (card.gbdt_rounds as number | undefined) ?? null,
  };
  const featureList = [...new Set(d.encoder.features.map((f) => columnLabel(f.column, L)))];
  const cardRow = (item: keyof typeof say.card, value: string): Row => ({ item, label: say.card[item], value });
  const modelCard: Row[] = [
    cardRow("data", source === "flat" ? say.flatData : say.eventData(cutoffs.length, String(cutoffs[0]), String(cutoffs[cutoffs.length - 1]), params.horizon_days, asOf)),
    cardRow("sample", say.sample(d.n, customers, positives, `${(churnRate * 100).toFixed(1)}%`) + (prep.population > d.n ? say.sampledFrom(prep.population, params.seed) : "")),
    cardRow("features", say.features(d.p, featureList)),
    cardRow("validation", source === "flat" ? say.cvFlat(k) : say.cvEvents(k, split !== null)),
    cardRow("metrics", words.clauses(metrics.filter((m) => m.validation === "cv").map((m) => words.labelled(String(m.model), `AUC ${fmt(m.auc)}, AP ${fmt(m.average_precision)}, Brier ${fmt(m.brier)}`)))),
    cardRow("drivers", words.clauses(models.map((m) => words.labelled(m, words.list(drivers.filter((r) => r.model === m).slice(0, 5).map((r) => String(r.label))))))),
    cardRow("limitations", source === "flat" ? say.limitationsFlat : say.limitationsEvents),
  ];
  return { scalars, tables: { metrics, drivers, coefficients, gains, calibration, confusion, cost_curve: costCurve, scores, model_card: modelCard }, notes };
}

function fmt(v: unknown): string {
  return typeof v === "number" ? v.toFixed(3) : "—";
}

function coefRow(feature: string, label: string, coef: number, se: number | null, orPerSd: number | null): Row {
  const z = se !== null && se > 0 ? coef / se : null;
  return { feature, label, coefficient: coef, std_error: se, z, p_value: z === null ? null : normalTwoSidedP(z), odds_ratio: Math.exp(coef), odds_ratio_per_sd: orPerSd };
}
