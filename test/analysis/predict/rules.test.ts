import { describe, expect, it } from "vitest";
import { defaultRules, matchRule, median, parseRules, ruleFacts } from "../../../src/analysis/predict/rules.js";
import type { Scored } from "../../../src/analysis/predict/scoring.js";

describe("playbook rules", () => {
  it("parses conditions and picks the first matching rule", () => {
    const rules = parseRules("value_class = bzc -> no_spend; tickets_90d >= 2 and last_satisfaction <= 2 -> fix_service\n* -> care");
    expect(rules.map((r) => r.action)).toEqual(["no_spend", "fix_service", "care"]);
    expect(rules[1]!.conditions).toEqual([
      { field: "tickets_90d", op: ">=", value: 2 },
      { field: "last_satisfaction", op: "<=", value: 2 },
    ]);
    expect(matchRule(rules, { value_class: "BZC", tickets_90d: 5, last_satisfaction: 1 })).toBe(0); // case-insensitive words
    expect(matchRule(rules, { value_class: "mvc", tickets_90d: 2, last_satisfaction: 2 })).toBe(1);
    expect(matchRule(rules, { value_class: "mvc", tickets_90d: 2, last_satisfaction: null })).toBe(2); // missing → false
    expect(matchRule(parseRules("plan != 'Basic' -> x"), { plan: "Pro" })).toBe(0);
    expect(matchRule(parseRules("plan != Basic -> x"), {})).toBe(-1);
  });

  it("rejects malformed rules with a hint", () => {
    expect(() => parseRules("tickets >= 2 -> call")).toThrow(/unknown field "tickets"/);
    expect(() => parseRules("tickets_90d >= 2")).toThrow(/invalid rule/);
    expect(() => parseRules("tickets_90d ~ 2 -> call")).toThrow(/invalid condition/);
    expect(() => parseRules(" ; ")).toThrow(/no rule/);
    expect(parseRules(defaultRules)).toHaveLength(8);
  });

  it("derives low usage and price sensitivity facts", () => {
    const s: Scored = {
      customer_id: "a", probability: 0.4, annual_value: 100, value_at_risk: 40, value_class: "standard",
      reasons: [{ column: "MonthlyCharges", contribution: 0.3, text: "MonthlyCharges: 90" }],
      row: { tenure_days: 30, usage_30d: 2, has_rating: 0, last_satisfaction: 3.5 },
    };
    const f = ruleFacts(s, 5);
    expect(f).toMatchObject({ low_usage: 1, price_sensitive: 1, tenure_days: 30, last_satisfaction: null });
    expect(median([3, null, 1, 2, 10])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
