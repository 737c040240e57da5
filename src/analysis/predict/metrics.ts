// Classification metrics for churn scores. y is 0/1, p a probability (or any score for the
// rank metrics). Conventions follow scikit-learn where it has one:
// - ROC AUC = Mann–Whitney U / (n₁·n₀), ties between a positive and a negative count ½.
// - Average precision = Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the distinct score thresholds, highest first
//   (scikit-learn's definition, not the trapezoid).
// - Brier = mean((p − y)²); log loss = −mean(y ln p + (1 − y) ln(1 − p)), p clipped to [1e-15, 1 − 1e-15].
// - Gains by decile: rows sorted by score descending (ties: original order), decile d holds
//   ranks [⌊(d−1)n/10⌋, ⌊dn/10⌋); lift = the decile's churn rate ÷ the overall rate.
// - Calibration: ten equal-width bins of p ([0, .1), …, [.9, 1]); empty bins are omitted.
// A metric without a defined value (no positives, no negatives, no rows) is null.

export type Labels = ArrayLike<number>;
export type Scores = ArrayLike<number>;

function count(y: Labels): { n1: number; n0: number } {
  let n1 = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! > 0.5) n1++;
  return { n1, n0: y.length - n1 };
}

/** Indices sorted by score descending, ties kept in index order. */
function orderDesc(p: Scores): Uint32Array {
  const idx = new Uint32Array(p.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => p[b]! - p[a]! || a - b);
}

/** ROC AUC by Mann–Whitney: average ranks over tied scores. */
export function rocAuc(y: Labels, p: Scores): number | null {
  const { n1, n0 } = count(y);
  if (n1 === 0 || n0 === 0) return null;
  const idx = new Uint32Array(p.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => p[a]! - p[b]!);
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && p[idx[j + 1]!] === p[idx[i]!]) j++;
    const avgRank = (i + j + 2) / 2; // ranks are 1-based
    for (let k = i; k <= j; k++) if (y[idx[k]!]! > 0.5) rankSum += avgRank;
    i = j + 1;
  }
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * n0);
}

/** Average precision, scikit-learn's step definition over distinct thresholds. */
export function averagePrecision(y: Labels, p: Scores): number | null {
  const { n1 } = count(y);
  if (n1 === 0) return null;
  const idx = orderDesc(p);
  let tp = 0, seen = 0, prevRecall = 0, ap = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && p[idx[j]!] === p[idx[i]!]) {
      if (y[idx[j]!]! > 0.5) tp++;
      seen++;
      j++;
    }
    const recall = tp / n1;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
    i = j;
  }
  return ap;
}

export function brier(y: Labels, p: Scores): number | null {
  if (y.length === 0) return null;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / y.length;
}

export function logLoss(y: Labels, p: Scores): number | null {
  if (y.length === 0) return null;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]!));
    s -= y[i]! > 0.5 ? Math.log(q) : Math.log(1 - q);
  }
  return s / y.length;
}

export interface GainsRow {
  decile: number;
  customers: number;
  churners: number;
  churn_rate: number | null;
  lift: number | null;
  cumulative_customers_share: number;
  cumulative_churners_share: number | null;
  cumulative_lift: number | null;
  [k: string]: number | null;
}

/** Lift and cumulative gains by decile of the score (decile 1 = highest scores). */
export function gainsByDecile(y: Labels, p: Scores, groups = 10): GainsRow[] {
  const n = y.length;
  if (n === 0) return [];
  const idx = orderDesc(p);
  const { n1 } = count(y);
  const base = n1 / n;
  const rows: GainsRow[] = [];
  let cumN = 0, cumPos = 0;
  for (let d = 1; d <= groups; d++) {
    const lo = Math.floor(((d - 1) * n) / groups), hi = Math.floor((d * n) / groups);
    if (hi <= lo) continue;
    let pos = 0;
    for (let k = lo; k < hi; k++) if (y[idx[k]!]! > 0.5) pos++;
    cumN += hi - lo;
    cumPos += pos;
    const rate = pos / (hi - lo);
    rows.push({
      decile: d,
      customers: hi - lo,
      churners: pos,
      churn_rate: rate,
      lift: base > 0 ? rate / base : null,
      cumulative_customers_share: cumN / n,
      cumulative_churners_share: n1 > 0 ? cumPos / n1 : null,
      cumulative_lift: base > 0 ? cumPos / cumN / base : null,
    });
  }
  return rows;
}

/** Lift of the top decile (decile 1), or null. */
export function topDecileLift(y: Labels, p: Scores): number | null {
  return gainsByDecile(y, p)[0]?.lift ?? null;
}

export interface CalibrationRow {
  bin: number;
  bin_start: number;
  bin_end: number;
  customers: number;
  mean_predicted: number;
  observed_rate: number;
  [k: string]: number;
}

/** Reliability curve over equal-width probability bins (empty bins omitted). */
export function calibrationCurve(y: Labels, p: Scores, bins = 10): CalibrationRow[] {
  const n = new Float64Array(bins), sp = new Float64Array(bins), sy = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i]! * bins)));
    n[b]!++;
    sp[b]! += p[i]!;
    sy[b]! += y[i]!;
  }
  const rows: CalibrationRow[] = [];
  for (let b = 0; b < bins; b++) {
    if (n[b] === 0) continue;
    rows.push({ bin: b + 1, bin_start: b / bins, bin_end: (b + 1) / bins, customers: n[b]!, mean_predicted: sp[b]! / n[b]!, observed_rate: sy[b]! / n[b]! });
  }
  return rows;
}

export interface Confusion {
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number | null;
  recall: number | null;
  specificity: number | null;
  accuracy: number | null;
}

/** Confusion matrix with "predicted churn" when p ≥ threshold. */
export function confusionAt(y: Labels, p: Scores, threshold: number): Confusion {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < y.length; i++) {
    const pos = p[i]! >= threshold, actual = y[i]! > 0.5;
    if (pos && actual) tp++;
    else if (pos) fp++;
    else if (actual) fn++;
    else tn++;
  }
  const div = (a: number, b: number) => (b > 0 ? a / b : null);
  return { threshold, tp, fp, fn, tn, precision: div(tp, tp + fp), recall: div(tp, tp + fn), specificity: div(tn, tn + fp), accuracy: div(tp + tn, y.length) };
}

export interface CostTradeOff extends Confusion {
  offers: number;
  offer_cost_total: number;
  /** Σ over true positives of value × save rate (null when no value is known). */
  value_saved: number | null;
  net_benefit: number | null;
}

/**
 * The retention-offer trade-off at a threshold: every predicted churner gets an offer costing
 * `offerCost`; an offer to a real churner saves `saveRate` × that customer's value (value[i],
 * null when unknown). net = value saved − offers × offer cost.
 */
export function costTradeOff(y: Labels, p: Scores, threshold: number, offerCost: number, saveRate: number, value: ArrayLike<number | null> | null): CostTradeOff {
  const c = confusionAt(y, p, threshold);
  const offers = c.tp + c.fp;
  let saved: number | null = null;
  if (value) {
    saved = 0;
    for (let i = 0; i < y.length; i++) {
      if (p[i]! >= threshold && y[i]! > 0.5) {
        const v = value[i];
        if (v === null || v === undefined || !Number.isFinite(v)) continue;
        saved += v * saveRate;
      }
    }
  }
  const cost = offers * offerCost;
  return { ...c, offers, offer_cost_total: cost, value_saved: saved, net_benefit: saved === null ? null : saved - cost };
}
