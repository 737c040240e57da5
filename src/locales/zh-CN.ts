// The zh-CN message catalogue: the same keys and values as en-US (the type check enforces it),
// in Chinese with full-width punctuation (，：；（）) around Chinese text.

import type { Messages } from "./en-US.js";

export const zhCN: Messages = {
  list: (items) => items.join("、"),

  dropped: {
    zeroLength: (ds, k) => `${ds} 中有 ${k} 条订阅的结束日等于开始日（时长为零），不构成活跃期，未计入。`,
    endsBeforeStart: (ds, k) => `${ds} 中有 ${k} 条订阅的结束日早于开始日，已剔除。`,
    noCustomer: (ds, k) => `${ds} 中有 ${k} 行没有客户编号（customer_id），已剔除。`,
    noCustomerCounted: (ds, k) => `${ds} 中有 ${k} 行没有客户编号（customer_id），不计入客户数。`,
    noDate: (ds, k, field) => `${ds} 中有 ${k} 行没有日期（${field}），已剔除。`,
    freeCustomers: (label, k) => `${label}：${k} 位免费客户（活跃期内 MRR 始终为 0）未计入（报告设置为包含免费客户时计入）。`,
    noUsablePurchase: (k) => `${k} 位客户没有任何有效购买（只有退货或缺少日期），不在生命周期数据中。`,
    noUsableSubscription: (k) => `${k} 位客户没有任何有效订阅（都为零时长、结束早于开始或缺少开始日），不在生命周期数据中。`,
  },

  periodMetrics: {
    noCustomersAtStart: (label) => `${label}：期初没有客户，客户流失率、保持率和增长率无法计算（为空）。`,
    zeroChurnDenominator: (label) => `${label}：所选口径的流失率分母为零，流失率为空。`,
    zeroMrrAtStart: (label) => `${label}：期初 MRR 为零，MRR 流失率、GRR 和 NRR 无法计算（为空）。`,
    zeroQuickRatioDenominator: (label) => `${label}：没有流失或收缩 MRR，快速比率的分母为零，记为空（而非无穷大）。`,
    noRevenueField: "没有 MRR（订阅）或金额（交易）字段，收入指标为空。",
    inactivityRevenue: "非合约型（不活跃窗口）口径：MRR 类指标以期间收入计算，期初水平 = 上一期收入，期末水平 = 本期收入。",
    unattributedRevenue: (k, customers) => `${k} 条收入记录无法归属到客户（${customers}），但收入桥仍然平衡。`,
    unattributedRevenueCount: (k) => `${k} 条收入记录无法归属到客户，但收入桥仍然平衡。`,
  },

  churnTrend: {
    undefinedPeriods: (periods) => `以下各期期初没有客户，流失率无法计算：${periods.join("、")}。`,
    chartTitle: "客户流失率与保持率趋势",
    period: "期间",
    rate: "比率",
  },

  mrrMovements: {
    inactivityLevels: "非合约型口径：以上期收入为期初水平、本期收入为期末水平。",
    chartTitle: (revenue, period) => `${revenue ? "收入" : "MRR"}桥（${period}）`,
    axis: (revenue) => (revenue ? "收入" : "MRR"),
  },

  leakyBucket: {
    chartTitle: (period) => `漏水桶：客户流入与流出（${period}）`,
  },

  churnDrivers: {
    noCustomersAtStart: (period) => `${period} 没有期初客户，无法分解流失率的变化。`,
    chartTitle: "各细分对流失率变化的贡献",
    contribution: "贡献（百分点）",
  },

  churnedValue: {
    noBase: (period) => `${period} 期初没有活跃客户：无法划分价值层`,
    noneChurned: (period) => `期初客户中没有人在 ${period} 流失`,
    chartTitle: "期初客户与流失客户的价值构成",
    share: "占比",
    tier: "价值分层",
  },

  cohorts: {
    noneAcquired: (n, last) => `截至 ${last} 的 ${n} 个群组期内没有获得新客户`,
    noMrrAtAcquisition: (cohort) => `${cohort} 群组在获客时没有 MRR：其收入留存率无定义`,
    missingCost: (k) => `${k} 笔交易没有成本：在成本与利润中按 0 计`,
    sbgFitFailed: (cohort, reason) => `${cohort} 群组：sBG 模型拟合失败（${reason}）`,
    periodsSinceAcquisition: "获客后期数",
    cohort: "获客期",
    acquisitionCohort: "获客期",
    retentionTitle: "新客户群留存率",
    retentionRate: "客户留存率",
    revenueTitle: "新客户群人均累计收入",
    revenuePerCustomer: "人均累计收入",
    projectionTitle: "新客户群存活率：实际与 sBG 预测",
    survival: "存活率",
    earlyChurnTitle: "新客户群早期流失率",
    shareLost: "流失比例",
    horizon: "期限",
    notOldEnough: (h) => `还没有满 ${h} 期的新客户群：${h} 期内早期流失率无法计算`,
  },

  lifetimes: {
    badLifetimeRows: (n) => `${n} 行 lifetimes 数据的时长缺失或为负、或流失标记缺失，已剔除`,
    unit: (unit) => (unit === "duration" ? "时长" : unit === "month" ? "月" : "天"),
    lifetimeAxis: (unit) => `客户生命周期（${unit}）`,
    // An English column name keeps its spaces: 按 segment_code 分组; a Chinese name joins: 按套餐分组.
    byGroup: (by) => (/[\x20-\x7e]/.test(by) ? `按 ${by} 分组` : `按${by}分组`),
    survivalTitle: "客户生存曲线",
    survivalAxis: "生存率（未流失比例）",
    hazardTitle: "客户累计流失风险",
    hazardAxis: "累计风险（每位客户的预期流失次数）",
    noLifetimes: "没有客户生命周期数据：无法估计生存曲线",
    noLifetimesHazard: "没有客户生命周期数据：无法估计累计风险",
    missingGroup: (k, by) => `${k} 位客户没有“${by}”的取值，未计入分组曲线与检验`,
    missingGroupHazard: (k, by) => `${k} 位客户没有“${by}”的取值，未计入分组曲线`,
    tooFewGroups: (by, k) => `“${by}”只有 ${k} 个取值：不做对数秩检验`,
    beyondLongest: "部分时点超出了最长观察时长，其生存率为空",
    medianNotReached: "生存率未降到 50%：中位生命周期未达到",
    logRankUndefined: "对数秩检验无法计算（少于两组有预期流失）",
    noEvents: "没有流失事件：累计风险始终为 0",
    coxMissingCovariate: (k) => `${k} 位客户的协变量有缺失，未参与拟合`,
    coxSingleValue: (c) => `“${c}”只有一个取值，未纳入模型`,
    coxNoCustomers: "没有可用于拟合的客户",
    coxNoEvents: "没有流失事件：无法拟合 Cox 模型",
    coxNoCovariate: "没有可用的协变量",
    coxNotConverged: "模型未收敛（可能某个属性几乎完全区分了流失与未流失客户）：系数与标准误不可靠",
    coxTitle: "各属性的流失风险比",
    coxSubtitle: "大于 1：流失更早（生命周期更短）；小于 1：生命周期更长",
    coxAxis: (level) => `风险比（${level}% 置信区间，对数刻度）`,
  },

  clv: {
    summaryNoHoldout: "输入为预先汇总的数据（summary），没有交易明细，无法划分验证期：已忽略 calibration_end。",
    summaryNoObservationEnd: "输入为预先汇总的数据（summary）：已忽略 observation_end。",
    noCustomers: "没有可用的客户（样本期内没有交易）。",
    homogeneousRate:
      "各客户的购买频率没有差异（如按月固定付费），BG/NBD 取其极限形式：所有在网客户以同一速率 λ = r/α 购买（α 固定为大值），只估计 λ 与流失参数 a、b。订阅业务建议改用合约型 CLV（clv-contractual）。",
    homogeneousDropout: (p) =>
      `各客户的流失倾向没有差异（a、b 趋于无穷）：BG/NBD 取其极限形式，每次购买后所有客户以相同的概率 p = a/(a+b) = ${p} 流失，购买速率仍按 Gamma(r, α) 分布；表中的 a、b 只是代入公式的近似值（a + b = 10⁶），本身没有含义。`,
    homogeneousBoth: (lambda, p) =>
      `各客户的流失倾向同样没有差异（a、b 趋于无穷）：BG/NBD 退化为两参数形式，只估计购买速率 λ = ${lambda} 与每次购买后相同的流失概率 p = a/(a+b) = ${p}；表中的 r、α、a、b 只是代入公式的近似值（α 取大值，a + b = 10⁶），本身没有含义。`,
    noDropout: (mean, a, b) =>
      `BG/NBD 估计的平均流失概率 a/(a+b) = ${mean}，趋于 0（a = ${a}，b = ${b}）：数据中几乎看不到客户流失，模型认为每位客户都仍然活跃（存活概率约为 1），预期购买次数与 CLV 按观察到的购买速率延续而不计流失，应视为上限。设定 calibration_end 用验证期检验，或使用更长的观察期。`,
    boundaryParam: (name, value, large) => `${name} = ${value}${large ? "（趋于无穷）" : "（趋于 0）"}`,
    atBoundary: (params) => `BG/NBD 参数位于参数空间的边界：${params.join("，")}。数据不足以确定这些参数，预测取模型在该边界处的极限值，可靠性低于一般情况。`,
    noMonetary: "数据中没有金额（monetary），跳过 Gamma–Gamma 客单价模型：预期客单价与 CLV 为空。",
    nonPositiveSpend: (k) => `${k} 位有重复购买但平均消费 ≤ 0 的客户未参与 Gamma–Gamma 拟合。`,
    spendFitFailed: (why) =>
      `Gamma–Gamma 客单价模型无法拟合（${why === "boundary" ? "参数趋于边界，数据无法确定该模型" : why === "too-few" ? "有重复购买且消费为正的客户不足 2 位" : "似然最大化未收敛"}）：预期客单价改用客户自己的平均客单价，仅一次购买的客户用全体重复购买客户的平均值。`,
    infiniteMeanSpend: "Gamma–Gamma 的 q ≤ 1：总体平均客单价无穷大，仅一次购买客户的预期客单价与 CLV 为空。",
    noHoldoutPurchases: "验证期内没有购买：总购买误差无法计算。",
    repeatTitle: "累计重复购买次数：实际与模型",
    repeatCaption: "实线为实际值，虚线为 BG/NBD 模型值；竖线为校准期末。",
    week: "周",
    repeatPurchases: "累计重复购买次数",
    aliveTitle: "存活概率与客户终身价值",
    pAlive: "存活概率",
    clv: "客户终身价值",
    expectedPurchases: "预期购买次数",
    alphaNearZero: (alpha) => `α = ${alpha} 接近 0：模型认为大多数客户几乎不会流失，剩余寿命很长，CLV 主要由折现率决定，应视为上限。`,
    alphaAtMostOne: "α ≤ 1：不折现的预期剩余期数为无穷大，已记为空；CLV 仍按折现计算。",
    noActiveCustomers: "报告期末没有在订客户。",
    sbgTitle: "新客户群存活率：实际与 sBG 模型",
    sbgCaption: "点为实际合并存活率，线为 sBG 模型 S(t)。",
    survivingShare: "存活率",
  },

  segmentation: {
    noCostToServe: "未提供服务成本（交易表无 cost 字段，也未设参数 cost_columns）：客户价值 = 净收入。",
    noCustomersWithTransactions: (asOf) => `截至 ${asOf} 没有有交易的客户。`,
    totalValueNotPositive: "客户价值合计不为正：价值占比为空。",
    smallPeerGroups: (k, minPeers) => `${k} 位客户所在同类客户组少于 min_peers = ${minPeers} 位：无潜在价值与增长差距。`,
    valueTitle: "各类客户的价值",
    valueAxis: "客户价值（收入 − 服务成本）",
    noCustomersInWindow: "窗口内没有有交易的客户。",
    netTotalNotPositive: "客户价值净合计不为正：占比与 share_for_80pct 无定义。",
    fewCustomers: (n) => `只有 ${n} 位客户：部分十分位组为空。`,
    negativeRankedLast: (k, profit) => `${k} 位客户的${profit ? "利润" : "收入"}为负，排在最后；累计占比可能超过 100%。`,
    measure: (profit) => (profit ? "利润" : "收入"),
    decileTitle: (what) => `各十分位${what}占比与累计占比`,
    decileAxis: "十分位（1 = 价值最高）",
    shareOf: (what) => `${what}占比`,
    cpmLapsed: (days) => `≥ ${days} 天未购买`,
    cpmRecent: (days) => `${days} 天内有购买`,
    cpmBase: (i, spend, tenure) => (i === 0 ? "购买 1 次" : `购买 ≥ 2 次，累计消费 ${i <= 2 ? "<" : "≥"} ${spend}，消费间隔 ${i % 2 === 1 ? "<" : "≥"} ${tenure} 天`),
    cpmRule: (base, lapse) => `${base}；${lapse}`,
    cpmReturnsOnly: (k) => `${k} 位客户只有退货、没有购买，未分组。`,
    noCustomersWithPurchase: (asOf) => `截至 ${asOf} 没有有购买的客户。`,
    cpmTitle: "CPM 各组客户数",
    rfmReturnsOnly: (k, asOf) => `${k} 位客户截至 ${asOf} 只有退货、没有购买，未参与评分。`,
    rfmTiedEdges: (m) => `${m}：取值分位点有重复，改按排名（同值按客户编号依次排名）分箱。`,
    rfmOneBin: (m) => `${m}：客户少于两位，所有客户在同一档。`,
    rfmZeroSpend: "净消费额合计为 0：收入占比为空。",
    rfmTitle: "RFM 细分客户数",
    noAttributes: "客户表没有可用于细分的属性列。",
    noTransactions: "没有交易数据集：复购率为空。",
    noChurnData: "没有流失口径所需的数据，也没有 churned 标签：流失率为空。",
    skippedNumeric: (a, type) => `“${a}”为数值或日期列（${type}），已跳过；如需按其取值细分，请在参数 by 中列出。`,
    skippedTooMany: (a, k, max) => `“${a}”有 ${k} 个不同取值（超过 max_segments = ${max}），已跳过。`,
    noRepeatLeader: (a, min) => `${a}：没有细分拥有 ${min} 位以上有购买的客户，不标出复购率最高的细分。`,
    repeatTitle: "各细分复购率",
    repeatRate: "复购率",
  },

  churnReasons: {
    counted: (label, n) => `${label}（${n}）`,
    countedList: (shown, rest) => shown.join("、") + (rest > 0 ? ` 等，另有 ${rest} 个` : ""),
    noDate: (k) => `${k} 条流失事件没有日期，未计入。`,
    noEvents: (period) => `${period} 没有流失事件。`,
    unmapped: (k, list) => `${k} 个流失事件的原因不在原因分类映射（reason_map 及内置类别名）中，按数据原样列出、类别记为“未映射”：${list}。`,
    noReason: (k, label) => `${k} 个流失事件没有填写原因，列为“${label}”。`,
    unknownType: (k, list) => `${k} 个流失事件的类型无法识别（不是主动/被动），记为“未注明”：${list}。`,
    openSubtype: (k, list) => `${k} 个流失事件的细分类型不在内置分类中，按数据原样列出：${list}。`,
    noSubscription: (k) => `${k} 个流失事件在流失日前一天没有有效订阅，流失 MRR 记为 0。`,
    chartTitle: "流失原因",
    events: "流失事件数",
  },

  model: {
    separated: (names, l2) =>
      `逻辑回归出现（准）完全分离：${names.join("、")} 把部分客户的结果完全区分开，最大似然系数趋于无穷（标准误远大于系数），不存在有限的估计。已改用 L2 正则化（标准化系数上 λ = ${l2}）重新拟合，这些系数被收缩、其标准误与 p 值仅供参考；拟合状态记为“分离”，不是“收敛”。`,
    notConverged: "逻辑回归未收敛：可设置 l2 > 0",
    leakColumn: (column, auc) => `${column}（AUC ${auc}）`,
    leaks: (columns, leakAuc, low) =>
      `字段 ${columns.join("、")} 单独就几乎完全区分了流失与未流失客户（单特征 AUC ≥ ${leakAuc} 或 ≤ ${low}），很可能是结果本身的另一种记录（如状态字段），已从模型中排除`,
    ids: (columns) => `字段 ${columns.join("、")} 是编号或行号（每位客户取值各不相同，名称像编号或随行序单调变化），不反映客户特征，已从模型中排除`,
    sentences: (parts) => `${parts.join("；")}。`,
  },

  common: {
    customers: "客户数",
  },
};
