// Every declared table column says what it means, in both languages: docs/analyses.md and
// `churnbook analyses` list the meanings, and table headers come from them (the label, else the
// description) instead of a dictionary keyed by column name.

import { describe, expect, it } from "vitest";
import { registry } from "../../src/analysis/registry.js";
import { asciiPunctuationNextToChinese, cjk } from "../helpers/punctuation.js";

const columns = [...registry.values()].flatMap((a) =>
  Object.entries(a.outputs?.tables ?? {}).flatMap(([t, d]) => Object.entries(d.columns).map(([c, decl]) => ({ at: `${a.id}/${t}/${c}`, decl }))),
);

describe("declared column meanings", () => {
  it("covers the registry's columns", () => {
    expect(columns.length).toBeGreaterThan(500);
  });

  it("every declared column has a description in zh-CN and en-US; a label, when given, in both too", () => {
    const missing = columns.filter(({ decl }) => !decl.description?.["zh-CN"]?.trim() || !decl.description?.["en-US"]?.trim()).map((c) => c.at);
    expect(missing).toEqual([]);
    const halfLabels = columns.filter(({ decl }) => decl.label && (!decl.label["zh-CN"]?.trim() || !decl.label["en-US"]?.trim())).map((c) => c.at);
    expect(halfLabels).toEqual([]);
  });

  it("the zh-CN text is Chinese with full-width punctuation; the en-US text has no Chinese", () => {
    const notChinese = columns.filter(({ decl }) => !cjk.test(decl.description!["zh-CN"])).map((c) => `${c.at}: ${c.decl.description!["zh-CN"]}`);
    expect(notChinese).toEqual([]);
    const punctuation = columns.flatMap(({ at, decl }) => [decl.description!["zh-CN"], decl.label?.["zh-CN"] ?? ""].flatMap((t) => asciiPunctuationNextToChinese(t).map((s) => `${at}: …${s}…`)));
    expect(punctuation).toEqual([]);
    const chineseInEnglish = columns.filter(({ decl }) => cjk.test(decl.description!["en-US"]) || cjk.test(decl.label?.["en-US"] ?? "")).map((c) => c.at);
    expect(chineseInEnglish).toEqual([]);
  });

  it("headers are short: a label of at most 32 characters where the description is longer", () => {
    const long = columns.filter(({ decl }) => (decl.label ?? decl.description!)["en-US"].length > 32 || (decl.label ?? decl.description!)["zh-CN"].length > 16).map((c) => c.at);
    expect(long).toEqual([]);
  });
});
