// One error class for everything a user can cause. The CLI prints `location message [code]`
// and the hint, never a stack trace (unless --debug). Programming errors stay plain `Error`s.

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  cellId?: string;
  dataset?: string;
  column_name?: string;
  row?: number;
}

/**
 * Every error code a user can meet (printed as `[code]`, recorded in manifests and batch
 * summaries): a code outside this list fails the type check, so the list is the reference.
 */
export const errorCodes = [
  "bad-connection",
  "bad-covariate",
  "bad-csv-line",
  "bad-currency",
  "bad-date",
  "bad-derive",
  "bad-duration",
  "bad-encoding",
  "bad-flag",
  "bad-markdown",
  "bad-memory-limit",
  "bad-param",
  "bad-period",
  "bad-sample-option",
  "bad-summary",
  "bad-value",
  "browser-launch",
  "browser-not-found",
  "cannot-write",
  "connection-failed",
  "connection-lost",
  "cox-constant-covariate",
  "cox-no-events",
  "cox-singular",
  "customer-identity",
  "data-changed",
  "disk-full",
  "duplicate-id",
  "duplicate-role",
  "duplicated-file",
  "empty-file",
  "engine-table",
  "file-access",
  "init-exists",
  "invalid-alert",
  "invalid-brand",
  "invalid-clients",
  "invalid-definition",
  "invalid-expression",
  "invalid-file",
  "missing-column",
  "missing-connection",
  "missing-field",
  "missing-file",
  "missing-glyphs",
  "missing-logo",
  "missing-param",
  "missing-role",
  "mixed-sources",
  "model-fit-failed",
  "mrr-bridge",
  "no-chart",
  "no-covariates",
  "no-period",
  "no-schedule",
  "not-a-table",
  "not-utf8",
  "out-of-memory",
  "overlapping-subscription",
  "period-outside-data",
  "print-failed",
  "print-view",
  "sample-write",
  "sbg-fit-failed",
  "too-many-levels",
  "transform-failed",
  "unknown-analysis",
  "unknown-attribute",
  "unknown-cell",
  "unknown-column",
  "unknown-command",
  "unknown-customer",
  "unknown-param",
  "unknown-role",
  "unknown-scalar",
  "unknown-table",
  "unknown-theme",
  "unreadable-file",
  "unreadable-table",
  "unset-param",
  "upstream-failed",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class ChurnbookError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly location: ErrorLocation;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: { hint?: string; location?: ErrorLocation; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ChurnbookError";
    this.code = code;
    this.hint = options.hint;
    this.location = options.location ?? {};
    this.exitCode = options.exitCode ?? 1;
  }

  /** A copy with more location facts (e.g. the cell id added by the runner). */
  at(location: ErrorLocation): ChurnbookError {
    return new ChurnbookError(this.code, this.message, { hint: this.hint, location: { ...location, ...this.location }, exitCode: this.exitCode, cause: this.cause });
  }
}

export function isChurnbookError(e: unknown): e is ChurnbookError {
  return e instanceof ChurnbookError;
}

/** `file:line:col` or `dataset "x", column "y", row 3` — whatever the location knows. */
export function formatLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.line ? `${loc.file}:${loc.line}:${loc.column ?? 1}` : loc.file);
  if (loc.cellId) parts.push(`cell "${loc.cellId}"`);
  if (loc.dataset) parts.push(`dataset "${loc.dataset}"`);
  if (loc.column_name) parts.push(`column "${loc.column_name}"`);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  return parts.join(", ");
}

export function formatError(e: ChurnbookError): string {
  const where = formatLocation(e.location);
  const head = `${where ? where + ": " : ""}${e.message} [${e.code}]`;
  return e.hint ? `${head}\n  hint: ${e.hint}` : head;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  const d = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= n; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[n]!;
}

/** The candidates closest to `name` (at most 3), for hints such as `did you mean "churn-summary"?`. */
export function closeMatches(name: string, candidates: Iterable<string>): string[] {
  // Candidates may come from a schema's allowed values (cover: false | compact | full): compare text.
  // An abbreviation ("pct" for "percent") is as close as one typo. One name inside the other is
  // close enough to offer, ranked by its edit distance, from three characters on (a one-letter
  // helper "t" is inside every name).
  const inside = (a: string, b: string) => b.length >= 3 && a.includes(b);
  const scored = [...candidates]
    .map(String)
    .map((c) => ({ c, d: abbreviates(name, c) ? 1 : editDistance(name, c), contains: inside(c, name) || inside(name, c) }))
    .filter(({ c, d, contains }) => contains || d <= Math.max(2, Math.floor(c.length / 3)))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return scored.slice(0, 3).map(({ c }) => c);
}

/** `short` is `long` with letters left out, from the same first letter ("pct" for "percent"). */
function abbreviates(short: string, long: string): boolean {
  if (short.length < 2 || short.length >= long.length || short[0] !== long[0]) return false;
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}
