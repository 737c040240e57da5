import { describe, expect, it } from "vitest";
import { playbook } from "../../src/analysis/playbook.js";
import { runOnRows } from "../helpers/analysis.js";
import { syntheticCompany } from "./predict/fixtures.js";

function company() {
  const data = syntheticCompany(300);
  // make customers C0000–C0029 cost more than they pay: negative-value customers
  for (const t of data.transactions) if ((t.customer_id as string) < "C0030") t.cost = (t.amount as number) * 2;
  return data;
}

describe("playbook", () => {
  it("assigns each at-risk customer the first matching default rule, with totals per action", async () => {
    const res = await runOnRows(playbook, company(), { min_probability: 0 });
    const a = res.tables.assignments!;
    expect(a.length).toBe(res.scalars.scored_customers);
    // negative-value customers get no retention spend, and nobody else does
    for (const r of a) expect(r.action === "no_spend").toBe(r.value_class === "bzc");
    expect(a.some((r) => r.value_class === "bzc")).toBe(true);
    // every MVC lands in account_manager, fix_service, tailored_offer, onboarding or dedicated_care
    for (const r of a.filter((x) => x.value_class === "mvc")) expect(["account_manager", "fix_service", "tailored_offer", "onboarding", "dedicated_care"]).toContain(r.action);
    const actions = res.tables.actions!;
    expect(actions.map((r) => r.action)).toEqual(["no_spend", "account_manager", "fix_service", "tailored_offer", "onboarding", "dedicated_care", "growth_offer", "customer_care"]);
    expect(actions.reduce((s, r) => s + (r.customers as number), 0)).toBe(a.length);
    const care = actions.find((r) => r.action === "customer_care")!;
    const rows = a.filter((r) => r.action === "customer_care");
    expect(care.customers).toBe(rows.length);
    expect(care.expected_churners).toBeCloseTo(rows.reduce((s, r) => s + (r.probability as number), 0), 9);
    expect(care.value_at_risk).toBeCloseTo(rows.reduce((s, r) => s + (r.value_at_risk as number), 0), 9);
  });

  it("takes custom rules and a probability floor; labels are localised", async () => {
    const res = await runOnRows(playbook, company(), { min_probability: 0.1, rules: "probability >= 0.3 -> call; tenure_days < 200 -> onboarding" }, { locale: "zh-CN" });
    const a = res.tables.assignments!;
    for (const r of a) {
      expect(r.probability as number).toBeGreaterThanOrEqual(0.1);
      if ((r.probability as number) >= 0.3) expect(r.action).toBe("call");
    }
    const labels = Object.fromEntries(res.tables.actions!.map((r) => [r.action, r.label]));
    expect(labels.onboarding).toBe("新客户引导与培训");
    expect(labels.call).toBe("call");
    if (a.some((r) => r.action === "(no rule)")) expect(labels["(no rule)"]).toBe("（无匹配规则）");
  });

  it("rejects bad rules before running any SQL", async () => {
    await expect(runOnRows(playbook, company(), { rules: "complaints > 1 -> call" })).rejects.toThrow(/unknown field "complaints"/);
  });
});
