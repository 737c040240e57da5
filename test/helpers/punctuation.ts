// The zh-CN punctuation rule shared by the catalogue test, the declared-outputs test and the
// analysis-definitions test: ASCII , : ; ( ) next to Chinese text is a typo (full-width
// punctuation belongs there). ASCII stays fine inside numbers, code, English names such as S(t)
// or P(alive), and formulas: parentheses that hold an operator, as in max(0, 潜在价值 − 成本) or
// ÷ (1 + 月折现率)^k, or follow a name with no Chinese inside, as in R(recency). Parentheses with
// Chinese before and inside are an aside in Chinese: "占比(÷ 评分客户数)" wants "占比（÷ 评分客户数）".

/** A Chinese character (full-width punctuation next to ASCII, as in "P(alive)；", is fine). */
export const cjk = /[\u3400-\u9fff]/u;
/** Chinese text for the , : ; rule: a Chinese character or a closing full-width mark, as in "）;". */
const chineseContext = /[\u3400-\u9fff）」』”】》]/u;
/** An operator: a sign, or = and - standing between spaces (not measure=revenue, not as-of). */
const operator = /[+−×÷^<>≤≥·∓±Σ√|]| [=-] /u;

/** The index pairs of matched ASCII parentheses. */
function parenPairs(text: string): [number, number][] {
  const open: number[] = [], pairs: [number, number][] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") open.push(i);
    else if (text[i] === ")" && open.length) pairs.push([open.pop()!, i]);
  }
  return pairs;
}

/** Index ranges (inclusive) of formula parentheses (see the rule above). */
function formulaSpans(text: string): [number, number][] {
  return parenPairs(text).filter(([a, b]) => {
    const inside = text.slice(a + 1, b), before = text.slice(0, a).trimEnd().at(-1) ?? "";
    // Chinese before and inside is an aside in Chinese, whatever it holds: "占比(÷ 评分客户数)".
    if (cjk.test(before) && cjk.test(inside)) return false;
    if (before === "^" || before === "_") return true; // an exponent or index: (1 + 月折现率)^(每期月数)
    return operator.test(inside) || (/[A-Za-z_\u0370-\u03ff\]^]/u.test(before) && !cjk.test(inside));
  });
}

/** The positions of ASCII , : ; ( ) that should be full-width. A pair of parentheses is wrong
 * together: if either side touches Chinese text, both are. */
export function wrongPunctuation(text: string): number[] {
  const formulas = formulaSpans(text);
  const inFormula = (i: number) => formulas.some(([a, b]) => i >= a && i <= b);
  const near = (i: number) => {
    const before = text.slice(0, i).trimEnd().at(-1) ?? "";
    const after = text.slice(i + 1).trimStart()[0] ?? "";
    return { before, after };
  };
  const out = new Set<number>();
  for (const m of text.matchAll(/[,:;]/g)) {
    const i = m.index!;
    if (inFormula(i)) continue;
    const { before, after } = near(i);
    if (chineseContext.test(before) || cjk.test(after)) out.add(i);
  }
  for (const [a, b] of parenPairs(text)) {
    if (inFormula(a)) continue;
    // "(对数刻度)" and "客户编号(customer_id)" are Chinese text in ASCII parentheses.
    if (cjk.test(near(a).before) || cjk.test(near(a).after) || cjk.test(near(b).before)) out.add(a).add(b);
  }
  return [...out].sort((x, y) => x - y);
}

/** Excerpts around each ASCII mark that should be full-width. */
export function asciiPunctuationNextToChinese(text: string): string[] {
  return wrongPunctuation(text).map((i) => text.slice(Math.max(0, i - 8), i + 9));
}

const fullWidth: Record<string, string> = { ",": "，", ":": "：", ";": "；", "(": "（", ")": "）" };

/** The text with each wrong ASCII mark made full-width (and the spaces around them dropped),
 * repeated until stable: "(生命周期更短);" needs the ";" fixed once the ")" is. */
export function fixPunctuation(text: string): string {
  for (;;) {
    const next = fixOnce(text);
    if (next === text) return text;
    text = next;
  }
}

function fixOnce(text: string): string {
  const wrong = new Set(wrongPunctuation(text));
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (!wrong.has(i)) { out += text[i]; continue; }
    // Full-width marks carry their own space: drop the space after , : ; and before (.
    if (text[i] === "(" && out.endsWith(" ")) out = out.slice(0, -1);
    out += fullWidth[text[i]!];
    if (",:;)".includes(text[i]!) && text[i + 1] === " ") i++;
  }
  return out;
}
