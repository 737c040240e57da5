// The leakage-free feature builder: one SQL statement giving one row per (customer, cutoff).
//
// Population: customers with an activity spell active at the cutoff c (spells.ts: start < c ≤
// end, or end open), spells built from the data as of `asOf` (the report period's end; later
// rows are ignored and spell ends on or after it are right-censored).
// Label (training only): the active spell ends in [c, c + H) — the customer churns within H
// days of the cutoff, in the spells convention that a spell ending on day b is a churn of the
// period starting at b. Training cutoffs satisfy c + H ≤ asOf, so every label is observed.
//
// Features read only rows dated strictly before c (every event join carries `date < cutoff`;
// a subscription counts when start_date < c, and its end_date is only compared with c: ended
// before c, or still running on the eve of c). Windows are [c − d, c). Per feature:
// - tenure_days (c − current spell start), prior_spells (spells before the current one)
// - subscriptions: mrr_now (Σ MRR running on the eve), mrr_change_90d / _180d (mrr_now − MRR
//   running on c − 90 / c − 180), active_subscriptions, current_plan (latest running plan)
// - transactions: recency_days (since the last purchase; tenure_days when none), frequency
//   (purchases), monetary (average amount), revenue_30d/90d, revenue_trend_90d (last 90
//   days − the 90 before; the 180-day total it implies is no separate feature)
// - value_12m: margin (or revenue) over the last 365 days; without transactions mrr_now × 12
// - tickets: tickets_30d/90d/180d, tickets_total, open_tickets (opened before c, not resolved
//   before c), avg_resolve_days (tickets resolved before c; 0 when none), last_satisfaction and
//   avg_satisfaction (ratings before c; a customer without rating gets the training rows'
//   average rating — see meanImputed — and has_rating = 0)
// - usage: usage_30d/90d, usage_trend_90d, days_since_usage (tenure_days when none)
// - customers: account_age_days (from signup_date) and every attribute column except
//   customer_id, churned, dates and names containing "churn" (strings are one-hot encoded
//   later; see encode.ts). Attributes are assumed static (a stated limitation).
// Missing counts and sums are 0 (COALESCE); constant columns are dropped by the encoder.
//
// Training sample (`limit`): when the population of (customer, cutoff) rows exceeds it, a seeded
// sample stratified by label is drawn before any feature is computed — in each label, the rows
// first in the order of hash(customer, cutoff, seed) (ties: customer, cutoff), round(limit ×
// the label's rows ÷ all rows) of them (half up), so churners keep their share. Every row then
// carries __population, the rows before sampling. A population within the limit is kept whole.

import { quoteIdent, quoteLiteral } from "../../data/engine.js";
import { roles } from "../../data/roles.js";
import type { AnalysisContext } from "../types.js";
import { spellsSql } from "../sql/spells.js";
import { addDays } from "../../util/period.js";
import { exactMoneySql, netAmountSql } from "../money.js";
import { dialectOf } from "../../data/dialects/index.js";

export interface FeatureSqlOptions {
  /** ISO dates of the cutoffs. */
  cutoffs: string[];
  /** The as-of date: data on or after it is ignored (the report period's end). */
  asOf: string;
  /** Label horizon in days; null for scoring (no label column). */
  horizonDays: number | null;
  /** Restrict to one customer (the customer card). */
  customerId?: string;
  /** Keep at most this many rows: the seeded sample stratified by label of the header. */
  limit?: number;
  /** Seed of the sample's hash order (default 0). */
  seed?: number;
}

/** The column of a sampled training set that holds the rows before sampling (not a feature). */
export const populationColumn = "__population";

/** Feature columns whose missing values mean "unknown", not zero: filled with the training mean. */
export const meanImputed = ["last_satisfaction", "avg_satisfaction"] as const;

/** Whether the data has event tables for the report's churn basis. */
export function hasEventData(ctx: Pick<AnalysisContext, "churn" | "fields">): boolean {
  const f = ctx.churn.kind === "subscriptions" ? ctx.fields.subscriptions : ctx.fields.transactions;
  if (!f) return false;
  return ctx.churn.kind === "subscriptions" ? f.includes("start_date") : f.includes("date");
}

/** The training cutoffs: the first days of the `count` latest months with c + H ≤ asOf, oldest first. */
export function trainingCutoffs(asOf: string, horizonDays: number, count: number): string[] {
  const latest = addDays(asOf, -horizonDays);
  let y = Number(latest.slice(0, 4)), m = Number(latest.slice(5, 7));
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    out.push(`${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-01`);
    m--;
    if (m === 0) {
      m = 12;
      y--;
    }
  }
  return out.reverse();
}

/** Customer attribute columns used as features. */
export function attributeColumns(fields: readonly string[] | undefined): string[] {
  if (!fields) return [];
  const canonical = roles.customers as Record<string, string>;
  return fields.filter((f) => f !== "customer_id" && f !== "churned" && canonical[f] !== "date" && !/churn/i.test(f)).sort();
}

const d = (iso: string) => `DATE ${quoteLiteral(iso)}`;

/** Event tables without the dates their features are computed from give no features. */
function usableFields(fields: AnalysisContext["fields"]): AnalysisContext["fields"] {
  const need: Partial<Record<keyof typeof fields, string[]>> = { subscriptions: ["customer_id", "start_date", "end_date"], transactions: ["customer_id", "date"], tickets: ["customer_id", "date"], usage: ["customer_id", "date"] };
  const out: AnalysisContext["fields"] = {};
  for (const [role, list] of Object.entries(fields) as [keyof typeof fields, string[]][]) if ((need[role] ?? ["customer_id"]).every((x) => list.includes(x))) out[role] = list;
  return out;
}

/** The feature SQL (see the header). Columns: customer_id, cutoff, [label,] features… */
export function featureSql(ctx: Pick<AnalysisContext, "churn" | "fields"> & Partial<Pick<AnalysisContext, "dialect">>, o: FeatureSqlOptions): string {
  const dl = dialectOf(ctx);
  const f = usableFields(ctx.fields);
  const has = (role: keyof typeof f, field: string) => (f[role] ?? []).includes(field);
  const asOf = d(o.asOf);
  const one = o.customerId === undefined ? "" : ` AND customer_id = ${quoteLiteral(o.customerId)}`;
  const ctes: string[] = [];
  // Censored views of the event tables (data as of asOf; one customer for the card).
  if (f.subscriptions) {
    ctes.push(`subscriptions AS (SELECT customer_id, start_date, CASE WHEN end_date >= ${asOf} THEN NULL ELSE end_date END AS end_date${has("subscriptions", "mrr") ? ", mrr" : ", CAST(NULL AS DOUBLE PRECISION) AS mrr"}${has("subscriptions", "plan") ? ", plan" : ", CAST(NULL AS VARCHAR) AS plan"} FROM ${dl.table("subscriptions")} WHERE start_date < ${asOf}${one})`);
  }
  if (f.transactions) {
    // quantity stays: the spells below tell returns (negative amount or quantity) from purchases.
    // Money exact and returns-aware (money.ts), so features never depend on the row order.
    ctes.push(`transactions AS (SELECT customer_id, date, ${netAmountSql({ ...ctx, fields: { transactions: ["amount", ...(has("transactions", "quantity") ? ["quantity"] : [])] } })} AS amount, ${exactMoneySql(has("transactions", "cost") ? "COALESCE(cost, 0)" : "0", dl)} AS cost${has("transactions", "quantity") ? ", quantity" : ""} FROM ${dl.table("transactions")} WHERE date < ${asOf}${one})`);
  }
  if (f.tickets) {
    ctes.push(`tickets AS (SELECT customer_id, date, ${has("tickets", "resolved_date") ? "resolved_date" : "CAST(NULL AS DATE)"} AS resolved_date, ${has("tickets", "satisfaction") ? "satisfaction" : "CAST(NULL AS DOUBLE PRECISION)"} AS satisfaction FROM ${dl.table("tickets")} WHERE date < ${asOf}${one})`);
  }
  if (f.usage) ctes.push(`usage AS (SELECT customer_id, date, COALESCE("count", 0) AS n FROM ${dl.table("usage")} WHERE date < ${asOf}${one})`);
  ctes.push(`spells AS (SELECT customer_id, spell_no, start_date, CASE WHEN end_date >= ${asOf} THEN NULL ELSE end_date END AS end_date FROM ${spellsSql(ctx)} AS spells)`);
  ctes.push(`cut AS (SELECT CAST(c AS DATE) AS cutoff FROM (VALUES ${o.cutoffs.map((c) => `(${quoteLiteral(c)})`).join(", ")}) v(c))`);
  const labelOf = (alias: string) => `CASE WHEN ${alias}.spell_end IS NOT NULL AND ${alias}.spell_end < ${alias}.cutoff + ${Math.round(o.horizonDays ?? 0)} THEN 1 ELSE 0 END`;
  const sampled = o.limit !== undefined;
  ctes.push(`${sampled ? "pop_all" : "pop"} AS (SELECT s.customer_id, cut.cutoff, s.start_date AS spell_start, s.end_date AS spell_end, s.spell_no
    FROM spells s JOIN cut ON s.start_date < cut.cutoff AND (s.end_date IS NULL OR s.end_date >= cut.cutoff))`);
  if (sampled) {
    const size = Math.max(1, Math.round(o.limit!));
    const stratum = o.horizonDays === null ? "0" : labelOf("a");
    ctes.push(`pop AS (SELECT customer_id, cutoff, spell_start, spell_end, spell_no, population FROM (
        SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b.stratum ORDER BY ${dl.hash(["b.customer_id", "b.cutoff", String(Math.round(o.seed ?? 0))])}, b.customer_id, b.cutoff) AS k,
          COUNT(*) OVER (PARTITION BY b.stratum) AS m, COUNT(*) OVER () AS population
        FROM (SELECT a.*, ${stratum} AS stratum FROM pop_all a) b) s
      WHERE s.population <= ${size} OR s.k <= FLOOR(CAST(${size} AS DOUBLE PRECISION) * s.m / s.population + 0.5))`);
  }

  const cols: string[] = [
    "pop.customer_id",
    "CAST(pop.cutoff AS VARCHAR) AS cutoff",
  ];
  if (o.horizonDays !== null) cols.push(`${labelOf("pop")} AS label`);
  if (sampled) cols.push(`CAST(pop.population AS DOUBLE PRECISION) AS ${populationColumn}`);
  cols.push("CAST(pop.cutoff - pop.spell_start AS DOUBLE PRECISION) AS tenure_days", "CAST(pop.spell_no - 1 AS DOUBLE PRECISION) AS prior_spells");
  const joins: string[] = [];
  const on = (alias: string) => `${alias}.customer_id = pop.customer_id AND ${alias}.cutoff = pop.cutoff`;

  if (f.subscriptions) {
    const running = (at: string) => `sb.start_date < ${at} AND (sb.end_date IS NULL OR sb.end_date >= ${at})`;
    ctes.push(`sub AS (SELECT pop.customer_id, pop.cutoff,
        SUM(sb.mrr) FILTER (WHERE ${running("pop.cutoff")}) AS mrr_now,
        SUM(sb.mrr) FILTER (WHERE ${running("pop.cutoff - 90")}) AS mrr_90,
        SUM(sb.mrr) FILTER (WHERE ${running("pop.cutoff - 180")}) AS mrr_180,
        COUNT(*) FILTER (WHERE ${running("pop.cutoff")}) AS active_subscriptions,
        (array_agg(sb.plan ORDER BY sb.start_date DESC, sb.plan) FILTER (WHERE ${running("pop.cutoff")} AND sb.plan IS NOT NULL))[1] AS current_plan
      FROM pop JOIN subscriptions sb ON sb.customer_id = pop.customer_id AND sb.start_date < pop.cutoff
      GROUP BY pop.customer_id, pop.cutoff)`);
    joins.push(`LEFT JOIN sub ON ${on("sub")}`);
    if (has("subscriptions", "mrr")) {
      cols.push(
        "COALESCE(sub.mrr_now, 0) AS mrr_now",
        "COALESCE(sub.mrr_now, 0) - COALESCE(sub.mrr_90, 0) AS mrr_change_90d",
        "COALESCE(sub.mrr_now, 0) - COALESCE(sub.mrr_180, 0) AS mrr_change_180d",
      );
    }
    cols.push("CAST(COALESCE(sub.active_subscriptions, 0) AS DOUBLE PRECISION) AS active_subscriptions");
    if (has("subscriptions", "plan")) cols.push("COALESCE(sub.current_plan, '(none)') AS current_plan");
  }
  if (f.transactions) {
    const w = (days: number) => `tx.date >= pop.cutoff - ${days}`;
    ctes.push(`trx AS (SELECT pop.customer_id, pop.cutoff,
        MAX(tx.date) AS last_date, COUNT(*) AS frequency, AVG(tx.amount) AS monetary,
        SUM(tx.amount) FILTER (WHERE ${w(30)}) AS revenue_30d,
        SUM(tx.amount) FILTER (WHERE ${w(90)}) AS revenue_90d,
        SUM(tx.amount) FILTER (WHERE ${w(180)}) AS revenue_180d,
        SUM(tx.amount - tx.cost) FILTER (WHERE ${w(365)}) AS margin_365d
      FROM pop JOIN transactions tx ON tx.customer_id = pop.customer_id AND tx.date < pop.cutoff
      GROUP BY pop.customer_id, pop.cutoff)`);
    joins.push(`LEFT JOIN trx ON ${on("trx")}`);
    cols.push(
      "CAST(COALESCE(pop.cutoff - trx.last_date, pop.cutoff - pop.spell_start) AS DOUBLE PRECISION) AS recency_days",
      "CAST(COALESCE(trx.frequency, 0) AS DOUBLE PRECISION) AS frequency",
      "COALESCE(trx.monetary, 0) AS monetary",
      "COALESCE(trx.revenue_30d, 0) AS revenue_30d",
      "COALESCE(trx.revenue_90d, 0) AS revenue_90d",
      // The 180-day total is not a feature of its own: with the 90-day total and the trend it
      // would be an exact linear combination (trend = 2·r90 − r180), leaving the logistic
      // coefficients (and so the top reasons) arbitrary.
      "COALESCE(trx.revenue_90d, 0) - (COALESCE(trx.revenue_180d, 0) - COALESCE(trx.revenue_90d, 0)) AS revenue_trend_90d",
    );
    cols.push("COALESCE(trx.margin_365d, 0) AS value_12m");
  } else if (f.subscriptions && has("subscriptions", "mrr")) {
    cols.push("COALESCE(sub.mrr_now, 0) * 12 AS value_12m");
  }
  if (f.tickets) {
    const w = (days: number) => `tk.date >= pop.cutoff - ${days}`;
    ctes.push(`tck AS (SELECT pop.customer_id, pop.cutoff,
        COUNT(*) FILTER (WHERE ${w(30)}) AS tickets_30d,
        COUNT(*) FILTER (WHERE ${w(90)}) AS tickets_90d,
        COUNT(*) FILTER (WHERE ${w(180)}) AS tickets_180d,
        COUNT(*) AS tickets_total,
        COUNT(*) FILTER (WHERE tk.resolved_date IS NULL OR tk.resolved_date >= pop.cutoff) AS open_tickets,
        -- a double mean (a NUMERIC one, as PostgreSQL takes of integers, rounds differently)
        AVG(CAST(tk.resolved_date - tk.date AS DOUBLE PRECISION)) FILTER (WHERE tk.resolved_date < pop.cutoff) AS avg_resolve_days,
        -- the latest rating; of several on that day, the highest (a full order: same on every engine)
        (array_agg(tk.satisfaction ORDER BY tk.date DESC, tk.satisfaction DESC) FILTER (WHERE tk.satisfaction IS NOT NULL))[1] AS last_satisfaction,
        AVG(tk.satisfaction) AS avg_satisfaction
      FROM pop JOIN tickets tk ON tk.customer_id = pop.customer_id AND tk.date < pop.cutoff
      GROUP BY pop.customer_id, pop.cutoff)`);
    joins.push(`LEFT JOIN tck ON ${on("tck")}`);
    cols.push(
      "CAST(COALESCE(tck.tickets_30d, 0) AS DOUBLE PRECISION) AS tickets_30d",
      "CAST(COALESCE(tck.tickets_90d, 0) AS DOUBLE PRECISION) AS tickets_90d",
      "CAST(COALESCE(tck.tickets_180d, 0) AS DOUBLE PRECISION) AS tickets_180d",
      "CAST(COALESCE(tck.tickets_total, 0) AS DOUBLE PRECISION) AS tickets_total",
    );
    if (has("tickets", "resolved_date")) {
      cols.push("CAST(COALESCE(tck.open_tickets, 0) AS DOUBLE PRECISION) AS open_tickets", "CAST(COALESCE(tck.avg_resolve_days, 0) AS DOUBLE PRECISION) AS avg_resolve_days");
    }
    if (has("tickets", "satisfaction")) {
      // left null for the unrated: the encoder fills them with the training mean (meanImputed)
      cols.push(
        "CAST(tck.last_satisfaction AS DOUBLE PRECISION) AS last_satisfaction",
        "CAST(tck.avg_satisfaction AS DOUBLE PRECISION) AS avg_satisfaction",
        "CASE WHEN tck.avg_satisfaction IS NULL THEN 0.0 ELSE 1.0 END AS has_rating",
      );
    }
  }
  if (f.usage) {
    const w = (days: number) => `us.date >= pop.cutoff - ${days}`;
    ctes.push(`usg AS (SELECT pop.customer_id, pop.cutoff, MAX(us.date) AS last_date,
        SUM(us.n) FILTER (WHERE ${w(30)}) AS usage_30d,
        SUM(us.n) FILTER (WHERE ${w(90)}) AS usage_90d,
        SUM(us.n) FILTER (WHERE ${w(180)}) AS usage_180d
      FROM pop JOIN usage us ON us.customer_id = pop.customer_id AND us.date < pop.cutoff
      GROUP BY pop.customer_id, pop.cutoff)`);
    joins.push(`LEFT JOIN usg ON ${on("usg")}`);
    cols.push(
      "CAST(COALESCE(usg.usage_30d, 0) AS DOUBLE PRECISION) AS usage_30d",
      "CAST(COALESCE(usg.usage_90d, 0) AS DOUBLE PRECISION) AS usage_90d",
      // usage_180d is left out for the same reason as revenue_180d (usage_trend_90d restates it).
      "CAST(COALESCE(usg.usage_90d, 0) - (COALESCE(usg.usage_180d, 0) - COALESCE(usg.usage_90d, 0)) AS DOUBLE PRECISION) AS usage_trend_90d",
      "CAST(COALESCE(pop.cutoff - usg.last_date, pop.cutoff - pop.spell_start) AS DOUBLE PRECISION) AS days_since_usage",
    );
  }
  if (f.customers) {
    const attrs = attributeColumns(f.customers);
    ctes.push(`cust AS (SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id) AS __k FROM ${dl.table("customers")} WHERE customer_id IS NOT NULL${one}) AS c WHERE c.__k = 1)`);
    joins.push("LEFT JOIN cust ON cust.customer_id = pop.customer_id");
    if (has("customers", "signup_date")) cols.push("CAST(GREATEST(pop.cutoff - cust.signup_date, 0) AS DOUBLE PRECISION) AS account_age_days");
    for (const a of attrs) cols.push(`cust.${quoteIdent(a)} AS ${quoteIdent(a)}`);
  }
  const inner = `SELECT ${cols.join(",\n  ")}\nFROM pop ${joins.join(" ")}`;
  return `WITH ${ctes.join(",\n")}\nSELECT * FROM (${inner}) AS features ORDER BY cutoff, customer_id`;
}
