// zh-CN text written in the code — analysis titles, definitions, segment actions, notes — uses
// full-width punctuation next to Chinese (test/helpers/punctuation.ts states the rule). Two views:
// every string literal in src/ as written, and every analysis's definition as the appendix
// prints it (a template's pieces are only whole once its values are filled in).

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { registry } from "../../src/analysis/registry.js";
import { resolveParams } from "../../src/analysis/params.js";
import { appendixDefinition } from "../../src/analysis/run.js";
import type { Analysis, AnalysisContext } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { asciiPunctuationNextToChinese, cjk } from "../helpers/punctuation.js";

const src = join(import.meta.dirname, "..", "..", "src");
// Not zh-CN prose: the aliases a data file may use ("主动: voluntary"), the YAML that `init`
// writes (": " is YAML's syntax there) and the schema's English descriptions, which quote
// Chinese terms in English parentheses ("the previous period's value (环比)").
const notProse = new Set(["analysis/cohorts/churn-labels.ts", "cli/commands/init.ts", "definition/spec.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** Every string literal (and template piece) with Chinese in it, with its file and line. */
function chineseLiterals(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const file of files(src)) {
    const rel = file.slice(src.length + 1);
    if (notProse.has(rel)) continue;
    const text = readFileSync(file, "utf8");
    if (!cjk.test(text)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
        if (cjk.test(n.text)) out.push({ where: `${rel}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`, text: n.text });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

function ctx(): AnalysisContext {
  const fields = { subscriptions: ["customer_id", "start_date", "end_date", "mrr", "plan"], transactions: ["customer_id", "date", "amount", "cost"], customers: ["customer_id", "region"], churn_events: ["customer_id", "date", "reason"] };
  return { period: parsePeriod("2026-10"), locale: "zh-CN", currency: "CNY", churn: { kind: "subscriptions" }, fields };
}

describe("zh-CN punctuation in the code's text", () => {
  it("finds the literals it checks", () => {
    expect(chineseLiterals().length).toBeGreaterThan(500);
  });

  it("every Chinese string literal uses full-width punctuation next to Chinese", () => {
    const bad = chineseLiterals().flatMap(({ where, text }) => asciiPunctuationNextToChinese(text).map((s) => `${where}: …${s}…`));
    expect(bad).toEqual([]);
  });

  it("every analysis's title, summary and full definition does too", () => {
    const bad: string[] = [];
    for (const a of registry.values() as Iterable<Analysis>) {
      const plan = a.plan(resolveParams(a, a.id === "customer-card" ? { customer_id: "c1" } : {}), ctx());
      for (const text of [a.title["zh-CN"], a.summary["zh-CN"], appendixDefinition(a, plan, "zh-CN", null, "full")])
        for (const s of asciiPunctuationNextToChinese(text)) bad.push(`${a.id}: …${s}…`);
    }
    expect(bad).toEqual([]);
  });

  it("the rule keeps formulas and names in ASCII and catches Chinese asides", () => {
    expect(asciiPunctuationNextToChinese("差距 = max(0, 潜在价值 − 实际价值)；÷ (1 + 月折现率)^(每期月数)；R(recency)")).toEqual([]);
    expect(asciiPunctuationNextToChinese("占比(÷ 评分客户数)")).toHaveLength(2);
    expect(asciiPunctuationNextToChinese("（生命周期更短）;se 为")).toHaveLength(1);
  });
});
