// Every message of every catalogue renders to text, and the zh-CN texts use full-width
// punctuation around Chinese (ASCII , : ; ( ) next to a Chinese character is a typo of the
// catalogue; ASCII stays fine inside numbers, code and English names such as S(t) or P(alive)).

import { describe, expect, it } from "vitest";
import { catalogues } from "../../src/locales/index.js";
import { asciiPunctuationNextToChinese } from "../helpers/punctuation.js";

type Entry = { key: string; text: string };

/** Sample values for messages whose parameters are not plain numbers or strings. */
const samples: Record<string, unknown[]> = {
  list: [["a", "b"]],
  clauses: [["甲", "乙"]],
  either: [["开始日期", "结束日期"]],
  rowList: [["3", "7"], true],
  "model.features": [3, ["甲", "乙"]],
  "format.year": ["2026"],
  missingValue: [["summary.churn_rate"]],
  missingInColumns: [["客户流失率", "收入"], null],
  "churnTrend.undefinedPeriods": [["2026-01", "2026-02"]],
  "clv.atBoundary": [["r = 0.5（趋于 0）", "α = 9"]],
  "churnReasons.countedList": [["价格（3）", "服务（2）"], 4],
  "model.separated": [["套餐", "区域"], 1],
  "model.leaks": [["状态（AUC 0.999）"], 0.98, "0.02"],
  "model.ids": [["编号"]],
  "model.sentences": [["甲", "乙"]],
  "alerts.rule": ["流失率", ["高于 5%", "低于 1%"], ""],
  "summary.vsPrevious": ["month", "vs last month"],
  "summary.drivers3": ["vs last month", "rose", "1.4 pts", "3.0%", "4.4%", "Plan", "+0.9 pts", "+0.5 pts"],
};

/** Every message rendered: a string as it is; a function called with sample values (3 for each
 * parameter, which also interpolates as text), and with 1 to reach singular wording. */
function render(node: unknown, key = ""): Entry[] {
  if (typeof node === "string") return [{ key, text: node }];
  if (typeof node === "function") {
    const f = node as (...a: unknown[]) => unknown;
    const args = samples[key] ? [samples[key]!] : [3, 1].map((v) => Array.from({ length: f.length }, () => v));
    return args.flatMap((a) => render(f(...a), key));
  }
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => render(v, key ? `${key}.${k}` : k));
  throw new Error(`${key}: not a message (${typeof node})`);
}

describe("message catalogues", () => {
  const zh = render(catalogues["zh-CN"]);
  const en = render(catalogues["en-US"]);

  it("render every key in both locales to non-empty text", () => {
    expect(zh.map((e) => e.key)).toEqual(en.map((e) => e.key));
    for (const e of [...zh, ...en]) expect(e.text.trim(), e.key).not.toBe("");
    // No value left unrendered ([object Object], NaN; "undefined" is an English word, not Chinese).
    for (const e of [...zh, ...en]) expect(e.text, e.key).not.toMatch(/\[object|NaN/);
    for (const e of zh) expect(e.text, e.key).not.toMatch(/undefined/);
  });

  it("zh-CN uses full-width punctuation next to Chinese text", () => {
    const bad = zh.flatMap((e) => asciiPunctuationNextToChinese(e.text).map((s) => `${e.key}: …${s}…`));
    expect(bad).toEqual([]);
  });

  it("the punctuation check catches ASCII between Chinese and passes code and numbers", () => {
    expect(asciiPunctuationNextToChinese("大于 1:流失更早(生命周期更短);小于 1")).toHaveLength(4);
    expect(asciiPunctuationNextToChinese("时长,天")).toHaveLength(1);
    expect(asciiPunctuationNextToChinese("存活概率 P(alive)；1,234.5；S(t)；min_peers = 5；Gamma(r, α) 分布")).toEqual([]);
  });
});
