// Words live in the catalogues (src/locales): no source file picks text by comparing the locale —
// a `zh ? "中文" : "English"` ternary, a `locale === "zh-CN" ? … : …` conditional (on one line or
// across lines), an `if (locale === "zh-CN")` — nor defines a local `t`/`say`/`pick` helper that
// takes a locale with the words of each language. A sentence added that way would miss the type
// check that every locale has it, and the punctuation check. A rule that differs by locale without
// being words (compact units, sentence ends, d3 time formats) is a Record<Locale, …> table, which
// the type check also keeps complete.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "..", "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/**
 * Comparisons of a locale with a literal (genuinely non-text logic would be listed here, by
 * "file: line text", with the reason; today there is none).
 */
const allowed: Record<string, string> = {};

const patterns: RegExp[] = [
  // `zh ? …`
  /\bzh\s*\?/g,
  // locale === "zh-CN", "en-US" !== lang, … (a conditional, an if or a filter that picks by locale)
  /[!=]==?\s*["'](?:zh-CN|en-US)["']|["'](?:zh-CN|en-US)["']\s*[!=]==?/g,
  // const t = (locale: Locale, zh: string, en: string) => …; function say(locale, …); const pick = (l: Locale, …
  /\b(?:const|let|function)\s+(?:t|say|pick)\b\s*(?:=\s*)?\(\s*\w+\s*:\s*Locale\b/g,
  // any helper taking the words of both languages: (zh: string, en: string) / (locale, zh, en)
  /\(\s*[^()]*\bzh\s*(?::\s*string)?\s*,\s*en\b[^()]*\)\s*(?::[^=;{]*)?(?:=>|\{)/g,
];

/** Locale-picking code of a source text, as "line: text". */
export function localeConditionals(text: string): string[] {
  const out: string[] = [];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const line = text.slice(0, m.index).split("\n").length;
      out.push(`${line}: ${text.split("\n")[line - 1]!.trim().slice(0, 80)}`);
    }
  }
  return out;
}

describe("no locale ternaries", () => {
  it("src/ picks no text by comparing the locale and has no t/say/pick helpers of its own", () => {
    const found = files(src)
      .flatMap((f) => localeConditionals(readFileSync(f, "utf8")).map((h) => `${relative(src, f)}:${h}`))
      .filter((h) => !(h.replace(/:\d+:/, ":") in allowed));
    expect(found).toEqual([]);
  });

  it("the check finds ternaries, conditionals and helpers, on one line or across lines", () => {
    expect(localeConditionals('const a = zh ? "甲" : "a";\nnotes.push(\n  zh\n    ? `乙`\n    : `b`);')).toHaveLength(2);
    expect(localeConditionals('const s = locale === "zh-CN" ? "：" : ": ";')).toHaveLength(1);
    expect(localeConditionals('if (locale === "zh-CN") return `${y}年`;')).toHaveLength(1);
    expect(localeConditionals('const sep =\n  opts.locale !== "en-US"\n    ? "、"\n    : ", ";')).toHaveLength(1);
    expect(localeConditionals('.filter((n) => !("zh-CN" === locale && !cjk.test(n)))')).toHaveLength(1);
    expect(localeConditionals('const t = (locale: Locale, zh: string, en: string) => (x ? zh : en);')).toHaveLength(2);
    expect(localeConditionals("function say(l: Locale, key: string) {")).toHaveLength(1);
    expect(localeConditionals("const pick = (zh: string, en: string) => en;")).toHaveLength(1);
  });

  it("passes the catalogue's way and per-locale tables", () => {
    expect(localeConditionals('const zhBy = byName(x, "zh-CN"); const say = msg(locale);')).toEqual([]);
    expect(localeConditionals('const t = msg(locale).summary;\nconst names: Record<Locale, string> = { "zh-CN": "甲", "en-US": "a" };')).toEqual([]);
    expect(localeConditionals("const pick = (r: Row, keys: string[]) => r;\nfunction compare(locale: \"zh-CN\" | \"en-US\") {}")).toEqual([]);
  });
});
