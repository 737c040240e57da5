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

  common: {
    customers: "客户数",
  },
};
