// Definition texts state what ran (issue 15): an analysis whose definition, with default
// params, spells out a param's default value must spell out the value the cell ran with
// instead. Each numeric param is set to an unusual value and the text must follow.

import { describe, expect, it } from "vitest";
import { registry } from "../../src/analysis/registry.js";
import { resolveParams } from "../../src/analysis/params.js";
import { definitionOf } from "../../src/analysis/run.js";
import type { AnalysisContext } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";

const ctx: AnalysisContext = {
  locale: "en-US",
  currency: "USD",
  churn: { kind: "subscriptions" },
  period: parsePeriod("2026-10"),
  fields: { transactions: ["customer_id", "date", "amount", "cost"], subscriptions: ["customer_id", "start_date", "end_date", "mrr", "plan"], customers: ["customer_id", "region"] },
};

/** The ways a number can appear in a definition: 240, 80%, 0.8, 80th. */
function mentions(text: string, x: number): boolean {
  const forms = new Set([String(x), `${Math.round(x * 1000) / 10}%`]);
  return [...forms].some((f) => new RegExp(`(^|[^0-9.])${f.replace(/[.%]/g, (c) => `\\${c}`)}(?![0-9])`).test(text));
}

/** Params whose default number appears in the text for another reason (checked by reading). */
const coincidences: Record<string, string> = {
  "churn-model.horizon_days": "90 is the 90-day trend feature; the text names the window H",
  "risk-list.horizon_days": "90 is the 90-day revenue trend; the text names horizon_days",
  "playbook.horizon_days": "90 is the default rules' 90-day ticket window",
  "risk-list.top": "20 is the value-class rule (top 20% of positive values)",
  "clv.horizon": "12 appears in the month length 365.25/12; the text names `horizon`",
  "clv.margin": "1 appears in formulas (x − 1, 1 when x = 0); the text names margin",
  "clv-contractual.margin": "1 appears in formulas (α − 1, t ≥ k+1); the text names margin",
  "churn-model.folds": "5 is the separation rule (a standard error over 5 times the slope); the text says k folds",
};

/** Params that another must match for the plan to accept the unusual value (a non-5 RFM grid needs its own segment map). */
const companions: Record<string, (v: number) => Record<string, unknown>> = {
  "rfm.bins": (v) => ({ segment_map: `top=R${v}F${v};rest=R1-${v}F1-${v - 1}+R1-${v - 1}F${v}` }),
};

describe("definition texts follow the params the cell ran with", () => {
  for (const a of registry.values()) {
    const numeric = Object.entries(a.params.properties as Record<string, { type?: string; default?: unknown; minimum?: number; maximum?: number; exclusiveMinimum?: number }>).filter(
      ([, s]) => (s.type === "integer" || s.type === "number") && typeof s.default === "number" && s.default !== 0,
    );
    for (const [name, schema] of numeric) {
      it(`${a.id}: ${name}`, () => {
        const base = resolveParams(a, {}) as Record<string, unknown>;
        const text0 = definitionOf(a, base, ctx)["en-US"];
        const d = schema.default as number;
        if (!mentions(text0, d) || coincidences[`${a.id}.${name}`]) return; // the text does not state this param's value
        // An unusual value inside the param's range.
        const lo = schema.minimum ?? schema.exclusiveMinimum ?? 0, hi = schema.maximum ?? d * 3 + 7;
        const v = schema.type === "integer" ? Math.min(hi, Math.max(lo + 1, d + 7)) : Math.min(hi, Math.round((d * 0.77 + (lo > 0 ? lo : 0)) * 1000) / 1000 || 0.37);
        const ran = { ...base, [name]: v, ...companions[`${a.id}.${name}`]?.(v) };
        const text = definitionOf(a, ran, ctx)["en-US"];
        expect(mentions(text, v), `${a.id} with ${name}=${v} should state ${v}:\n${text}`).toBe(true);
        const zh = definitionOf(a, ran, { ...ctx, locale: "zh-CN" })["zh-CN"];
        expect(mentions(zh, v), `${a.id} (zh-CN) with ${name}=${v} should state ${v}`).toBe(true);
      });
    }
  }
});
