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
import { msg } from "../locales/index.js";

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
  const say = msg(locale).clv;
  const notes: string[] = [];
  const { r, alpha, a, b } = bg.params;
  if (bg.homogeneousDropout && !bg.homogeneousRate) notes.push(say.homogeneousDropout(num(a / (a + b), locale)));
  else if (bg.homogeneousDropout) notes.push(say.homogeneousBoth(num(r / alpha, locale), num(a / (a + b), locale)));
  const shown = bg.boundary.filter((x) => {
    if (x.param === "dropout") return false;
    if (bg.homogeneousRate && (x.param === "r" || x.param === "alpha")) return false;
    if (bg.homogeneousDropout && (x.param === "a" || x.param === "b")) return false;
    return true;
  });
  const dropout = bg.boundary.find((x) => x.param === "dropout");
  if (dropout) notes.push(say.noDropout(num(dropout.value, locale), num(a, locale), num(b, locale)));
  if (shown.length) notes.push(say.atBoundary(shown.map((x) => say.boundaryParam(names[x.param as keyof typeof names], num(x.value, locale), x.side === "large"))));
  return notes;
}
