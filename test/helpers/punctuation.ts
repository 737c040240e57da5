// The zh-CN punctuation rule shared by the catalogue test and the declared-outputs test: ASCII
// , : ; ( ) next to a Chinese character is a typo (full-width punctuation belongs there); ASCII
// stays fine inside numbers, code and English names such as S(t) or P(alive).

/** A Chinese character (full-width punctuation next to ASCII, as in "P(alive)；", is fine). */
export const cjk = /[\u3400-\u9fff]/u;

/** ASCII , : ; ( ) with a Chinese character next to it (spaces skipped). */
export function asciiPunctuationNextToChinese(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[,:;()]/g)) {
    const before = text.slice(0, m.index).trimEnd().at(-1) ?? "";
    const after = text.slice(m.index! + 1).trimStart()[0] ?? "";
    // A ")" belongs to what it closes: "Gamma(r, α) 分布" is a formula followed by Chinese, but
    // "(对数刻度)" and "客户编号(customer_id" are Chinese text in ASCII parentheses.
    const wrong = m[0] === ")" ? cjk.test(before) : cjk.test(before) || cjk.test(after);
    if (wrong) out.push(text.slice(Math.max(0, m.index! - 8), m.index! + 9));
  }
  return out;
}
