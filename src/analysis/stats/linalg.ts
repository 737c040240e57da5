// Small dense linear algebra for Newton-type fits (Cox, logistic): Cholesky solve and inverse
// of symmetric positive-definite matrices. Sizes here are tens of columns, so plain arrays do.

/** Cholesky factor L (lower) of a symmetric positive-definite matrix, or null if not SPD. */
export function cholesky(a: number[][]): number[][] | null {
  const n = a.length;
  const L = a.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let s = a[j]![j]!;
    for (let k = 0; k < j; k++) s -= L[j]![k]! * L[j]![k]!;
    if (!(s > 0)) return null;
    L[j]![j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let t = a[i]![j]!;
      for (let k = 0; k < j; k++) t -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = t / L[j]![j]!;
    }
  }
  return L;
}

/** Solves A x = b for symmetric positive-definite A. */
export function solveSpd(a: number[][], b: number[]): number[] | null {
  const L = cholesky(a);
  if (!L) return null;
  const n = b.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
    y[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

/** Inverse of a symmetric positive-definite matrix, or null. */
export function invertSpd(a: number[][]): number[][] | null {
  const n = a.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const x = solveSpd(a, e);
    if (!x) return null;
    cols.push(x);
  }
  return a.map((_, i) => cols.map((c) => c[i]!));
}
