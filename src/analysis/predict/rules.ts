// Retention playbook rules: an ordered list of `condition -> action`, the first matching
// rule decides a customer's action. Written as text (the `rules` param):
//
//   value_class = bzc -> no_spend; tickets_90d >= 2 && last_satisfaction <= 2 -> fix_service; * -> customer_care
//
// Rules are separated by ";" or new lines. A condition is "*" (always) or comparisons joined
// by "&&" (or "and"): `field op value` with op one of = != < <= > >=; the value is a number
// or a word (quotes optional). A comparison with a missing field value is false.

import { ChurnbookError, closeMatches } from "../../util/errors.js";
import type { Locale, Value } from "../types.js";
import { msg } from "../../locales/index.js";
import { numberOrNull, priceColumn } from "./pipeline.js";
import type { Scored } from "./scoring.js";

export const ruleFields = [
  "probability",
  "value_class",
  "annual_value",
  "value_at_risk",
  "tenure_days",
  "tickets_90d",
  "open_tickets",
  "last_satisfaction",
  "usage_30d",
  "low_usage",
  "price_sensitive",
  "plan",
] as const;
export type RuleField = (typeof ruleFields)[number];

const ops = [">=", "<=", "!=", "=", "<", ">"] as const;
type Op = (typeof ops)[number];

export interface Comparison {
  field: RuleField;
  op: Op;
  value: string | number;
}

export interface Rule {
  conditions: Comparison[];
  action: string;
  text: string;
}

/** Default rules, after the source practice: guard the most valuable, convert the growable,
 * spend nothing on negative-value customers, fix the service causes of retaliatory churn. */
export const defaultRules = [
  "value_class = bzc -> no_spend",
  "value_class = mvc && tickets_90d >= 1 -> account_manager",
  "tickets_90d >= 2 && last_satisfaction <= 2 -> fix_service",
  "price_sensitive = 1 -> tailored_offer",
  "tenure_days < 90 && low_usage = 1 -> onboarding",
  "value_class = mvc -> dedicated_care",
  "value_class = mgc -> growth_offer",
  "* -> customer_care",
].join("; ");

/** An action's name in the report's language (a custom rule's own action name as it is). */
export function actionLabel(action: string, locale: Locale): string {
  const names = msg(locale).model.actions;
  return Object.hasOwn(names, action) ? names[action as keyof typeof names] : action;
}

function bad(message: string, hint: string): ChurnbookError {
  return new ChurnbookError("bad-param", `param "rules": ${message}`, { hint });
}

export function parseRules(text: string): Rule[] {
  const parts = String(text).split(/[;\n]/).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw bad("no rule", `write rules as "condition -> action; …", e.g. ${defaultRules.split(";")[0]}`);
  return parts.map((part) => {
    const m = /^(.*?)->\s*([A-Za-z0-9_\-]+)\s*$/.exec(part);
    if (!m) throw bad(`invalid rule "${part}"`, `a rule is "condition -> action", e.g. "tickets_90d >= 2 -> fix_service"`);
    const cond = m[1]!.trim();
    const conditions: Comparison[] = [];
    if (cond !== "*") {
      for (const c of cond.split(/&&|\band\b/).map((s) => s.trim())) {
        const cm = /^([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|!=|=|<|>)\s*(.+)$/.exec(c);
        if (!cm) throw bad(`invalid condition "${c}" in "${part}"`, `a condition is "field op value" with op = != < <= > >=`);
        const field = cm[1]!;
        if (!(ruleFields as readonly string[]).includes(field)) {
          const near = closeMatches(field, ruleFields);
          throw bad(`unknown field "${field}" in "${part}"`, `${near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}? ` : ""}fields: ${ruleFields.join(", ")}`);
        }
        const raw = cm[3]!.trim().replace(/^["']|["']$/g, "");
        const num = Number(raw);
        conditions.push({ field: field as RuleField, op: cm[2] as Op, value: raw !== "" && Number.isFinite(num) ? num : raw });
      }
    }
    return { conditions, action: m[2]!, text: part };
  });
}

function compare(v: Value | undefined, op: Op, w: string | number): boolean {
  if (v === null || v === undefined) return false;
  if (typeof w === "number") {
    const x = typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : Number(v);
    if (!Number.isFinite(x)) return false;
    return op === "=" ? x === w : op === "!=" ? x !== w : op === "<" ? x < w : op === "<=" ? x <= w : op === ">" ? x > w : x >= w;
  }
  const s = String(v).toLowerCase(), t = w.toLowerCase();
  return op === "=" ? s === t : op === "!=" ? s !== t : op === "<" ? s < t : op === "<=" ? s <= t : op === ">" ? s > t : s >= t;
}

/** The first matching rule's index, or −1. */
export function matchRule(rules: readonly Rule[], facts: Partial<Record<RuleField, Value>>): number {
  return rules.findIndex((r) => r.conditions.every((c) => compare(facts[c.field], c.op, c.value)));
}

/** The feature columns `ruleFacts` reads. */
export const ruleColumns = ["tenure_days", "tenure", "tickets_90d", "open_tickets", "last_satisfaction", "has_rating", "usage_30d", "mrr_change_90d", "current_plan", "plan"];

/**
 * The facts a rule can test for a scored customer. low_usage: usage_30d below `usageMedian`
 * (the median over the scored base); price_sensitive: MRR rose in the last 90 days or one of
 * the top reasons is a price column (mrr, price, charges, fee, amount, monetary).
 */
export function ruleFacts(s: Scored, usageMedian: number | null): Partial<Record<RuleField, Value>> {
  const n = (k: string) => numberOrNull(s.row[k]);
  const usage = n("usage_30d");
  const priceUp = (n("mrr_change_90d") ?? 0) > 0;
  return {
    probability: s.probability,
    value_class: s.value_class,
    annual_value: s.annual_value,
    value_at_risk: s.value_at_risk,
    tenure_days: n("tenure_days") ?? n("tenure"),
    tickets_90d: n("tickets_90d"),
    open_tickets: n("open_tickets"),
    last_satisfaction: s.row.has_rating === 0 ? null : n("last_satisfaction"),
    usage_30d: usage,
    low_usage: usage === null || usageMedian === null ? null : usage < usageMedian ? 1 : 0,
    price_sensitive: priceUp || s.reasons.some((r) => priceColumn(r.column)) ? 1 : 0,
    plan: (s.row.current_plan ?? s.row.plan ?? null) as Value,
  };
}

/** Median of the non-null numbers (null when none). */
export function median(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}
