// Appendix levels (issue 11): `plain` states each metric in words a manager reads — no formulas,
// raw TeX, library names, seeds or param dumps; `full` adds the exact definitions and the
// settings each analysis ran with; `none` prints no appendix.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registry } from "../../src/analysis/registry.js";
import { resolveParams } from "../../src/analysis/params.js";
import { appendixDefinition } from "../../src/analysis/run.js";
import { locales, type Analysis, type AnalysisContext, type Locale } from "../../src/analysis/types.js";
import { parseReportText } from "../../src/runner/definitions.js";
import { msg } from "../../src/locales/index.js";
import { conventionsFor } from "../../src/runner/conventions.js";
import { parsePeriod } from "../../src/util/period.js";

const root = join(import.meta.dirname, "..", "..");

/** What a board document must not show: TeX, formulas' code, library equivalences, seeds, param dumps. */
function technical(text: string): string[] {
  const out: string[] = [];
  for (const re of [/\\/, /Σ_/, /_\{/, /=\s*true\b/, /pandas/i, /lifelines/i, /\bseed\b/i, /随机种子/, /rank\(method/, /qcut/]) if (re.test(text)) out.push(re.source);
  return out;
}

function ctx(locale: Locale): AnalysisContext {
  // Data every analysis can be planned against (a subscriptions book with plans, purchases with costs, customers with attributes).
  const fields = { subscriptions: ["customer_id", "start_date", "end_date", "mrr", "plan"], transactions: ["customer_id", "date", "amount", "cost"], customers: ["customer_id", "region"], churn_events: ["customer_id", "date", "reason"] };
  return { period: parsePeriod("2026-10"), locale, currency: "USD", churn: { kind: "subscriptions" }, fields };
}

/** An analysis's plan with its default params (customer-card needs a customer). */
function planOf(a: Analysis, locale: Locale): unknown {
  return a.plan(resolveParams(a, a.id === "customer-card" ? { customer_id: "c1" } : {}), ctx(locale));
}

describe("appendix levels", () => {
  it("plain: every analysis has words in both locales, with nothing technical", () => {
    for (const locale of locales)
      for (const a of registry.values()) {
        const text = appendixDefinition(a, planOf(a, locale), locale, null, "plain");
        expect(text, `${a.id} (${locale})`).toBe((msg(locale).plainDefinitions as Record<string, string>)[a.id]);
        expect(technical(text), `${a.id} (${locale}): ${text}`).toEqual([]);
      }
  });

  it("full: the plain words followed by the exact definition", () => {
    const a = registry.get("survival")!;
    const text = appendixDefinition(a, planOf(a, "en-US"), "en-US", null, "full");
    expect(text.startsWith(msg("en-US").plainDefinitions.survival + "\n")).toBe(true);
    expect(text).toContain("Kaplan–Meier");
  });

  it("the summary's rules and the conventions of a plain appendix are plain too; full adds the settings", () => {
    for (const locale of locales) {
      const s = msg(locale);
      for (const text of [s.summary.materialityRule(3), s.summary.driversRule, s.alerts.segmentRule(30, 2), s.alerts.rule("x", ["y"], s.alerts.monthlyThresholds)]) expect(technical(text), text).toEqual([]);
    }
    for (const file of ["monthly-churn.yaml", "monthly-churn-en.yaml"]) {
      const report = parseReportText(readFileSync(join(root, "reports", file), "utf8"), file);
      expect(report.appendix).toBe("plain");
      const cox = registry.get("cox")!;
      // A cell that ran with non-default settings (covariates, a seed-like param): a param dump.
      const ran = [{ analysis: cox, params: { ...(resolveParams(cox, {}) as Record<string, never>), covariates: "channel, region", conf_level: 0.9 } }];
      const plain = conventionsFor(report, ran, "USD");
      expect(plain.some((c) => /covariates|conf_level/.test(c.value))).toBe(false);
      for (const c of plain) expect(technical(`${c.name} ${c.value}`)).toEqual([]);
      const full = conventionsFor({ ...report, appendix: "full" }, ran, "USD");
      expect(full.some((c) => c.value.includes("covariates = channel, region"))).toBe(true);
    }
  });

  it("none: the definition says so and the default is plain", () => {
    const base = readFileSync(join(root, "reports", "monthly-churn-en.yaml"), "utf8");
    expect(parseReportText(base.replace("appendix: plain", "appendix: none"), "x.yaml").appendix).toBe("none");
    expect(parseReportText(base.replace("appendix: plain\n", ""), "x.yaml").appendix).toBe("plain");
    expect(() => parseReportText(base.replace("appendix: plain", "appendix: short"), "x.yaml")).toThrow(/appendix/);
  });
});
