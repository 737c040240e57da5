// Validation schemes and model-agnostic importance.
// - k-fold by row index: fold(i) = i mod k (the convention of the Telco reference).
// - k-fold by group: the distinct groups (customers) sorted, fold = rank mod k, so the rows of
//   one customer (several cutoffs) never sit on both sides.
// - Time split: train on the rows of the earlier cutoffs, test on the latest cutoff.
// - Permutation importance: the drop in ROC AUC when one column is shuffled (seeded) on a
//   sample of at most `maxRows` evaluation rows; negative drops are reported as they are.

import { seededRandom } from "./gbdt.js";
import { rocAuc } from "./metrics.js";

/** fold(i) = i mod k. */
export function foldsByIndex(n: number, k: number): Int32Array {
  const f = new Int32Array(n);
  for (let i = 0; i < n; i++) f[i] = i % k;
  return f;
}

/** Folds by group: distinct groups in sorted order, fold = rank mod k. */
export function foldsByGroup(groups: readonly string[], k: number): Int32Array {
  const distinct = [...new Set(groups)].sort();
  const rank = new Map(distinct.map((g, i) => [g, i % k]));
  return Int32Array.from(groups, (g) => rank.get(g)!);
}

/** Row indices of train and test for fold f. */
export function splitFold(folds: Int32Array, f: number): { train: number[]; test: number[] } {
  const train: number[] = [], test: number[] = [];
  for (let i = 0; i < folds.length; i++) (folds[i] === f ? test : train).push(i);
  return { train, test };
}

/** Train on every cutoff before the latest, test on the latest; null with fewer than two cutoffs. */
export function timeSplit(cutoffs: readonly string[]): { train: number[]; test: number[]; testCutoff: string } | null {
  const distinct = [...new Set(cutoffs)].sort();
  if (distinct.length < 2) return null;
  const last = distinct[distinct.length - 1]!;
  const train: number[] = [], test: number[] = [];
  cutoffs.forEach((c, i) => (c === last ? test : train).push(i));
  return { train, test, testCutoff: last };
}

/** Rows `rows` of a row-major matrix with p columns. */
export function takeRows(x: Float64Array, p: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * p);
  for (let k = 0; k < rows.length; k++) out.set(x.subarray(rows[k]! * p, rows[k]! * p + p), k * p);
  return out;
}

export function takeLabels(y: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: rows.length }, (_, k) => y[rows[k]!]!);
}

/** AUC drop per column when that column is permuted (seeded), on ≤ maxRows rows. */
export function permutationImportance(
  predict: (x: Float64Array, n: number) => Float64Array,
  x: Float64Array,
  y: ArrayLike<number>,
  n: number,
  p: number,
  seed = 1,
  maxRows = 5000,
): (number | null)[] {
  const rand = seededRandom(seed);
  let rows = Array.from({ length: n }, (_, i) => i);
  if (n > maxRows) {
    for (let i = n - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      [rows[i], rows[k]] = [rows[k]!, rows[i]!];
    }
    rows = rows.slice(0, maxRows).sort((a, b) => a - b);
  }
  const m = rows.length;
  const xs = takeRows(x, p, rows), ys = takeLabels(y, rows);
  const base = rocAuc(ys, predict(xs, m));
  if (base === null) return new Array(p).fill(null);
  const out: (number | null)[] = [];
  const perm = new Uint32Array(m), saved = new Float64Array(m);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < m; i++) perm[i] = i;
    for (let i = m - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      const t = perm[i]!;
      perm[i] = perm[k]!;
      perm[k] = t;
    }
    for (let i = 0; i < m; i++) saved[i] = xs[i * p + j]!;
    for (let i = 0; i < m; i++) xs[i * p + j] = saved[perm[i]!]!;
    const auc = rocAuc(ys, predict(xs, m));
    out.push(auc === null ? null : base - auc);
    for (let i = 0; i < m; i++) xs[i * p + j] = saved[i]!;
  }
  return out;
}
