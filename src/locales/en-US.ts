// The en-US message catalogue, and the shape every locale's catalogue has (`Messages`): each
// sentence, label and note the analyses and the runner print, keyed by where it is used. A
// message with values is a function of them; a locale that lacks a key, or takes other values,
// fails the type check. Numbers arrive formatted by the caller unless a message picks a plural.

/** "1 customer" / "3 customers": English plural by count. */
const pl = (n: number, one: string, many: string) => (n === 1 ? one : many);

export const enUS = {
  /** A list of names in running text. */
  list: (items: string[]) => items.join(", "),

  /** Rows the period metrics and the lifetimes leave out (one droppedRowsSql row), by dataset. */
  dropped: {
    zeroLength: (ds: string, k: number) => `${k} subscription${pl(k, " ends", "s end")} on the day ${pl(k, "it starts", "they start")} (zero length) in ${ds}: no activity spell, left out.`,
    endsBeforeStart: (ds: string, k: number) => `${k} subscription${pl(k, " ends", "s end")} before ${pl(k, "it starts", "they start")} in ${ds}: left out.`,
    noCustomer: (ds: string, k: number) => `${k} row${pl(k, "", "s")} of ${ds} without a customer_id left out.`,
    noCustomerCounted: (ds: string, k: number) => `${k} row${pl(k, "", "s")} of ${ds} without a customer_id ${pl(k, "is", "are")} left out of the customer counts.`,
    noDate: (ds: string, k: number, field: string) => `${k} row${pl(k, "", "s")} of ${ds} without a ${field} left out.`,
    freeCustomers: (label: string, k: number) => `${label}: ${k} free customer${pl(k, "", "s")} (no paid subscription or purchase in the spell) left out (counted when the report is set to include free customers).`,
    noUsablePurchase: (k: number) => `${k} customer${pl(k, " has", "s have")} no usable purchase (only returns, or no date) and ${pl(k, "is", "are")} not in the lifetimes.`,
    noUsableSubscription: (k: number) =>
      `${k} customer${pl(k, " has", "s have")} no usable subscription (all zero-length, ending before the start, or without a start_date) and ${pl(k, "is", "are")} not in the lifetimes.`,
  },

  /** Zero denominators of a period's metrics. */
  periodMetrics: {
    noCustomersAtStart: (label: string) => `${label}: no customers at the start of the period; churn, retention and growth rates are undefined (null).`,
    zeroChurnDenominator: (label: string) => `${label}: the churn-rate denominator of the selected convention is zero; the rate is null.`,
    zeroMrrAtStart: (label: string) => `${label}: MRR at start is zero; MRR churn rates, GRR and NRR are undefined (null).`,
    zeroQuickRatioDenominator: (label: string) => `${label}: no churned or contraction MRR, so the quick ratio's denominator is zero; it is reported as null, not infinity.`,
    noRevenueField: "No mrr (subscriptions) or amount (transactions) field: the revenue metrics are null.",
    inactivityRevenue: "Inactivity basis: the MRR metrics use period revenue — the start level is the previous period's revenue, the end level this period's.",
    unattributedRevenue: (k: number, customers: string) => `${k} revenue record${pl(k, "", "s")} could not be attributed to a customer (${customers}); the bridge still reconciles.`,
    unattributedRevenueCount: (k: number) => `${k} revenue record${pl(k, "", "s")} could not be attributed to a customer; the bridge still reconciles.`,
  },

  churnTrend: {
    undefinedPeriods: (periods: string[]) => `Churn rate not defined (no customers at the start) for: ${periods.join(", ")}.`,
    chartTitle: "Customer churn and retention rate",
    period: "Period",
    rate: "Rate",
  },

  mrrMovements: {
    inactivityLevels: "Inactivity basis: the start level is the previous period's revenue, the end level this period's revenue.",
    chartTitle: (revenue: boolean, period: string) => `${revenue ? "Revenue" : "MRR"} bridge (${period})`,
    axis: (revenue: boolean): string => (revenue ? "Revenue" : "MRR"),
  },

  leakyBucket: {
    chartTitle: (period: string) => `Leaky bucket: customers in and out (${period})`,
  },

  churnDrivers: {
    noCustomersAtStart: (period: string) => `No customers at the start of ${period}: the change of the churn rate cannot be decomposed.`,
    chartTitle: "Contribution of each segment to the change in churn",
    contribution: "Contribution (points)",
  },

  churnedValue: {
    noBase: (period: string) => `no customers were active at the start of ${period}: no value tiers`,
    noneChurned: (period: string) => `no customer of the starting base churned in ${period}`,
    chartTitle: "Value mix: starting base vs churned",
    share: "Share of customers",
    tier: "Value tier",
  },

  cohorts: {
    noneAcquired: (n: number, last: string) => `no customers were acquired in the ${n} cohort period${pl(n, "", "s")} ending ${last}`,
    noMrrAtAcquisition: (cohort: string) => `cohort ${cohort} has no MRR at acquisition: its revenue retention is not defined`,
    missingCost: (k: number) => `${k} transaction${pl(k, " has", "s have")} no cost: counted as 0 in cost and profit`,
    sbgFitFailed: (cohort: string, reason: string) => `cohort ${cohort}: the shifted-beta-geometric fit failed: ${reason}`,
    periodsSinceAcquisition: "Periods since acquisition",
    cohort: "Cohort",
    acquisitionCohort: "Acquisition cohort",
    retentionTitle: "Customer retention by acquisition cohort",
    retentionRate: "Customer retention rate",
    revenueTitle: "Cumulative revenue per customer by cohort",
    revenuePerCustomer: "Cumulative revenue per customer",
    projectionTitle: "Cohort survival: observed and sBG projection",
    survival: "Survival",
    earlyChurnTitle: "Early churn of new cohorts",
    shareLost: "Share of cohort lost",
    horizon: "Horizon",
    notOldEnough: (h: number) => `no cohort is ${h} period${pl(h, "", "s")} old yet: early churn within ${h} is not available`,
  },

  common: {
    customers: "Customers",
  },
};

export type Messages = typeof enUS;
