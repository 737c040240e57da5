// Words live in the catalogues (src/locales): no source file picks a sentence with a
// `zh ? "中文" : "English"` ternary (on one line or across lines). A sentence added that way
// would miss the type check that every locale has it, and the punctuation check.

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

/** `zh ?` ternaries of a source text, as "line: text". */
export function zhTernaries(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bzh\s*\?/g)) {
    const line = text.slice(0, m.index).split("\n").length;
    out.push(`${line}: ${text.split("\n")[line - 1]!.trim().slice(0, 80)}`);
  }
  return out;
}

describe("no locale ternaries", () => {
  it("src/ has no zh ? … : … ternary", () => {
    const found = files(src).flatMap((f) => zhTernaries(readFileSync(f, "utf8")).map((h) => `${relative(src, f)}:${h}`));
    expect(found).toEqual([]);
  });

  it("the check finds one-line and multi-line ternaries", () => {
    expect(zhTernaries('const a = zh ? "甲" : "a";\nnotes.push(\n  zh\n    ? `乙`\n    : `b`);')).toHaveLength(2);
    expect(zhTernaries('const zhBy = byName(x, "zh-CN"); const say = msg(locale);')).toEqual([]);
  });
});
