// The Gauss hypergeometric function ₂F₁(a, b; c; z) on the whole real line z < 1, built on
// the power series of special.ts (valid for |z| < 1, but slow as z → 1 and useless for z ≤ −1).
// BG/NBD needs ₂F₁ at z = t/(α + T + t) ∈ [0, 1), which approaches 1 for long horizons and
// small α + T; there the series needs tens of thousands of terms, so z > 0.9 goes through the
// linear transformation z → 1 − z (Abramowitz & Stegun 15.3.6). Negative z goes through
// Pfaff's transformation z → z/(z − 1) ∈ (0, 1) (A&S 15.3.4).

import { hyp2f1, lgamma } from "./special.js";

/** Where the series stops and the 1 − z transformation takes over. */
const seriesLimit = 0.9;

/**
 * ₂F₁(a, b; c; z) for real z < 1 (c not a non-positive integer).
 * - z < 0: Pfaff, ₂F₁(a, b; c; z) = (1 − z)^(−a) ₂F₁(a, c − b; c; z/(z − 1)).
 * - 0 ≤ z ≤ 0.9: the power series.
 * - 0.9 < z < 1: A&S 15.3.6 with y = 1 − z and s = c − a − b,
 *     ₂F₁ = Γ(c)Γ(s)/(Γ(c−a)Γ(c−b)) ₂F₁(a, b; 1−s; y) + y^s Γ(c)Γ(−s)/(Γ(a)Γ(b)) ₂F₁(c−a, c−b; 1+s; y).
 *   When s is (nearly) an integer both terms have poles that cancel; the function is smooth
 *   in c, so it is evaluated at c ± δ and c ± 2δ (δ = 1e-4) and extrapolated (error O(δ⁴)).
 */
export function hyp2f1Real(a: number, b: number, c: number, z: number): number {
  if (!(z < 1)) throw new Error(`hyp2f1Real: z must be < 1, got ${z}`);
  if (z < 0) return Math.pow(1 - z, -a) * hyp2f1Real(a, c - b, c, z / (z - 1));
  if (z <= seriesLimit) return hyp2f1(a, b, c, z);
  const s = c - a - b;
  if (Math.abs(s - Math.round(s)) < 1e-4) {
    // Symmetric averages at c ± δ and c ± 2δ, combined by Richardson extrapolation: O(δ⁴).
    const d = 1e-4;
    const near = (oneMinusZ(a, b, c + d, z) + oneMinusZ(a, b, c - d, z)) / 2;
    const far = (oneMinusZ(a, b, c + 2 * d, z) + oneMinusZ(a, b, c - 2 * d, z)) / 2;
    return (4 * near - far) / 3;
  }
  return oneMinusZ(a, b, c, z);
}

function oneMinusZ(a: number, b: number, c: number, z: number): number {
  const s = c - a - b, y = 1 - z;
  // Each coefficient as sign · exp(log-magnitude); 1/Γ at a pole (non-positive integer) is 0.
  const c1 = gammaRatio([c, s], [c - a, c - b]);
  const c2 = gammaRatio([c, -s], [a, b]);
  const t1 = c1 === 0 ? 0 : c1 * hyp2f1(a, b, 1 - s, y);
  const t2 = c2 === 0 ? 0 : c2 * Math.exp(s * Math.log(y)) * hyp2f1(c - a, c - b, 1 + s, y);
  return t1 + t2;
}

/** Π Γ(num) / Π Γ(den) with signs, 0 when a denominator argument is a pole. */
function gammaRatio(num: number[], den: number[]): number {
  let logMag = 0, sign = 1;
  for (const x of den) {
    if (isPole(x)) return 0;
    logMag -= lgamma(x);
    sign *= gammaSign(x);
  }
  for (const x of num) {
    if (isPole(x)) throw new Error(`hyp2f1Real: Γ pole at ${x}`);
    logMag += lgamma(x);
    sign *= gammaSign(x);
  }
  return sign * Math.exp(logMag);
}

function isPole(x: number): boolean {
  return x <= 0 && Number.isInteger(x);
}

/** Sign of Γ(x): positive for x > 0; for x < 0 it alternates between the integers. */
function gammaSign(x: number): number {
  if (x > 0) return 1;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}
