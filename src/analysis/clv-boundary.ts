// What the CLV analysis says when its BG/NBD fit sits at the boundary of the parameter space
// (stats/bg-nbd.ts: BgNbdFit.boundary, homogeneousRate, homogeneousDropout), in the report's
// language. The fallbacks themselves are bg-nbd.ts's:
// - r > 1e4 (no purchase-rate heterogeneity): the homogeneous-rate limit, λ = r/α estimated, α
//   held at 1e4 × mean T (r and α are stand-ins) — noted by clv.ts itself;
// - in that limit a, b → ∞ too (no drop-out heterogeneity): λ and p = a/(a+b) estimated, a + b
//   held at 1e6 — "homogeneous drop-out" note;
// - a, b → ∞ with heterogeneous rates (a + b > 1e4 where the free fit stopped): r, α and p
//   estimated, a + b held at 1e6, when that fits at least as well — "homogeneous drop-out" note;
// - a mean drop-out probability a/(a+b) < 1e-4 (no customer seen dropping out): P(alive) ≈ 1 and
//   CLV continues the observed rates without attrition, an upper bound — "no drop-out" note;
// - any other parameter beyond [1e-4, 1e4]: kept (the predictions are the model's limit there)
//   and listed as at the edge of what the data identify.
// A scalar bgnbd_fit ("free", "homogeneous-rate", "homogeneous-dropout", "homogeneous-rate-dropout") and bgnbd_boundary
// (the parameters at the boundary, comma-separated, or null) state the same for tables and KPIs.

import type { BgNbdFit } from "./stats/bg-nbd.js";
import type { Locale } from "./types.js";
import { formatNumber } from "../util/format.js";

const names = { r: "r", alpha: "α", a: "a", b: "b" } as const;

function num(v: number, locale: Locale): string {
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(1);
  return formatNumber(v, locale, { digits: Math.abs(v) >= 100 ? 0 : 3 });
}

export function bgNbdFitKind(bg: BgNbdFit): "free" | "homogeneous-rate" | "homogeneous-dropout" | "homogeneous-rate-dropout" {
  return bg.homogeneousDropout ? (bg.homogeneousRate ? "homogeneous-rate-dropout" : "homogeneous-dropout") : bg.homogeneousRate ? "homogeneous-rate" : "free";
}

/** bgnbd_boundary: the parameters at the boundary, comma-separated (null when none). */
export function bgNbdBoundaryScalar(bg: BgNbdFit): string | null {
  return bg.boundary.length ? bg.boundary.map((b) => b.param).join(", ") : null;
}

/** Notes on the boundary cases other than the homogeneous-rate limit (clv.ts notes that one). */
export function bgNbdBoundaryNotes(bg: BgNbdFit, locale: Locale): string[] {
  const zh = locale === "zh-CN";
  const notes: string[] = [];
  const { r, alpha, a, b } = bg.params;
  if (bg.homogeneousDropout && !bg.homogeneousRate) {
    const p = num(a / (a + b), locale);
    notes.push(
      zh
        ? `各客户的流失倾向没有差异（a、b 趋于无穷）：BG/NBD 取其极限形式，每次购买后所有客户以相同的概率 p = a/(a+b) = ${p} 流失，购买速率仍按 Gamma(r, α) 分布；表中的 a、b 只是代入公式的近似值（a + b = 10⁶），本身没有含义。`
        : `Drop-out does not vary between customers (a, b run off to infinity): BG/NBD is fitted in its limit, every customer dropping out after a purchase with one probability p = a/(a+b) = ${p}, purchase rates still Gamma(r, α). The a and b shown are stand-ins for the formulas (a + b = 10⁶), not estimates.`,
    );
  } else if (bg.homogeneousDropout) {
    const lambda = num(r / alpha, locale), p = num(a / (a + b), locale);
    notes.push(
      zh
        ? `各客户的流失倾向同样没有差异（a、b 趋于无穷）：BG/NBD 退化为两参数形式，只估计购买速率 λ = ${lambda} 与每次购买后相同的流失概率 p = a/(a+b) = ${p}；表中的 r、α、a、b 只是代入公式的近似值（α 取大值，a + b = 10⁶），本身没有含义。`
        : `Drop-out does not vary between customers either (a, b run off to infinity): BG/NBD reduces to two parameters, the purchase rate λ = ${lambda} and one drop-out probability after each purchase, p = a/(a+b) = ${p}. The r, α, a and b shown are stand-ins for the formulas (α held large, a + b = 10⁶), not estimates.`,
    );
  }
  const shown = bg.boundary.filter((x) => {
    if (x.param === "dropout") return false;
    if (bg.homogeneousRate && (x.param === "r" || x.param === "alpha")) return false;
    if (bg.homogeneousDropout && (x.param === "a" || x.param === "b")) return false;
    return true;
  });
  const dropout = bg.boundary.find((x) => x.param === "dropout");
  if (dropout) {
    notes.push(
      zh
        ? `BG/NBD 估计的平均流失概率 a/(a+b) = ${num(dropout.value, locale)}，趋于 0（a = ${num(a, locale)}，b = ${num(b, locale)}）：数据中几乎看不到客户流失，模型认为每位客户都仍然活跃（存活概率约为 1），预期购买次数与 CLV 按观察到的购买速率延续而不计流失，应视为上限。设定 calibration_end 用验证期检验，或使用更长的观察期。`
        : `BG/NBD puts the mean drop-out probability a/(a+b) at ${num(dropout.value, locale)}, practically 0 (a = ${num(a, locale)}, b = ${num(b, locale)}): the data show almost no customer dropping out, so the model takes every customer as alive (P(alive) about 1) and expected purchases and CLV continue the observed purchase rates with no attrition; read them as an upper bound. Check with a holdout (calibration_end) or a longer observation window.`,
    );
  }
  if (shown.length) {
    const list = shown.map((x) => `${names[x.param as keyof typeof names]} = ${num(x.value, locale)}${zh ? (x.side === "large" ? "（趋于无穷）" : "（趋于 0）") : x.side === "large" ? " (running off to infinity)" : " (running off to 0)"}`);
    notes.push(
      zh
        ? `BG/NBD 参数位于参数空间的边界：${list.join("，")}。数据不足以确定这些参数，预测取模型在该边界处的极限值，可靠性低于一般情况。`
        : `BG/NBD estimates at the boundary of the parameter space: ${list.join(", ")}. The data do not identify these parameters; predictions are the model's limit there and less reliable than usual.`,
    );
  }
  return notes;
}
