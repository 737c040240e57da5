// `churnbook analyze <analysis> --data role=file --map role.field=column --param k=v`:
// one analysis on files, no report. The JSON contract is stable:
// { "analysis", "params", "scalars": {...}, "tables": { name: [rows] } }.

import { resolve } from "node:path";
import { getAnalysis } from "../../analysis/registry.js";
import { resolveParams } from "../../analysis/params.js";
import { runAnalysis, checkNeeds } from "../../analysis/run.js";
import type { AnalysisContext, ChurnBasis, Locale } from "../../analysis/types.js";
import { createEngine } from "../../data/engine.js";
import { loadDataset, type LoadedDataset } from "../../data/load.js";
import { checkPeriodCoverage, dataExtent, defaultPeriod, futureRowsWarning } from "../../data/quality.js";
import { encodings, isRole, roleNames, type Encoding } from "../../data/roles.js";
import { toCsv } from "../../runner/csv.js";
import { ChurnbookError, closeMatches, isChurnbookError } from "../../util/errors.js";
import { parsePeriod } from "../../util/period.js";
import { keyValues } from "../flags.js";
import type { Printer } from "../output.js";
import { checkCurrency } from "../../runner/run.js";

export interface AnalyzeArgs {
  analysis?: string;
  data?: string[];
  map?: string[];
  param?: string[];
  format?: "json" | "csv";
  period?: string;
  churn?: string;
  returns?: "net" | "exclude";
  dateFormat?: string;
  /** role=encoding (repeatable), e.g. subscriptions=gb18030. */
  encoding?: string[];
  locale?: Locale;
  currency?: string;
}

export async function analyzeCommand(args: AnalyzeArgs, printer: Printer): Promise<number> {
  const warnings: string[] = [];
  const result = await analyze(args, warnings);
  for (const w of warnings) printer.warn(w);
  if (args.format === "csv") {
    const analysis = getAnalysis(args.analysis!);
    printer.data(toCsv(result.tables[analysis.mainTable] ?? []));
  } else {
    printer.data(JSON.stringify(result, null, 2));
  }
  return 0;
}

/** Runs the analysis; data findings and period warnings are added to `warnings` (stderr). */
export async function analyze(args: AnalyzeArgs, warnings: string[] = []) {
  const analysis = getAnalysis(args.analysis!);
  const data = keyValues(args.data, "data");
  const maps = keyValues(args.map, "map");
  const params = resolveParams(analysis, keyValues(args.param, "param"));
  const columns: Record<string, Record<string, string>> = {};
  for (const [key, column] of Object.entries(maps)) {
    const [role, field] = key.split(".");
    if (!role || !field || !isRole(role)) throw new ChurnbookError("bad-flag", `--map expects role.field=column, got "${key}=${column}"`, { hint: `roles: ${roleNames.join(", ")}`, exitCode: 2 });
    (columns[role] ??= {})[field] = column;
  }
  const encodingOf = keyValues(args.encoding, "encoding");
  for (const [role, enc] of Object.entries(encodingOf)) {
    if (!(encodings as readonly string[]).includes(enc.toLowerCase())) throw new ChurnbookError("bad-flag", `--encoding ${role}=${enc}: unknown encoding`, { hint: `encodings: ${encodings.join(", ")}`, exitCode: 2 });
    if (!Object.hasOwn(data, role)) throw new ChurnbookError("bad-flag", `--encoding ${role}=${enc}: no --data ${role}=<file> to apply it to`, { exitCode: 2 });
  }
  for (const role of Object.keys(data)) {
    if (!isRole(role)) {
      const near = closeMatches(role, roleNames);
      throw new ChurnbookError("unknown-role", `unknown dataset role "${role}"`, { hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}roles: ${roleNames.join(", ")}`, exitCode: 2 });
    }
  }
  const engine = await createEngine();
  try {
    const loaded: LoadedDataset[] = [];
    const now = new Date();
    for (const [role, file] of Object.entries(data)) {
      if (!isRole(role)) continue;
      const encoding = encodingOf[role]?.toLowerCase() as Encoding | undefined;
      const d = await loadDataset(engine, { name: role, role, file: resolve(file), columns: columns[role] ?? {}, types: {}, derive: {}, dateFormat: args.dateFormat, encoding }, { now });
      for (const f of d.findings) warnings.push(`dataset "${role}": ${f.message}`);
      loaded.push(d);
    }
    const churn = parseChurn(args.churn, Object.keys(data).includes("subscriptions"));
    const extent = await dataExtent(engine, loaded, now.toISOString().slice(0, 10));
    let period;
    if (args.period) period = parsePeriod(args.period);
    else {
      const future = futureRowsWarning(loaded);
      if (future) warnings.push(future);
      period = extent.last ? defaultPeriod({ ...extent, last: extent.last }, "month") : parsePeriod(now.toISOString().slice(0, 7));
    }
    const partly = checkPeriodCoverage(period, extent);
    if (partly) warnings.push(partly);
    checkCurrency(args.currency ?? "USD");
    const ctx: AnalysisContext = { period, locale: args.locale ?? "en-US", currency: args.currency ?? "USD", churn, returns: args.returns ?? "net", fields: Object.fromEntries(loaded.map((d) => [d.role, d.fields])) };
    checkNeeds(analysis, ctx, params as Record<string, unknown>);
    // An error of the analysis itself (a model that cannot be fitted on these data) names the
    // dataset it was computed from, as a report names the cell.
    const result = await runAnalysis(engine, analysis, params, ctx).catch((e: unknown) => {
      if (!isChurnbookError(e) || Object.keys(e.location).length) throw e;
      const roles = analysis.needs.flat().flatMap((n) => ("role" in n ? [n.role] : []));
      const from = loaded.find((d) => roles.includes(d.role)) ?? loaded[0];
      throw from ? e.at({ dataset: from.name, file: from.file }) : e;
    });
    // `analyze` prints whole tables: a table the analysis left in the engine is read in full here.
    for (const [name, t] of Object.entries(result.engineTables ?? {})) result.tables[name] = await engine.query(t.sql);
    return { analysis: analysis.id, params: { ...params, period: (params as Record<string, unknown>).period || period.label }, scalars: result.scalars, tables: result.tables, ...(result.notes?.length ? { notes: result.notes } : {}) };
  } finally {
    engine.close();
  }
}

function parseChurn(text: string | undefined, hasSubscriptions: boolean): ChurnBasis {
  if (!text) return hasSubscriptions ? { kind: "subscriptions" } : { kind: "inactivity", days: 90 };
  const [kind, days] = text.split(":");
  if (kind === "subscriptions") {
    const g = days ? Number(days) : 0;
    if (!Number.isInteger(g) || g < 0 || g > 366) throw new ChurnbookError("bad-flag", `--churn subscriptions:<grace days> needs a whole number of days from 0 to 366, got "${days}"`, { exitCode: 2 });
    return { kind, graceDays: g };
  }
  if (kind === "inactivity") {
    const d = days ? Number(days) : 90;
    if (!Number.isInteger(d) || d <= 0 || d > 3660) throw new ChurnbookError("bad-flag", `--churn inactivity:<days> needs a whole number of days from 1 to 3660, got "${days}"`, { exitCode: 2 });
    return { kind, days: d };
  }
  throw new ChurnbookError("bad-flag", `--churn must be "subscriptions" or "inactivity[:days]", got "${text}"`, { exitCode: 2 });
}
