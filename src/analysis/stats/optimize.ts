// Numerical optimisation for maximum-likelihood fits. Parameters that must be positive are
// optimised on the log scale by the caller. Convergence is reported, never assumed: a fit
// that does not converge is an error the analysis turns into a clear message.

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
  /** Gradient norm at the solution (BFGS) or simplex spread (Nelder–Mead). */
  tolerance: number;
}

export interface MinimizeOptions {
  maxIterations?: number;
  /** Gradient-norm tolerance (BFGS) or function-spread tolerance (Nelder–Mead). */
  tol?: number;
  /** Analytic gradient; central differences are used when absent. */
  gradient?: (x: number[]) => number[];
}

/** Central-difference gradient with a step scaled to each coordinate. */
export function numericGradient(f: (x: number[]) => number, x: number[]): number[] {
  return x.map((xi, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(xi));
    const up = x.slice(), dn = x.slice();
    up[i] = xi + h;
    dn[i] = xi - h;
    return (f(up) - f(dn)) / (2 * h);
  });
}

/** Nelder–Mead simplex (standard coefficients), robust on small rough problems. */
export function nelderMead(f: (x: number[]) => number, x0: number[], options: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  const maxIt = options.maxIterations ?? 2000 * n;
  const tol = options.tol ?? 1e-12;
  const safe = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let simplex = [x0.slice(), ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + (v === 0 ? 0.00025 : 0.05 * Math.abs(v) + 0.1) : v)))];
  let values = simplex.map(safe);
  let it = 0;
  for (; it < maxIt; it++) {
    const order = values.map((v, i) => i).sort((a, b) => values[a]! - values[b]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    if (Math.abs(values[n]! - values[0]!) <= tol * (Math.abs(values[0]!) + tol)) break;
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p[j]!, 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (simplex[n]![j]! - c));
    const xr = along(-1), fr = safe(xr);
    if (fr < values[0]!) {
      const xe = along(-2), fe = safe(xe);
      if (fe < fr) { simplex[n] = xe; values[n] = fe; } else { simplex[n] = xr; values[n] = fr; }
    } else if (fr < values[n - 1]!) {
      simplex[n] = xr; values[n] = fr;
    } else {
      const xc = fr < values[n]! ? along(-0.5) : along(0.5), fc = safe(xc);
      if (fc < Math.min(fr, values[n]!)) { simplex[n] = xc; values[n] = fc; }
      else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i]!.map((v, j) => simplex[0]![j]! + 0.5 * (v - simplex[0]![j]!));
          values[i] = safe(simplex[i]!);
        }
      }
    }
  }
  const best = values.indexOf(Math.min(...values));
  return { x: simplex[best]!, value: values[best]!, iterations: it, converged: it < maxIt && Number.isFinite(values[best]!), tolerance: Math.abs(values[n]! - values[0]!) };
}

/** BFGS with a backtracking (Armijo) line search. */
export function bfgs(f: (x: number[]) => number, x0: number[], options: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  const maxIt = options.maxIterations ?? 500;
  const tol = options.tol ?? 1e-8;
  const grad = options.gradient ?? ((x: number[]) => numericGradient(f, x));
  let x = x0.slice();
  let fx = f(x);
  let g = grad(x);
  let H = identity(n);
  let it = 0;
  let gnorm = norm(g);
  for (; it < maxIt && gnorm > tol; it++) {
    let p = matVec(H, g).map((v) => -v);
    let slope = dot(g, p);
    if (slope >= 0) { H = identity(n); p = g.map((v) => -v); slope = -dot(g, g); }
    let step = 1, xn: number[] = x, fn = Infinity;
    for (let k = 0; k < 60; k++) {
      xn = x.map((v, i) => v + step * p[i]!);
      fn = f(xn);
      if (Number.isFinite(fn) && fn <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!Number.isFinite(fn) || fn > fx) break;
    const gn = grad(xn);
    const s = xn.map((v, i) => v - x[i]!), y = gn.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12) {
      const Hy = matVec(H, y);
      const yHy = dot(y, Hy);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        H[i]![j]! += ((sy + yHy) * s[i]! * s[j]!) / (sy * sy) - (Hy[i]! * s[j]! + s[i]! * Hy[j]!) / sy;
      }
    }
    const change = Math.abs(fx - fn);
    x = xn; fx = fn; g = gn; gnorm = norm(g);
    if (change < 1e-15 * Math.max(1, Math.abs(fx)) && gnorm < tol * 1e3) break;
  }
  return { x, value: fx, iterations: it, converged: gnorm <= tol * 1e3, tolerance: gnorm };
}

/** Nelder–Mead to get close, then BFGS to polish: the default for small likelihoods. */
export function minimize(f: (x: number[]) => number, x0: number[], options: MinimizeOptions = {}): MinimizeResult {
  const rough = nelderMead(f, x0, { maxIterations: options.maxIterations, tol: 1e-10 });
  const fine = bfgs(f, rough.x, options);
  return fine.value <= rough.value ? fine : { ...rough, converged: rough.converged && fine.converged };
}

/** Numerical Hessian by central differences (for standard errors). */
export function numericHessian(f: (x: number[]) => number, x: number[]): number[][] {
  const n = x.length;
  const h = x.map((v) => 1e-4 * Math.max(1, Math.abs(v)));
  const H = identity(n).map((r) => r.map(() => 0));
  const at = (d: Record<number, number>) => f(x.map((v, i) => v + (d[i] ?? 0)));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = i === j
        ? (at({ [i]: h[i]! }) - 2 * f(x) + at({ [i]: -h[i]! })) / (h[i]! * h[i]!)
        : (at({ [i]: h[i]!, [j]: h[j]! }) - at({ [i]: h[i]!, [j]: -h[j]! }) - at({ [i]: -h[i]!, [j]: h[j]! }) + at({ [i]: -h[i]!, [j]: -h[j]! })) / (4 * h[i]! * h[j]!);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}
function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
function norm(a: number[]): number {
  return Math.sqrt(dot(a, a));
}
function matVec(m: number[][], v: number[]): number[] {
  return m.map((r) => dot(r, v));
}
