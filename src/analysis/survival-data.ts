// Customer lifetimes for survival analyses: one row per customer with (duration, event) and
// the attributes asked for, built in SQL from either data path.
//
// - `lifetimes` role: duration and event as given (in the data's own time unit); rows with a
//   missing or negative duration or a missing event are left out (and counted).
// - Activity spells (subscriptions or transactions, per ctx.churn, see sql/spells.ts): the
//   customer's FIRST spell. As-of date A = ctx.period.end (the day after the report period).
//   Customers whose first spell starts on or after A are not customers yet and are left out.
//   event = the spell ended before A (end_date < A); duration = end_date − start_date days for
//   an event, A − start_date days otherwise (right-censored: still active, or — with the
//   inactivity basis — the churn date lies after A and has not happened yet as of A).
//   Unit: days, or months of 30.4375 days (365.25 / 12).
// Attributes come from the lifetimes table when it has them, otherwise from `customers`
// (joined on customer_id; one value per customer, the smallest if several).

import { quoteIdent, quoteLiteral } from "../data/engine.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { spellsSql } from "./sql/spells.js";
import { isReturnSql } from "./money.js";
import type { ChartSpec, ScaleSpec } from "../charts/spec.js";
import { attributeLabel } from "./attributes.js";
import type { AnalysisContext, AnalysisInfo, Row, RunContext } from "./types.js";
import { msg } from "../locales/index.js";
import { dialectOf, type Dialect } from "../data/dialects/index.js";

export const durationUnits = ["day", "month"] as const;
export type DurationUnit = (typeof durationUnits)[number];
/** Days in the month unit: 365.25 / 12. */
export const daysPerMonth = 30.4375;

export type LifetimeSource = "lifetimes" | "spells";

/** Which path the lifetimes come from: a `lifetimes` dataset wins over activity spells. */
export function lifetimeSource(ctx: Pick<AnalysisContext, "fields" | "churn">): LifetimeSource {
  if (ctx.fields.lifetimes) return "lifetimes";
  const role = ctx.churn.kind === "subscriptions" ? "subscriptions" : "transactions";
  if (!ctx.fields[role]) {
    throw new ChurnbookError("missing-role", `survival analysis needs a "lifetimes" dataset or, with the ${ctx.churn.kind} churn basis, a "${role}" dataset`, {
      hint: `map a dataset to role lifetimes (duration, event) or to role ${role}`,
    });
  }
  return "spells";
}

const notAttributes: Record<"lifetimes" | "customers", readonly string[]> = {
  lifetimes: ["customer_id", "duration", "event"],
  customers: ["customer_id", "signup_date", "churned"],
};

/** The attribute fields usable as strata or covariates for the given data path. */
export function availableAttributes(ctx: Pick<AnalysisContext, "fields" | "churn">): string[] {
  const source = lifetimeSource(ctx);
  const out: string[] = [];
  if (source === "lifetimes") out.push(...(ctx.fields.lifetimes ?? []).filter((f) => !notAttributes.lifetimes.includes(f)));
  const canJoin = source === "spells" || (ctx.fields.lifetimes ?? []).includes("customer_id");
  if (canJoin) out.push(...(ctx.fields.customers ?? []).filter((f) => !notAttributes.customers.includes(f) && !out.includes(f)));
  return out;
}

/** Splits a comma list ("a, b,,c") into trimmed non-empty names. */
export function splitList(s: string): string[] {
  return String(s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

function checkAttribute(name: string, ctx: Pick<AnalysisContext, "fields" | "churn">): void {
  const available = availableAttributes(ctx);
  if (available.includes(name)) return;
  const near = closeMatches(name, available);
  const where = lifetimeSource(ctx) === "lifetimes" ? "the lifetimes (or customers) dataset" : "the customers dataset";
  throw new ChurnbookError("unknown-attribute", `no attribute "${name}" in ${where}`, {
    hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : available.length ? `attributes: ${available.join(", ")}` : "map a customers dataset with attribute columns",
  });
}

/**
 * SQL selecting one row per customer: duration (DOUBLE, in `unit` for the spells path),
 * event (BOOLEAN) and each attribute under its own name.
 */
/** `asOf`: the as-of date A (the day after the report period), resolved in the analysis's plan. */
export function lifetimesSql(ctx: Pick<AnalysisContext, "fields" | "churn"> & Partial<Pick<AnalysisContext, "dialect">>, opts: { unit: DurationUnit; attributes: readonly string[]; asOf: string }): string {
  for (const a of opts.attributes) checkAttribute(a, ctx);
  const attrs = [...new Set(opts.attributes)];
  const source = lifetimeSource(ctx);
  const lifetimeFields = ctx.fields.lifetimes ?? [];
  const fromCustomers = attrs.filter((a) => !(source === "lifetimes" && lifetimeFields.includes(a)));
  const customersJoin = fromCustomers.length
    ? `LEFT JOIN (SELECT customer_id, ${fromCustomers.map((a) => `MIN(${quoteIdent(a)}) AS ${quoteIdent(a)}`).join(", ")} FROM customers WHERE customer_id IS NOT NULL GROUP BY customer_id) c ON c.customer_id = l.customer_id`
    : "";
  const attrCols = attrs.map((a) => `${fromCustomers.includes(a) ? "c" : "l"}.${quoteIdent(a)} AS ${quoteIdent(a)}`);
  if (source === "lifetimes") {
    const hasId = lifetimeFields.includes("customer_id");
    return `SELECT ${[`CAST(l.duration AS DOUBLE PRECISION) AS duration`, `CAST(l.event AS BOOLEAN) AS event`, ...attrCols].join(", ")}
      FROM lifetimes l ${customersJoin}
      WHERE ${lifetimesKept("l", dialectOf(ctx))}
      ORDER BY duration, event DESC${hasId ? ", l.customer_id" : ""}`;
  }
  const asOf = `DATE ${quoteLiteral(opts.asOf)}`;
  const perUnit = opts.unit === "month" ? daysPerMonth : 1;
  return `WITH l AS (
      SELECT customer_id, start_date, end_date, (end_date IS NOT NULL AND end_date < ${asOf}) AS event
      FROM ${spellsSql(ctx)} s
      WHERE spell_no = 1 AND start_date < ${asOf}
    )
    SELECT ${[
      `CAST(${dialectOf(ctx).dateDiff("day", "l.start_date", `CASE WHEN l.event THEN l.end_date ELSE ${asOf} END`)} AS DOUBLE PRECISION) / ${perUnit} AS duration`,
      `l.event AS event`,
      ...attrCols,
    ].join(", ")}
    FROM l ${customersJoin}
    ORDER BY duration, event DESC, l.customer_id`;
}

function lifetimesKept(alias: string, d: Dialect): string {
  return `${alias}.duration IS NOT NULL AND ${alias}.duration >= 0 AND ${d.isFinite(`${alias}.duration`)} AND ${alias}.event IS NOT NULL`;
}

/**
 * SQL counting what the lifetimes leave out, for the notes:
 * - `excluded` (lifetimes dataset): rows with a missing, negative or non-finite duration or a
 *   missing event;
 * - `dropped` (activity spells, with the as-of date): source rows the spells never see — no
 *   customer_id, no start date (transactions: no date), zero-length subscriptions (end_date =
 *   start_date), subscriptions ending before they start; customers left with no usable row
 *   at all (transactions: with no purchase — returns never make a customer active); and
 *   customers whose first spell starts on or after the as-of date (not customers yet).
 */
export function excludedLifetimesSql(ctx: Pick<AnalysisContext, "fields" | "churn"> & Partial<Pick<AnalysisContext, "dialect">>, asOfDate: string): Record<string, string> {
  if (lifetimeSource(ctx) !== "lifetimes") {
    const asOf = `DATE ${quoteLiteral(asOfDate)}`;
    const notYet = `(SELECT COUNT(*) FROM ${spellsSql(ctx)} s WHERE s.spell_no = 1 AND s.start_date >= ${asOf})`;
    if (ctx.churn.kind === "subscriptions") {
      const usable = "customer_id IS NOT NULL AND start_date IS NOT NULL AND (end_date IS NULL OR end_date > start_date)";
      return {
        dropped: `SELECT 'subscriptions' AS dataset,
            CAST(COUNT(*) FILTER (WHERE customer_id IS NULL) AS INTEGER) AS no_customer,
            CAST(COUNT(*) FILTER (WHERE customer_id IS NOT NULL AND start_date IS NULL) AS INTEGER) AS no_start,
            CAST(COUNT(*) FILTER (WHERE customer_id IS NOT NULL AND end_date = start_date) AS INTEGER) AS zero_length,
            CAST(COUNT(*) FILTER (WHERE customer_id IS NOT NULL AND end_date < start_date) AS INTEGER) AS ends_before_start,
            CAST(COUNT(DISTINCT customer_id) FILTER (WHERE customer_id IS NOT NULL) - COUNT(DISTINCT customer_id) FILTER (WHERE ${usable}) AS INTEGER) AS customers_left_out,
            CAST(${notYet} AS INTEGER) AS not_yet
          FROM subscriptions`,
      };
    }
    const purchase = `customer_id IS NOT NULL AND date IS NOT NULL AND NOT ${isReturnSql(ctx)}`;
    return {
      dropped: `SELECT 'transactions' AS dataset,
          CAST(COUNT(*) FILTER (WHERE customer_id IS NULL) AS INTEGER) AS no_customer,
          CAST(COUNT(*) FILTER (WHERE customer_id IS NOT NULL AND date IS NULL) AS INTEGER) AS no_start,
          0 AS zero_length, 0 AS ends_before_start,
          CAST(COUNT(DISTINCT customer_id) FILTER (WHERE customer_id IS NOT NULL) - COUNT(DISTINCT customer_id) FILTER (WHERE ${purchase}) AS INTEGER) AS customers_left_out,
          CAST(${notYet} AS INTEGER) AS not_yet
        FROM transactions`,
    };
  }
  return { excluded: `SELECT COUNT(*) AS n FROM lifetimes l WHERE NOT (${lifetimesKept("l", dialectOf(ctx))})` };
}

/** Notes for the reader about everything the lifetimes leave out (see excludedLifetimesSql), in the report's language. */
export function excludedNote(data: Record<string, Row[]>, locale: AnalysisContext["locale"]): string[] {
  const say = msg(locale);
  const notes: string[] = [];
  const n = Number(data.excluded?.[0]?.n ?? 0);
  if (n > 0) notes.push(say.lifetimes.badLifetimeRows(n));
  const d = data.dropped?.[0];
  if (!d) return notes;
  const count = (k: string) => Number(d[k] ?? 0);
  const ds = String(d.dataset ?? "subscriptions");
  if (count("zero_length") > 0) notes.push(say.dropped.zeroLength(ds, count("zero_length")));
  if (count("ends_before_start") > 0) notes.push(say.dropped.endsBeforeStart(ds, count("ends_before_start")));
  if (count("no_customer") > 0) notes.push(say.dropped.noCustomer(ds, count("no_customer")));
  if (count("no_start") > 0) notes.push(say.dropped.noDate(ds, count("no_start"), ds === "transactions" ? "date" : "start_date"));
  const leftOut = count("customers_left_out");
  if (leftOut > 0) notes.push(ds === "transactions" ? say.dropped.noUsablePurchase(leftOut) : say.dropped.noUsableSubscription(leftOut));
  // Customers whose first activity starts after the report period are simply later customers,
  // not dropped data: they are not counted and not noted.
  return notes;
}

/**
 * The step chart of a lifetime curve (survival or cumulative hazard) with its confidence band,
 * one line per group, labelled in the report's language.
 */
export function lifetimeStepChart(
  rows: Row[],
  options: { table: string; y: string; title: string; yAxis: ScaleSpec },
  params: { by: string; unit: string },
  ctx: Pick<AnalysisContext, "locale" | "fields" | "churn">,
): ChartSpec {
  const say = msg(ctx.locale).lifetimes;
  const unitLabel = say.unit(lifetimeSource(ctx) === "lifetimes" ? "duration" : params.unit === "month" ? "month" : "day");
  const groups = new Set(rows.map((r) => r.group)).size;
  const by = params.by.trim();
  // The attribute as readers name it (plan → 套餐 / Plan); an unknown column name as it is.
  const byLabel = by ? attributeLabel(by, ctx.locale) : null;
  return {
    title: options.title,
    ...(byLabel ? { subtitle: say.byGroup(byLabel) } : {}),
    marks: [
      { mark: "areaY", data: options.table, options: { x: "time", y1: "lower", y2: "upper", fill: "group", fillOpacity: 0.15, curve: "step-after" } },
      { mark: "lineY", data: options.table, options: { x: "time", y: options.y, stroke: "group", curve: "step-after" } },
    ],
    x: { label: say.lifetimeAxis(unitLabel) },
    y: options.yAxis,
    color: { legend: groups > 1, label: byLabel },
  };
}

/** The group label of customers when no `by` attribute is given. */
export const allGroup = "all";

/** What the lifetime analyses (survival, hazard) need: precomputed lifetimes or activity data. */
export const lifetimeNeeds: AnalysisInfo["needs"] = [
  [
    { role: "lifetimes", fields: ["duration", "event"], optional: ["customer_id"] },
    { role: "subscriptions", fields: ["customer_id", "start_date", "end_date"] },
    { role: "transactions", fields: ["customer_id", "date"] },
  ],
];

/**
 * The reductions of the lifetime analyses: events and censorings per (group, time), plus the
 * count of excluded rows. Survival and hazard ask the same SQL, so a report computes it once.
 */
export function lifetimeCountsReductions(params: { by: string; unit: "day" | "month" }, ctx: RunContext, asOf: string): Record<string, string> {
  const by = params.by.trim();
  const base = lifetimesSql(ctx, { unit: params.unit, attributes: by ? [by] : [], asOf });
  const grp = by ? `CAST(${quoteIdent(by)} AS VARCHAR)` : quoteLiteral(allGroup);
  return {
    counts: `SELECT ${grp} AS grp, duration AS time,
        COUNT(*) FILTER (WHERE event) AS events,
        COUNT(*) FILTER (WHERE NOT event) AS censored
      FROM (${base}) lt
      GROUP BY 1, 2
      ORDER BY grp NULLS LAST, time`,
    ...excludedLifetimesSql(ctx, asOf),
  };
}
