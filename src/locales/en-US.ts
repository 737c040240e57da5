// The en-US message catalogue, and the shape every locale's catalogue has (`Messages`): each
// sentence, label and note the analyses and the runner print, keyed by where it is used. A
// message with values is a function of them; a locale that lacks a key, or takes other values,
// fails the type check. Numbers arrive formatted by the caller unless a message picks a plural.

/** "1 customer" / "3 customers": English plural by count. */
const pl = (n: number, one: string, many: string) => (n === 1 ? one : many);

const shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export const enUS = {
  /** A list of names in running text. */
  list: (items: string[]) => items.join(", "),
  /** A label and its value in running text ("Plan: Basic"). */
  labelled: (label: string, value: string) => `${label}: ${value}`,
  /** Clauses of one sentence, or entries of one table cell ("logistic: AUC 0.81; gbdt: AUC 0.84"). */
  clauses: (items: string[]) => items.join("; "),
  /** Alternatives in running text ("start date or end date"). */
  either: (items: string[]) => items.join(" or "),
  /** Row numbers of a data finding; `more` when the finding has rows beyond those listed. */
  rowList: (rows: string[], more: boolean) => rows.join(", ") + (more ? ", …" : ""),

  /** The footnote of a markdown or KPI cell that shows a value the data leave undefined ("—"). */
  missingValue: (refs: string[]) => `— means no value: ${refs.join(", ")} ${refs.length === 1 ? "is" : "are"} not defined for this period's data.`,
  /** The footnote of a table whose columns print "—": the columns' headers, and why (their declared reason), if known. */
  missingInColumns: (columns: string[], why: string | null) => `— in ${columns.join(", ")}: ${why ?? "no value in the data for that row"}.`,

  /** The words of formatted values (util/format.ts) and of chart axes (charts/ticks.ts). */
  format: {
    /** A quarter label, 2026-Q3. */
    quarter: (year: string, quarter: string) => `Q${quarter} ${year}`,
    /** A year label, 2026. */
    year: (year: string) => year,
    /** A change of a rate in percentage points; `signed` is the figure with its sign. */
    pointsChange: (signed: string) => `${signed} pp`,
    months: (value: string, n: number) => `${value} ${Math.abs(n) === 1 ? "month" : "months"}`,
    days: (value: string, n: number) => `${value} ${Math.abs(n) === 1 ? "day" : "days"}`,
    /** Date ticks: a year alone; a month (with its year on the first tick and each January); a day. */
    axisYear: (year: number) => String(year),
    axisMonth: (month: number, year: number | null) => `${shortMonths[month]}${year === null ? "" : ` ${year}`}`,
    axisDay: (month: number, day: number, year: number | null) => `${shortMonths[month]} ${day}${year === null ? "" : `, ${year}`}`,
  },

  charts: {
    /** Under a bridge whose vertical axis is cut (charts/waterfall.ts). */
    cutAxisNote: "Note: the vertical axis does not start at zero, so the flows are visible; the start and end bars are not to scale.",
    /** Under a chart whose marks leave out rows with no value ("—") in a plotted column. */
    pointsLeftOut: (n: number) => `${n} ${pl(n, "point has", "points have")} no value and ${pl(n, "is", "are")} not drawn.`,
  },

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
    chartTitle: "Customer churn rate",
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
    missing: "(missing)",
    tenure: "Tenure",
    chartTitle: "Contribution of each segment to the change in churn",
    contribution: "Contribution (points)",
  },

  churnedValue: {
    noBase: (period: string) => `no customers were active at the start of ${period}: no value tiers`,
    tierLabel: (tier: "high" | "middle" | "low", share: string): string => (tier === "high" ? `High value (top ${share})` : tier === "low" ? `Low value (bottom ${share})` : "Middle"),
    group: (base: boolean): string => (base ? "Starting base" : "Churned"),
    joinedAndChurned: (k: number, period: string) => `${k} customer${pl(k, "", "s")} joined and churned within ${period}: not in the starting base, not counted here`,
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
    cohortWithSize: "Cohort (n = customers acquired)",
    cohortSize: (cohort: string, n: string) => `${cohort} (n=${n})`,
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
    lostWithin: (h: number, quarters: boolean) => `Lost within ${h} ${quarters ? pl(h, "quarter", "quarters") : pl(h, "month", "months")}`,
    notOldEnough: (h: number) => `no cohort is ${h} period${pl(h, "", "s")} old yet: early churn within ${h} is not available`,
  },

  /** Why a shifted-beta-geometric fit is not usable (stats/sbg.ts SbgFailure, by code). */
  sbg: {
    invalidCount: (period: number, value: string) => `invalid survivor count at period ${period}: ${value}`,
    increasing: (period: number, from: string, to: string) => `survivors increase from period ${period - 1} to ${period} (${from} → ${to})`,
    noCohort: "no cohort with customers and at least one observed period",
    tooFewPeriods: "too few periods: the sBG model needs survivor counts for at least 2 periods after acquisition",
    noLoss: "no customer was lost in the observed periods: churn cannot be estimated",
    allLostFirst: "every customer was lost in the first period: retention cannot be estimated",
    noHeterogeneity: "the estimates run off to infinity (α + β > 10⁴): the data show no heterogeneity in churn (constant or rising churn rates), which the sBG model cannot represent",
    boundary: "the estimates run off to the boundary of the parameter space (α or β → 0)",
    notConverged: "the likelihood maximisation did not converge",
  },

  /** The survival family: lifetimes (survival-data), Kaplan–Meier, Nelson–Aalen and Cox. */
  lifetimes: {
    badLifetimeRows: (n: number) => `${n} lifetimes row${pl(n, " was", "s were")} left out (missing or negative duration, or missing event)`,
    unit: (unit: "duration" | "month" | "day"): string => (unit === "duration" ? "duration" : unit === "month" ? "months" : "days"),
    lifetimeAxis: (unit: string) => `Lifetime (${unit})`,
    byGroup: (by: string) => `By ${by}`,
    survivalTitle: "Customer survival",
    survivalAxis: "Survival (share not churned)",
    hazardTitle: "Cumulative churn hazard",
    hazardAxis: "Cumulative hazard (expected churns per customer)",
    noLifetimes: "no customer lifetimes in the data: no survival curve can be estimated",
    noLifetimesHazard: "no customer lifetimes in the data: no cumulative hazard can be estimated",
    missingGroup: (k: number, by: string) => `${k} customer${pl(k, "", "s")} without a value of "${by}" ${pl(k, "is", "are")} left out of the group curves and the log-rank test`,
    missingGroupHazard: (k: number, by: string) => `${k} customer${pl(k, "", "s")} without a value of "${by}" ${pl(k, "is", "are")} left out of the group curves`,
    tooFewGroups: (by: string, k: number) => `"${by}" has ${k} value${pl(k, "", "s")}: no log-rank test`,
    beyondLongest: "some horizons lie beyond the longest observed lifetime: their survival is null",
    medianNotReached: "survival never fell to 50%: the median lifetime is not reached",
    logRankUndefined: "the log-rank test cannot be computed (fewer than two groups with expected churns)",
    noEvents: "no churn events: the cumulative hazard stays at 0",
    coxMissingCovariate: (k: number) => `${k} customer${pl(k, "", "s")} with a missing covariate ${pl(k, "was", "were")} left out of the fit`,
    coxSingleValue: (c: string) => `"${c}" takes a single value and is left out of the model`,
    coxNoCustomers: "no customers to fit the model on",
    coxNoEvents: "no churn events: the Cox model cannot be fitted",
    coxNoCovariate: "no usable covariate",
    coxNotConverged: "the model did not converge (an attribute may separate churned from retained customers almost perfectly): coefficients and standard errors are unreliable",
    coxTitle: "Hazard ratios of churn by attribute",
    coxSubtitle: "Above 1: churn sooner (shorter lifetime); below 1: longer lifetime",
    coxAxis: (level: number) => `Hazard ratio (${level}% CI, log scale)`,
  },

  /** BG/NBD + Gamma–Gamma (clv), its boundary cases (clv-boundary) and contractual sBG CLV. */
  clv: {
    summaryNoHoldout: "The input is a precomputed summary without transactions, so there is no holdout: calibration_end is ignored.",
    summaryNoObservationEnd: "The input is a precomputed summary: observation_end is ignored.",
    noCustomers: "No customers: there are no transactions in the sample period.",
    homogeneousRate:
      "Purchase rates do not vary between customers (e.g. fixed monthly billing): BG/NBD is fitted in its limit — every live customer buys at one rate λ = r/α (α held large), and only λ and the drop-out parameters a, b are estimated. For subscriptions, contractual CLV (clv-contractual) fits better.",
    homogeneousDropout: (p: string) =>
      `Drop-out does not vary between customers (a, b run off to infinity): BG/NBD is fitted in its limit, every customer dropping out after a purchase with one probability p = a/(a+b) = ${p}, purchase rates still Gamma(r, α). The a and b shown are stand-ins for the formulas (a + b = 10⁶), not estimates.`,
    homogeneousBoth: (lambda: string, p: string) =>
      `Drop-out does not vary between customers either (a, b run off to infinity): BG/NBD reduces to two parameters, the purchase rate λ = ${lambda} and one drop-out probability after each purchase, p = a/(a+b) = ${p}. The r, α, a and b shown are stand-ins for the formulas (α held large, a + b = 10⁶), not estimates.`,
    noDropout: (mean: string, a: string, b: string) =>
      `BG/NBD puts the mean drop-out probability a/(a+b) at ${mean}, practically 0 (a = ${a}, b = ${b}): the data show almost no customer dropping out, so the model takes every customer as alive (P(alive) about 1) and expected purchases and CLV continue the observed purchase rates with no attrition; read them as an upper bound. Check with a holdout (calibration_end) or a longer observation window.`,
    boundaryParam: (name: string, value: string, large: boolean) => `${name} = ${value}${large ? " (running off to infinity)" : " (running off to 0)"}`,
    atBoundary: (params: string[]) => `BG/NBD estimates at the boundary of the parameter space: ${params.join(", ")}. The data do not identify these parameters; predictions are the model's limit there and less reliable than usual.`,
    noMonetary: "No monetary values in the data: the Gamma–Gamma spend model is skipped, so expected spend and CLV are null.",
    nonPositiveSpend: (k: number) => `${k} customer(s) with repeat purchases but mean spend ≤ 0 were left out of the Gamma–Gamma fit.`,
    /** `why` classifies the fit error; English states the error's own message. */
    spendFitFailed: (_why: "boundary" | "too-few" | "not-converged", message: string) =>
      `The Gamma–Gamma spend model could not be fitted (${message}): expected spend is the customer's own average spend, and for one-time buyers the average over repeat buyers.`,
    infiniteMeanSpend: "Gamma–Gamma q ≤ 1: the population mean spend is infinite, so expected spend and CLV of one-time buyers are null.",
    noHoldoutPurchases: "No purchases in the holdout period: the total purchase error is not defined.",
    repeatTitle: "Cumulative repeat purchases: actual vs model",
    repeatCaption: "Solid: actual; dashed: BG/NBD model; the vertical rule marks the end of calibration.",
    week: "Week",
    repeatPurchases: "Cumulative repeat purchases",
    aliveTitle: "P(alive) and customer lifetime value",
    pAlive: "P(alive)",
    clv: "CLV",
    expectedPurchases: "Expected purchases",
    alphaNearZero: (alpha: string) =>
      `α = ${alpha} is close to 0: the model holds that most customers almost never churn, so residual lifetimes are long and CLV is driven by the discount rate; read it as an upper bound.`,
    alphaAtMostOne: "α ≤ 1: the undiscounted expected remaining periods are infinite (shown empty); CLV is still finite with discounting.",
    noActiveCustomers: "No customer is active at the end of the report period.",
    sbgTitle: "Cohort survival: observed vs sBG model",
    sbgCaption: "Dots: observed pooled survival; line: sBG model S(t).",
    survivingShare: "Surviving share",
  },

  /** Customer value, deciles, RFM, CPM and attribute segments. */
  segmentation: {
    noCostToServe: "Cost to serve not provided (no transactions cost field, no cost_columns): value = net revenue.",
    noCustomersWithTransactions: (asOf: string) => `No customers with transactions on or before ${asOf}.`,
    totalValueNotPositive: "Total customer value is not positive: value shares are empty.",
    smallPeerGroups: (k: number, minPeers: number) => `${k} customer(s) are in peer groups smaller than min_peers = ${minPeers}: no potential value or gap.`,
    valueTitle: "Value by customer class",
    valueAxis: "Value (revenue − cost to serve)",
    noCustomersInWindow: "No customers with transactions in the window.",
    netTotalNotPositive: "The net total value is not positive: shares and share_for_80pct are not defined.",
    fewCustomers: (n: number) => `Only ${n} customer(s): some deciles are empty.`,
    negativeRankedLast: (k: number, profit: boolean) => `${k} customer(s) with negative ${profit ? "profit" : "revenue"} are ranked last; the cumulative share may exceed 100%.`,
    measure: (profit: boolean): string => (profit ? "profit" : "revenue"),
    decileTitle: (what: string) => `Share of ${what} by decile, and cumulative share`,
    decileAxis: "Decile (1 = highest value)",
    shareOf: (what: string) => `Share of ${what}`,
    cpmLapsed: (days: number) => `no purchase for ≥ ${days} days`,
    cpmRecent: (days: number) => `bought within ${days} days`,
    /** The five CPM purchase patterns (0: one purchase; 1–4: spend below/above S, tenure below/above T). */
    cpmBase: (i: number, spend: string, tenure: number): string =>
      i === 0 ? "1 purchase" : `≥ 2 purchases, spend ${i <= 2 ? "<" : "≥"} ${spend}, tenure ${i % 2 === 1 ? "<" : "≥"} ${tenure} days`,
    cpmRule: (base: string, lapse: string) => `${base}; ${lapse}`,
    cpmReturnsOnly: (k: number) => `${k} customer(s) with returns but no purchase are not grouped.`,
    noCustomersWithPurchase: (asOf: string) => `No customers with a purchase on or before ${asOf}.`,
    cpmTitle: "Customers by CPM group",
    rfmReturnsOnly: (k: number, asOf: string) => `${k} customer(s) with returns but no purchase on or before ${asOf} are not scored.`,
    rfmTiedEdges: (m: string) => `${m}: quantile edges are not unique, so customers are binned on their rank (ties broken by customer id).`,
    rfmOneBin: (m: string) => `${m}: fewer than two customers; every customer is in one bin.`,
    rfmZeroSpend: "Total net spend is 0: revenue shares are empty.",
    rfmTitle: "Customers by RFM segment",
    noAttributes: "The customers dataset has no attribute columns to segment by.",
    noTransactions: "No transactions dataset: repeat-purchase rates are empty.",
    noChurnData: "No churn basis data and no churned label: churn rates are empty.",
    skippedNumeric: (a: string, type: string) => `"${a}" is skipped: a numeric or date column (${type}); name it in by to segment on its values.`,
    skippedTooMany: (a: string, k: number, max: number) => `"${a}" is skipped: ${k} distinct values (more than max_segments = ${max}).`,
    noRepeatLeader: (a: string, min: number) => `${a}: no segment has ${min}+ customers with purchases; no highest-repeat segment is called out.`,
    repeatTitle: "Repeat-purchase rate by segment",
    repeatRate: "Repeat-purchase rate",
  },

  churnReasons: {
    counted: (label: string, n: number) => `${label} (${n})`,
    countedList: (shown: string[], rest: number) => shown.join(", ") + (rest > 0 ? `, and ${rest} more` : ""),
    noDate: (k: number) => `${k} churn event${pl(k, " has", "s have")} no date and ${pl(k, "is", "are")} left out.`,
    noEvents: (period: string) => `no churn events in ${period}`,
    unmapped: (k: number, list: string) =>
      `${k} churn event${pl(k, "'s reason is", "s' reasons are")} not mapped by the reason taxonomy (reason_map and the built-in category names); listed as they are, category "unmapped": ${list}`,
    noReason: (k: number, label: string) => `${k} churn event${pl(k, " has", "s have")} no reason, listed as "${label}".`,
    unknownType: (k: number, list: string) => `${k} churn event${pl(k, "'s type is", "s' types are")} not recognised (neither voluntary nor involuntary) and counted as not stated: ${list}`,
    openSubtype: (k: number, list: string) => `${k} churn event${pl(k, "'s subtype is", "s' subtypes are")} not in the built-in taxonomy; listed as they are: ${list}`,
    noSubscription: (k: number) => `${k} churn event${pl(k, "", "s")} had no active subscription the day before the churn date: lost MRR counted as 0`,
    chartTitle: "Churn by reason",
    events: "Churn events",
  },

  /** The churn model's notes (predict/). */
  model: {
    separated: (names: string[], l2: number) =>
      `Logistic regression is (quasi-)completely separated: ${names.join(", ")} ${pl(names.length, "separates", "separate")} some customers' outcomes exactly, so the maximum-likelihood coefficients run off to infinity (standard errors far larger than the coefficients) and no finite estimate exists. The model was refitted with an L2 penalty (λ = ${l2} on standardised coefficients): those coefficients are shrunk, and their standard errors and p-values are indicative only. The fit's status is "separated", not "converged".`,
    notConverged: "logistic regression did not converge: try l2 > 0",
    trainingSample: (rows: number, population: number, seed: number) =>
      `trained on a sample of ${rows.toLocaleString("en-US")} of the ${population.toLocaleString("en-US")} training rows (customer × cutoff; param train_sample), drawn at random with seed ${seed} within churners and non-churners so each keeps its share; the validation and the scores use the model fitted on that sample`,
    leakColumn: (column: string, auc: string) => `${column} (AUC ${auc})`,
    leaks: (columns: string[], leakAuc: number, low: string) =>
      `${columns.join(", ")} alone almost perfectly separates churned from retained customers (single-feature AUC ≥ ${leakAuc} or ≤ ${low}): most likely the outcome recorded another way (such as a status column), so it is left out of the model`,
    ids: (columns: string[]) =>
      `${columns.join(", ")} ${pl(columns.length, "is an identifier or row number", "are identifiers or row numbers")} (a different value for every customer, named like an id or rising with the row order), not a customer trait, so ${pl(columns.length, "it is", "they are")} left out of the model`,
    sentences: (parts: string[]) => `${parts.join("; ")}.`,
    noTrainingRows: "no training rows (no active customers at the cutoffs, or no labels)",
    singleOutcome: "the training rows have a single outcome (all churned or none), so no model can be trained",
    fewMinority: (k: number) => `only ${k} rows of the minority outcome: the validation metrics are unstable`,
    noFeatures: "no usable feature: the models hold only an intercept",
    noValueColumn: "no customer value column: the cost trade-off counts offer costs only",
    possiblySeparated: "logistic regression did not converge (possible separation): try l2 > 0",
    gainsTitle: "Cumulative gains",
    gainsX: "share of customers contacted, highest risk first",
    gainsY: "share of churners reached",
    /** The model card's rows (churn-model model_card): item labels, then values. */
    card: {
      data: "data",
      sample: "sample",
      features: "features",
      validation: "validation",
      metrics: "metrics",
      drivers: "top drivers",
      limitations: "limitations",
    },
    flatData: "customer snapshot table (churned as the label)",
    eventData: (cutoffs: number, first: string, last: string, horizonDays: number, scoredAt: string) =>
      `event data, ${cutoffs} monthly cutoffs ${first} … ${last}, label window ${horizonDays} days, scored at ${scoredAt}`,
    sample: (rows: number, customers: number, churned: number, rate: string) => `${rows} rows, ${customers} customers, ${churned} churned (${rate})`,
    sampledFrom: (population: number, seed: number) => `, sampled from ${population} rows (seed ${seed})`,
    features: (count: number, labels: string[]) => `${count}: ${labels.join(", ")}`,
    cvFlat: (k: number) => `${k}-fold cross-validation (row index mod ${k})`,
    cvEvents: (k: number, timeSplit: boolean) => `${k}-fold cross-validation (by customer)${timeSplit ? ", time split on the latest cutoff" : ""}`,
    limitationsFlat: "Snapshot data: features and the churn label come from the same snapshot, so the model describes who churned rather than who will churn next; associations, not causes.",
    limitationsEvents:
      "Customer attributes are used as they are now (assumed static); probabilities reflect the churn rate of the training cutoffs; associations, not causes; customers with short histories are scored less reliably.",
    notEnoughTraining: "not enough training data (no rows or a single outcome): no churn probabilities",
    noValueField: "no customer value field: value at risk is empty",
    valueBasis12m: "trailing 12-month margin (revenue − cost; without transactions, current MRR × 12)",
    valueBasisColumn: (column: string, monthly: boolean) => `column ${column}${monthly ? " × 12" : ""}`,
    valueClasses: {
      mvc: "Most valuable (MVC)",
      mgc: "Most growable (MGC)",
      standard: "Standard",
      bzc: "Negative value (BZC)",
      unknown: "Value unknown",
    },
    /** The playbook's retention actions (predict/rules.ts defaultRules). */
    actions: {
      no_spend: "No retention spend (negative value)",
      account_manager: "Account manager call",
      fix_service: "Fix the service cause, handle the complaints (retaliatory risk)",
      tailored_offer: "Tailored offer",
      onboarding: "Onboarding and training",
      dedicated_care: "Dedicated service (guard the most valuable)",
      growth_offer: "Growth offer (convert into most valuable)",
      customer_care: "Customer care, keep in touch",
    },
    /** The model's features by source column (other columns show their own name). */
    columns: {
      tenure_days: "tenure (days)",
      prior_spells: "earlier spells (reactivations)",
      mrr_now: "current MRR",
      mrr_change_90d: "MRR change, 90 days",
      mrr_change_180d: "MRR change, 180 days",
      active_subscriptions: "active subscriptions",
      current_plan: "current plan",
      recency_days: "days since last purchase",
      frequency: "purchase frequency",
      monetary: "average purchase amount",
      revenue_30d: "revenue, 30 days",
      revenue_90d: "revenue, 90 days",
      revenue_180d: "revenue, 180 days",
      revenue_trend_90d: "revenue trend (last 90 vs previous 90 days)",
      margin_365d: "margin, 12 months",
      value_12m: "value, trailing 12 months",
      tickets_30d: "tickets, 30 days",
      tickets_90d: "tickets, 90 days",
      tickets_180d: "tickets, 180 days",
      tickets_total: "tickets, total",
      open_tickets: "open tickets",
      avg_resolve_days: "average days to resolve",
      last_satisfaction: "last satisfaction",
      avg_satisfaction: "average satisfaction",
      has_rating: "has a satisfaction rating",
      usage_30d: "usage, 30 days",
      usage_90d: "usage, 90 days",
      usage_180d: "usage, 180 days",
      usage_trend_90d: "usage trend (last 90 vs previous 90 days)",
      days_since_usage: "days since last use",
      account_age_days: "account age (days)",
      plan: "plan",
      region: "region",
      industry: "industry",
      channel: "channel",
      company_size: "company size",
    },
  },

  riskList: {
    chartTitle: (top: number) => `Top ${top} customers by value at risk`,
    valueAtRisk: "value at risk (probability × annual value)",
    customer: "customer",
  },

  customerCard: {
    notActive: "the customer is not active at the period end: no churn probability",
    notEnoughTraining: "not enough training data for a churn probability",
    /** The card's rows, by item. */
    items: {
      customer_id: "customer",
      status: "status",
      segment: "segment",
      value_class: "value class",
      contribution_to_date: "contribution to date (revenue − cost)",
      annual_value: "annual value",
      clv: "customer lifetime value (CLV)",
      reasons: "top reasons",
      complaints: "complaints / tickets",
      recommended_action: "recommended retention offer",
    },
    churnProbability: (days: number) => `churn probability, ${days} days`,
    status: (active: boolean): string => (active ? "active" : "churned"),
    tickets: (total: number, open: number) => `${total}, ${open} open`,
  },

  playbook: {
    noRule: "(no rule)",
    chartTitle: "Value at risk per retention action",
    valueAtRisk: "value at risk",
  },

  /** Alerts of page one (runner/alerts.ts): fired alerts and each rule in plain words. */
  alerts: {
    bandHistory: (periods: number, mean: string, upper: string) => `its mean over the past ${periods} periods ${mean}, usual upper limit ${upper}`,
    bandLast: (last: string, upper: string) => `last period ${last}, usual upper limit ${upper}`,
    segmentAbove: (by: string, segment: string, rate: string, basis: string) => `${by} "${segment}": churn rate ${rate}, above its usual band (${basis})`,
    above: (name: string, value: string, threshold: string) => `${name} ${value}, above the threshold of ${threshold}`,
    below: (name: string, value: string, threshold: string) => `${name} ${value}, below the threshold of ${threshold}`,
    upBy: (name: string, change: string, from: string, to: string, limit: string) => `${name} up ${change} (${from} → ${to}), more than ${limit}`,
    downBy: (name: string, change: string, from: string, to: string, limit: string) => `${name} down ${change} (${from} → ${to}), more than ${limit}`,
    segmentRule: (minCustomers: number, sigma: number) =>
      `Segment churn (by the churn-drivers attribute): a segment with at least ${minCustomers} customers at the start is flagged when its churn rate is above its usual upper limit = the mean of its churn rates over the past periods + ${sigma} × the larger of their standard deviation and the sampling error of a rate at this period's size; with fewer than 3 past periods, last period's rate + ${sigma} sampling errors.`,
    ruleAbove: (threshold: string) => `above ${threshold}`,
    ruleBelow: (threshold: string) => `below ${threshold}`,
    ruleUpBy: (change: string) => `up more than ${change} on the period before`,
    ruleDownBy: (change: string) => `down more than ${change} on the period before`,
    monthlyThresholds: " (thresholds are monthly; a quarterly or yearly report compounds them over its months, e.g. 3% churn a month is about 8.7% a quarter)",
    rule: (name: string, conditions: string[], note: string) => `${name}: alert when ${conditions.join(" or ")}${note}.`,
    /** The metrics an alert rule can watch (definition/page-one.ts AlertMetric). */
    metrics: {
      churn_rate: "Customer churn rate",
      retention_rate: "Customer retention rate",
      growth_rate: "Customer growth rate",
      nrr: "Net revenue retention (NRR)",
      grr: "Gross revenue retention (GRR)",
      gross_mrr_churn_rate: "Gross MRR churn rate",
      net_mrr_churn_rate: "Net MRR churn rate",
      customers_end: "Customers at the end",
      mrr_end: "MRR at the end",
      churned_mrr: "Churned MRR",
      high_value_share: "High-value share of the churned customers",
      early_churn: "Early churn of the latest cohort",
      segment_churn: "Segment churn rate",
    },
    /** Early churn with its horizon in the cohorts' grain. */
    within: (name: string, horizon: number, grain: "month" | "quarter" | "year") => `${name} (within ${horizon} ${pl(horizon, grain, `${grain}s`)})`,
    /** A change of a rate, in percentage points (one decimal). */
    points: (value: string) => `${value} points`,
  },

  /** The executive summary of page one (runner/summary.ts). */
  summary: {
    heading: "Executive summary",
    changes: "The most important changes",
    drivers: "What drove the change in churn",
    alerts: "Alerts",
    noAlerts: "No alert threshold was crossed.",
    actions: "What to do",
    materialityTitle: "Summary: how the changes are ranked",
    alertsTitle: "Summary: alert rules",
    driversTitle: "Summary: what drove the change in churn",
    /** The headline's comparison labels; `vsPrevious` is the grain's own ("vs last month"). */
    vsPrevious: (_grain: "month" | "quarter" | "year", vsPrevious: string) => vsPrevious,
    vsLastYear: "vs last year",
    points: (sign: string, value: string) => `${sign}${value} pts`,
    up: "up",
    down: "down",
    usualVariation: (z: string, unit: string, _adjective: string) => `, ${z}× its usual ${unit}-to-${unit} variation`,
    moneyAtStake: (money: string) => ` (about ${money} of MRR at stake)`,
    change: (name: string, value: string, vsPrevious: string, dir: string, delta: string, usual: string, money: string) => `${name} ${value}, ${dir} ${delta} ${vsPrevious}${usual}${money}.`,
    materialityRule: (n: number) =>
      `The candidates are customers, customer churn rate, net revenue retention, MRR, customer growth rate, gross revenue retention and gross MRR churn. Each one's change against the previous period, less the average period-to-period change (the trend), is divided by the standard deviation of those period-to-period changes over the churn trend before this period (its usual variation): the result says how many times its usual variation the change is. The changes are ranked by that multiple, largest first, and equal multiples by the money at stake (MRR metrics: the change itself; rates: the change × MRR at the start; customers: the change × the average MRR per customer). The summary lists the first ${n}; metrics that did not change are left out.`,
    rose: "rose",
    fell: "fell",
    flat: "was flat",
    drivers3: (vsPrevious: string, dir: string, total: string, from: string, to: string, by: string, rate: string, mix: string) =>
      `Customer churn ${dir} ${total.replace(/ pts$/, " points")} ${vsPrevious} (${from} → ${to}). By ${by.toLowerCase()}: ${rate} from each ${by.toLowerCase()}'s own churn rate, ${mix} from the mix of customers across them.`,
    topDriver: (segment: string, total: string, rate: string, mix: string, from: string, to: string) => ` The largest contribution: ${segment}, ${total} (${rate} own rate, ${mix} mix; churn ${from} → ${to}).`,
    notSplit: (period: string) => `The change in churn cannot be split: ${period} had no customers at its start.`,
    driversRule:
      "The change of the churn rate is split into the change of each segment's own churn rate (weighted by its average share of the customers over the two periods) and the shift of customers between segments (weighted by their average churn rate); the two add up exactly to the change. The summary rounds points to one decimal so that the parts still add up to the total.",
    action: (label: string, customers: string, n: number, atRisk: string, annual: string) => `${label}: ${customers} customer${pl(n, "", "s")}, ${atRisk} of annual value at risk (of ${annual}).`,
  },

  /**
   * Each analysis's metrics in words a manager reads: the `plain` appendix. Formulas, model
   * internals, library equivalences and settings are the analysis's own `definition`, printed
   * after these words in the `full` appendix only.
   */
  plainDefinitions: {
    "churn-summary":
      "Customers at the start are those active on the period's first day. Churned customers are those of them who had left by the end (their last subscription ended, or they stopped buying for the report's inactivity window). Churn rate = churned ÷ customers at the start; retention rate = 1 − churn rate; growth rate = change in customers ÷ customers at the start. MRR is monthly recurring revenue; its movements (new, expansion, reactivation, contraction, churn) explain how MRR at the start became MRR at the end. Gross revenue retention (GRR) is the share of the starting customers' MRR kept without counting upgrades; net revenue retention (NRR) counts their upgrades too. Quick ratio = MRR gained ÷ MRR lost. Each figure is shown with the previous period and the same period last year.",
    "churn-trend": "The same customer and revenue figures as the churn summary, for each of the last periods, so that this period can be read against its recent history.",
    "mrr-movements": "How MRR at the start became MRR at the end: MRR of new customers, upgrades (expansion), returning customers (reactivation), downgrades (contraction) and customers who left (churn). The movements add up exactly to the change.",
    "leaky-bucket": "Customers (and revenue) flowing in — new and returning customers — and out — customers who left — between the start and the end of the period, and the same flows in the last periods.",
    "churn-drivers":
      "The change of the churn rate against the previous period, split into two parts that add up exactly: segments churning more or less than before (rate effect), and customers shifting between segments with different churn rates (mix effect).",
    "churned-value": "The customers who left in the period, grouped by how valuable they were at the start (top, middle and bottom value tiers), with the MRR and yearly revenue lost and the largest losses by name.",
    "early-churn": "For each group of customers acquired in the same month (or quarter), the share who left within their first 1, 3 and 6 periods, and whether newer groups leave sooner than older ones.",
    "cohort-retention": "Customers acquired in the same month (or quarter) form a cohort; the table shows, for each later period, the share of each cohort still active and the share of its starting revenue it still brings.",
    "cohort-revenue": "Revenue, cost and profit that each cohort of newly acquired customers brought in each later period, and the cumulative revenue and profit per customer.",
    "cohort-projection": "A statistical retention model fitted to how many customers of each cohort remained in each period, used to project how many will remain in the periods ahead.",
    "churn-reasons": "Customers who left in the period, by the reason they gave (price, service, product, competition, other) and by whether they chose to leave or lapsed (e.g. a failed payment), with the MRR lost and the recent trend.",
    survival: "How long customers stay: the share of customers still active after each length of time, the median lifetime (the time by which half have left), and whether groups of customers differ significantly.",
    hazard: "How the risk of leaving builds up over a customer's lifetime (the expected number of departures per customer by each length of time), overall or per group.",
    cox: "Which customer attributes go with shorter or longer lifetimes, all else equal: a hazard ratio above 1 means customers with that attribute leave sooner, below 1 later, with a range of plausible values and a significance test.",
    "churn-model": "A statistical model trained on past customers to estimate each active customer's chance of leaving in the next period, tested on customers it was not trained on; only information known before the period is used.",
    "risk-list": "Every active customer with the estimated chance of leaving, the value at risk (chance × the customer's yearly value) and the main reasons for the risk, largest value at risk first.",
    playbook: "At-risk customers assigned a retention action according to their segment and the reasons for their risk, with the number of customers and the value at risk each action addresses.",
    "customer-card": "One customer's profile for a cancellation call: what they bring, their value class and lifetime value, their risk of leaving and its reasons, their complaints and the recommended offer.",
    clv: "Customer lifetime value for customers who buy when they choose: the chance each customer is still active, how many purchases to expect, the expected spend per purchase, and the value of those future purchases today.",
    "clv-contractual": "Customer lifetime value for subscribers: each active customer's MRR × margin × the number of renewals to expect, discounted to today, with renewals estimated from how long past cohorts stayed.",
    rfm: "Customers scored on how recently they bought (recency), how often (frequency) and how much they spent (monetary), each on a scale of equal-sized groups, and named segments with a suggested action.",
    cpm: "Customers in ten groups by how often they bought, how much they spent in total, how long they have been buying and whether they have bought recently, with how customers moved between groups and a treatment per group.",
    deciles: "Customers ranked by revenue (or profit) and split into ten groups of equal size, with each group's share of the total and how many customers make up 80 % of it.",
    segments: "For each customer attribute (region, industry, plan, channel…): how many customers bought again, how many left and their average value, segment by segment.",
    "customer-value": "Each customer's value = revenue − cost to serve; the most valuable customers, those with the most room to grow compared with similar customers, and those who cost more than they bring.",
  },

  /** Date fields named in data-quality findings (render/findings.ts); others read as "date". */
  dateFields: {
    signup_date: "signup date",
    start_date: "start date",
    end_date: "end date",
    cancel_date: "cancellation date",
    date: "date",
    resolved_date: "resolution date",
  },

  /** Dataset roles as readers name them. */
  roles: {
    customers: "Customers",
    subscriptions: "Subscriptions",
    transactions: "Transactions",
    tickets: "Support tickets",
    churn_events: "Churn events",
    lifetimes: "Lifetimes",
    summary: "Purchase summary",
    usage: "Usage",
  },

  /** The appendix's metric definitions, each sentence printed once (runner/run.ts withoutRepeats). */
  definitionsAsAbove: " (Other definitions as above.)",

  common: {
    customers: "Customers",
  },
};

export type Messages = typeof enUS;
