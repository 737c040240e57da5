// Pure period metrics: from one per-period aggregate row (see periodAggregateSql) to the
// customer and revenue metrics, under a churn-rate convention; the rolling 30-day rate; the
// reconciliation checks (located data errors naming the customers concerned, not assertions).
// No I/O, no SQL: unit-testable on plain numbers.

import type { Locale, Localized, Row, Value } from "../types.js";
import { ChurnbookError } from "../../util/errors.js";
import { addDays, lastCompletePeriod, periodsEndingWith, type Grain, type Period } from "../../util/period.js";
import { msg } from "../../locales/index.js";

export const conventions = ["standard", "stripe", "rolling30"] as const;
export type Convention = (typeof conventions)[number];

/** Stable metric keys, in report order. */
export const metricKeys = [
  "customers_start",
  "new_customers",
  "reactivated_customers",
  "churned_customers",
  "customers_end",
  "net_growth",
  "joined_and_left",
  "churned_and_reactivated",
  "churn_numerator",
  "churn_denominator",
  "churn_rate",
  "retention_rate",
  "growth_rate",
  "mrr_start",
  "new_mrr",
  "expansion_mrr",
  "reactivation_mrr",
  "contraction_mrr",
  "churned_mrr",
  "mrr_end",
  "net_new_mrr",
  "gross_mrr_churn_rate",
  "net_mrr_churn_rate",
  "grr",
  "nrr",
  "quick_ratio",
] as const;
export type MetricKey = (typeof metricKeys)[number];
export type PeriodMetrics = Record<MetricKey, number | null>;

export const metricLabels: Record<MetricKey, Localized> = {
  customers_start: { "zh-CN": "期初客户数", "en-US": "Customers at start" },
  new_customers: { "zh-CN": "新增客户", "en-US": "New customers" },
  reactivated_customers: { "zh-CN": "恢复客户", "en-US": "Reactivated customers" },
  churned_customers: { "zh-CN": "流失客户", "en-US": "Churned customers" },
  customers_end: { "zh-CN": "期末客户数", "en-US": "Customers at end" },
  net_growth: { "zh-CN": "净增长", "en-US": "Net growth" },
  joined_and_left: { "zh-CN": "期内加入并流失", "en-US": "Joined and left in period" },
  churned_and_reactivated: { "zh-CN": "期内流失后恢复", "en-US": "Churned and reactivated in period" },
  churn_numerator: { "zh-CN": "流失率分子", "en-US": "Churn rate numerator" },
  churn_denominator: { "zh-CN": "流失率分母", "en-US": "Churn rate denominator" },
  churn_rate: { "zh-CN": "客户流失率", "en-US": "Customer churn rate" },
  retention_rate: { "zh-CN": "客户保持率", "en-US": "Customer retention rate" },
  growth_rate: { "zh-CN": "客户增长率", "en-US": "Customer growth rate" },
  mrr_start: { "zh-CN": "期初MRR", "en-US": "MRR at start" },
  new_mrr: { "zh-CN": "新增MRR", "en-US": "New MRR" },
  expansion_mrr: { "zh-CN": "扩展MRR", "en-US": "Expansion MRR" },
  reactivation_mrr: { "zh-CN": "恢复MRR", "en-US": "Reactivation MRR" },
  contraction_mrr: { "zh-CN": "收缩MRR", "en-US": "Contraction MRR" },
  churned_mrr: { "zh-CN": "流失MRR", "en-US": "Churned MRR" },
  mrr_end: { "zh-CN": "期末MRR", "en-US": "MRR at end" },
  net_new_mrr: { "zh-CN": "净新增MRR", "en-US": "Net new MRR" },
  gross_mrr_churn_rate: { "zh-CN": "MRR总流失率", "en-US": "Gross MRR churn rate" },
  net_mrr_churn_rate: { "zh-CN": "MRR净流失率", "en-US": "Net MRR churn rate" },
  grr: { "zh-CN": "总收入留存率（GRR）", "en-US": "Gross revenue retention (GRR)" },
  nrr: { "zh-CN": "净收入留存率（NRR）", "en-US": "Net revenue retention (NRR)" },
  quick_ratio: { "zh-CN": "快速比率", "en-US": "Quick ratio" },
};

export const conventionExplanations: Record<Convention, Localized> = {
  standard: {
    "zh-CN": "标准口径（ChartMogul）：期初客户中到期末已流失的客户数 ÷ 期初客户数；期内加入又流失、期内流失又恢复的客户不计入。",
    "en-US": "Standard (ChartMogul): customers at start who are gone at the end ÷ customers at start; customers who joined and left, or churned and reactivated, within the period are not counted.",
  },
  stripe: {
    "zh-CN": "Stripe口径：期内全部流失事件 ÷（期初客户数 + 期内新增客户 + 期内恢复客户）。",
    "en-US": "Stripe: all churn events in the period ÷ (customers at start + new + reactivated customers in the period).",
  },
  rolling30: {
    "zh-CN": "滚动30天口径（Baremetrics）：期内每一天的“近30天流失事件 ÷ 30天前客户数”的平均值。",
    "en-US": "Rolling 30-day (Baremetrics): the mean over the period's days of (churn events in the 30 days ending that day ÷ customers 30 days before).",
  },
};

export function loc(text: Localized, locale: Locale): string {
  return text[locale];
}

/** A ratio, or null when the denominator is zero (or either side missing). */
export function ratio(num: number | null, den: number | null): number | null {
  if (num === null || den === null || den === 0) return null;
  const r = num / den;
  return Number.isFinite(r) ? r : null;
}

function num(v: Value | undefined): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function int(v: Value | undefined): number {
  return num(v) ?? 0;
}

/** Daily spell events (from dailyEventsSql) turned into prefix sums for O(log n) lookups. */
export interface DailyEvents {
  dates: string[];
  /** cumStarts[i] = starts on dates[0..i-1]; likewise ends. Length dates.length + 1. */
  cumStarts: number[];
  cumEnds: number[];
}

export function dailyEvents(rows: Row[]): DailyEvents {
  const sorted = [...rows].sort((a, b) => String(a.date).localeCompare(String(b.date)));
  const dates: string[] = [];
  const cumStarts = [0];
  const cumEnds = [0];
  for (const r of sorted) {
    dates.push(String(r.date));
    cumStarts.push(cumStarts[cumStarts.length - 1]! + int(r.starts));
    cumEnds.push(cumEnds[cumEnds.length - 1]! + int(r.ends));
  }
  return { dates, cumStarts, cumEnds };
}

/** Number of event dates strictly before `date`. */
function countBefore(dates: string[], date: string): number {
  let lo = 0, hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rolling 30-day churn rate of a period (Baremetrics style): for each day t of the period,
 * r_t = spell ends dated t−29 … t ÷ spells active at the boundary t−29 (start < b ≤ end);
 * the rate is the mean of r_t over the days whose denominator is positive, or null if none.
 */
export function rolling30(period: Pick<Period, "start" | "end">, ev: DailyEvents): number | null {
  let sum = 0, n = 0;
  for (let t = period.start; t < period.end; t = addDays(t, 1)) {
    const b0 = addDays(t, -29);
    const i0 = countBefore(ev.dates, b0);
    const i1 = countBefore(ev.dates, addDays(t, 1));
    const base = ev.cumStarts[i0]! - ev.cumEnds[i0]!;
    if (base <= 0) continue;
    sum += (ev.cumEnds[i1]! - ev.cumEnds[i0]!) / base;
    n++;
  }
  return n === 0 ? null : sum / n;
}

/** Churn-rate numerator and denominator of a period aggregate row under a convention
 * (rolling30 has neither: it is a mean of daily rates). */
export function churnParts(row: Row, convention: Convention): { numerator: number | null; denominator: number | null } {
  if (convention === "standard") return { numerator: int(row.lost_from_start), denominator: int(row.customers_start) };
  if (convention === "stripe") return { numerator: int(row.churned_customers), denominator: int(row.customers_start) + int(row.new_customers) + int(row.reactivated_customers) };
  return { numerator: null, denominator: null };
}

export function churnRate(row: Row, convention: Convention, ev?: DailyEvents): number | null {
  if (convention === "rolling30") {
    if (!ev) throw new Error("rolling30 needs the daily events");
    return rolling30({ start: String(row.period_start), end: String(row.period_end) }, ev);
  }
  const { numerator, denominator } = churnParts(row, convention);
  return ratio(numerator, denominator);
}

/** What a period check knows about where the data came from: the dataset (role) the churn
 * basis reads, named in the error's location. */
export interface CheckSource {
  dataset?: string;
}

/** The dataset a churn basis reads (the location of identity and bridge errors). */
export function basisDataset(ctx: { churn: { kind: string } }): string {
  return ctx.churn.kind === "subscriptions" ? "subscriptions" : "transactions";
}

function moreThan(count: number, shown: number): string {
  return count > shown ? ` and ${count - shown} more` : "";
}

/**
 * Throws ChurnbookError "customer-identity" unless end = start + new + reactivated − churned.
 * The identity holds by construction for well-formed activity spells; when a data shape the
 * spell logic does not merge breaks it, the error names the customers whose own counts do
 * not add up (the aggregate's identity_broken_* columns), with the numbers.
 */
export function assertCustomerIdentity(row: Row, source: CheckSource = {}): void {
  const start = int(row.customers_start), nw = int(row.new_customers), re = int(row.reactivated_customers), ch = int(row.churned_customers);
  const lhs = int(row.customers_end);
  const rhs = start + nw + re - ch;
  if (lhs === rhs) return;
  const count = int(row.identity_broken_count);
  const listed = row.identity_broken_customers === null || row.identity_broken_customers === undefined || row.identity_broken_customers === "" ? null : String(row.identity_broken_customers);
  const who = listed ? `; customers concerned: ${listed}${moreThan(count, Math.min(count, 5))}` : "; the customers concerned could not be identified";
  const dataset = source.dataset ?? "subscriptions";
  throw new ChurnbookError(
    "customer-identity",
    `the customer counts of ${String(row.label)} do not add up: customers at end ${lhs} ≠ at start ${start} + new ${nw} + reactivated ${re} − churned ${ch} = ${rhs}${who}`,
    {
      hint:
        dataset === "transactions"
          ? `check these customers' rows in the "transactions" dataset: duplicated rows, dates outside the data's range, or one customer under several ids`
          : `check these customers' rows in the "${dataset}" dataset: overlapping or duplicated subscriptions (the same subscription listed twice), subscriptions whose end_date is before their start_date, or a cancel_date that conflicts with the subscription's dates`,
      location: { dataset },
    },
  );
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Throws ChurnbookError "mrr-bridge" unless start + new + expansion + reactivation −
 * contraction − churn = end for the period aggregate row. */
export function assertBridge(row: Row, source: CheckSource = {}): void {
  const start = num(row.mrr_start), end = num(row.mrr_end);
  if (row.mrr_start === null && row.mrr_end === null) return; // no revenue field
  const moves = [row.new_mrr, row.expansion_mrr, row.reactivation_mrr].map(num);
  const outs = [row.contraction_mrr, row.churned_mrr].map(num);
  const ok =
    start !== null && end !== null && [...moves, ...outs].every((x) => x !== null) &&
    close(start + moves.reduce((a: number, x) => a + x!, 0) - outs.reduce((a: number, x) => a + x!, 0), end);
  if (!ok) {
    const details = row.inconsistent_details ?? row.inconsistent_customers;
    bridgeError(String(row.label), {
      start, end,
      new: num(row.new_mrr), expansion: num(row.expansion_mrr), reactivation: num(row.reactivation_mrr), contraction: num(row.contraction_mrr), churn: num(row.churned_mrr),
    }, details, int(row.inconsistent_count), source);
  }
}

/** The numbers of a revenue bridge (contraction and churn as positive amounts). */
export interface BridgeNumbers {
  start: number | null;
  end: number | null;
  new: number | null;
  expansion: number | null;
  reactivation: number | null;
  contraction: number | null;
  churn: number | null;
}

function fmt(v: number | null): string {
  if (v === null) return "n/a";
  return String(Math.round(v * 10000) / 10000);
}

export function bridgeError(label: string, b: BridgeNumbers, customers: Value | undefined, count: number, source: CheckSource = {}): never {
  const names = customers === null || customers === undefined || customers === "" ? "(not identified)" : String(customers);
  const parts = [b.new, b.expansion, b.reactivation, b.contraction, b.churn];
  const computed = b.start === null || parts.some((x) => x === null) ? null : b.start + b.new! + b.expansion! + b.reactivation! - b.contraction! - b.churn!;
  const diff = computed === null || b.end === null ? "" : ` (off by ${fmt(b.end - computed)})`;
  const dataset = source.dataset ?? "subscriptions";
  throw new ChurnbookError(
    "mrr-bridge",
    `the MRR bridge of ${label} does not reconcile: start ${fmt(b.start)} + new ${fmt(b.new)} + expansion ${fmt(b.expansion)} + reactivation ${fmt(b.reactivation)} − contraction ${fmt(b.contraction)} − churn ${fmt(b.churn)} = ${fmt(computed)} ≠ end ${fmt(b.end)}${diff}; customers concerned: ${names}${moreThan(count, 10)}`,
    {
      hint:
        dataset === "transactions"
          ? `check these customers' rows in the "transactions" dataset: a missing customer_id, or an amount that is not a finite number, cannot be attributed to a customer`
          : `check these customers' rows in the "${dataset}" dataset: a missing customer_id or a non-finite mrr; overlapping subscriptions with inconsistent MRR; subscriptions whose end_date is before their start_date; duplicated rows; or, with churn recognised at cancellation, MRR that continues after the cancel_date`,
      location: { dataset },
    },
  );
}

/** All metrics of one period aggregate row. */
export function periodMetrics(row: Row, convention: Convention, ev?: DailyEvents, source: CheckSource = {}): PeriodMetrics {
  assertCustomerIdentity(row, source);
  const start = int(row.customers_start);
  const nw = int(row.new_customers);
  const re = int(row.reactivated_customers);
  const ch = int(row.churned_customers);
  const { numerator, denominator } = churnParts(row, convention);
  const churn = churnRate(row, convention, ev);
  const mrrStart = num(row.mrr_start);
  const rev = (k: string) => num(row[k]);
  const newMrr = rev("new_mrr"), exp = rev("expansion_mrr"), react = rev("reactivation_mrr"), contr = rev("contraction_mrr"), churned = rev("churned_mrr");
  const hasRev = mrrStart !== null;
  const lossSum = hasRev ? churned! + contr! : null;
  return {
    customers_start: start,
    new_customers: nw,
    reactivated_customers: re,
    churned_customers: ch,
    customers_end: int(row.customers_end),
    net_growth: nw + re - ch,
    joined_and_left: int(row.joined_and_left),
    churned_and_reactivated: int(row.churned_and_reactivated),
    churn_numerator: numerator,
    churn_denominator: denominator,
    churn_rate: churn,
    retention_rate: churn === null ? null : 1 - churn,
    growth_rate: ratio(nw, start),
    mrr_start: mrrStart,
    new_mrr: newMrr,
    expansion_mrr: exp,
    reactivation_mrr: react,
    contraction_mrr: contr,
    churned_mrr: churned,
    mrr_end: rev("mrr_end"),
    net_new_mrr: hasRev ? newMrr! + exp! + react! - contr! - churned! : null,
    gross_mrr_churn_rate: hasRev ? ratio(lossSum, mrrStart) : null,
    net_mrr_churn_rate: hasRev ? ratio(lossSum! - exp! - react!, mrrStart) : null,
    grr: hasRev ? ratio(rev("cohort_mrr_kept"), rev("cohort_mrr_start")) : null,
    nrr: hasRev ? ratio(rev("cohort_mrr_end"), rev("cohort_mrr_start")) : null,
    quick_ratio: hasRev ? ratio(newMrr! + exp! + react!, lossSum) : null,
  };
}

/** Reader notes for a period's metrics (zero denominators), localised. */
export function metricNotes(m: PeriodMetrics, label: string, locale: Locale, convention: Convention): string[] {
  const notes: string[] = [];
  const say = msg(locale).periodMetrics;
  if (m.customers_start === 0) notes.push(say.noCustomersAtStart(label));
  else if (m.churn_rate === null && convention !== "standard") notes.push(say.zeroChurnDenominator(label));
  if (m.mrr_start !== null) {
    if (m.mrr_start === 0) notes.push(say.zeroMrrAtStart(label));
    if ((m.churned_mrr ?? 0) + (m.contraction_mrr ?? 0) === 0) notes.push(say.zeroQuickRatioDenominator(label));
  }
  return notes;
}

/** The trend grain and periods: `grain` "auto" uses the report period's grain; another
 * grain uses the last complete period of that grain ending no later than the report period. */
export function trendPeriods(report: Period, grain: "auto" | Grain, n: number): Period[] {
  const last = grain === "auto" || grain === report.grain ? report : lastCompletePeriod(addDays(report.end, -1), grain);
  return periodsEndingWith(last, n);
}

/** How many periods back "same period last year" is. */
export function yearLag(grain: Grain): number {
  return grain === "month" ? 12 : grain === "quarter" ? 4 : 1;
}

/** Reader notes for what the period metrics leave out (a droppedRowsSql row), localised. */
export function droppedNotes(row: Row | undefined, label: string, locale: Locale): string[] {
  if (!row) return [];
  const say = msg(locale).dropped;
  const ds = String(row.dataset ?? "subscriptions");
  const n = (k: string) => int(row[k]);
  const notes: string[] = [];
  if (n("zero_length") > 0) notes.push(say.zeroLength(ds, n("zero_length")));
  if (n("ends_before_start") > 0) notes.push(say.endsBeforeStart(ds, n("ends_before_start")));
  if (n("no_customer") > 0) notes.push(say.noCustomerCounted(ds, n("no_customer")));
  if (n("no_start") > 0) notes.push(say.noDate(ds, n("no_start"), ds === "transactions" ? "date" : "start_date"));
  if (n("free_customers") > 0) notes.push(say.freeCustomers(label, n("free_customers")));
  return notes;
}
