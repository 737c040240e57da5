// The runner: definition → data → analysis → document. The phases, in order:
//   1. resolve parameters (definition defaults, then CLI overrides; `period` may wait for the data),
//   2. load every dataset once into the engine (DuckDB) — typed, checked, named by role,
//   3. fix the period (default: the last complete period in the data) and build the context,
//   4. run the analysis cells (they depend only on data; presentation cells depend on them),
//   5. build the presentation cells (markdown, KPI, chart, table) from the results,
//   6. assemble the report document with its appendix (definitions, conventions, coverage).
// Rendering to HTML and printing to PDF come after, in render/ and print/ (see runner/outputs.ts).

import { isAbsolute, relative, resolve } from "node:path";
import type { Report, ReportCell } from "../definition/index.js";
import type { Engine } from "../data/engine.js";
import type { LoadedDataset } from "../data/load.js";
import { checkPeriodCoverage, dataExtent, defaultPeriod, futureRowsWarning } from "../data/quality.js";
import { getAnalysis } from "../analysis/registry.js";
import { resolveParams } from "../analysis/params.js";
import { appendixDefinition, planAnalysis, planProducts, reductionSql, runPlanned, runShared, type Planned } from "../analysis/run.js";
import type { Analysis, AnalysisContext, AnalysisResult, Row, Value } from "../analysis/types.js";
import type { CellOutput, ReportDocument } from "../render/document.js";
import { ChurnbookError, isChurnbookError } from "../util/errors.js";
import { parsePeriod, type Period } from "../util/period.js";
import { buildCell, defaultView, takeNotes, type CellResult, type ResultsById } from "./cells.js";
import { cacheKey, churnbookVersion, fileSha256, type CellCache } from "./cache.js";
import { spooledTables, spoolEngineTables } from "./engine-tables.js";
import { countTransfers, stopwatch, type Timing, type Transfer } from "./timing.js";
import { runTransform, transformInputs, transformResult } from "./transform.js";
import { roleLabel } from "../render/column-labels.js";
import type { MetricDefinition } from "../render/document.js";
import { conventionsFor } from "./conventions.js";
import { fillTemplate, resolveReportParams } from "./params.js";
import { evaluateAlerts } from "./alerts.js";
import { buildSummary } from "./summary.js";
import { grainWords } from "../render/period-words.js";
import { postgres } from "../data/dialects/index.js";
import { resolveConnection, type ConnectionRef } from "../data/postgres.js";
import { msg } from "../locales/index.js";

export interface RunOptions {
  /** Parameter overrides from the CLI, as strings (`--period`, `--param k=v`). */
  overrides?: Record<string, string>;
  /** Render failed cells in place instead of stopping the run. */
  keepGoing?: boolean;
  /** The generation timestamp (injected so tests are reproducible). */
  now?: Date;
  /** Progress reporting. */
  onProgress?: (event: ProgressEvent) => void;
  /** The cell cache (runner/cache.ts); none: every cell runs. */
  cache?: CellCache;
  /** Also build each silent analysis or transform cell's default view (the preview's notebook). */
  views?: boolean;
  /** Keep the DuckDB engine between runs (the preview): reused while the data is the same. */
  pool?: EnginePool;
}

/** A DuckDB engine kept between runs, with the fingerprint of the datasets it holds. */
export interface EnginePool {
  engine: Engine | null;
  key: string | null;
  close(): void;
}

export function enginePool(): EnginePool {
  const pool: EnginePool = {
    engine: null,
    key: null,
    close() {
      pool.engine?.close();
      pool.engine = null;
      pool.key = null;
    },
  };
  return pool;
}

export type ProgressEvent =
  | { phase: "load"; dataset: string; rows: number; ms: number; cached: boolean }
  | { phase: "cell"; id: string; kind: string; ms: number; cached: boolean; error?: string };

/** What happened to one cell of the definition (the preview shows it under the cell's source). */
export interface CellRun {
  id: string;
  kind: ReportCell["kind"];
  line: number;
  ms: number;
  cached: boolean;
  /** The cache key (null when the cell failed before one could be made). */
  key: string | null;
  /** Ids of the report outputs (document cells) this cell produced. */
  outputIds: string[];
  /** Silent analysis and transform cells: their default view, for the notebook (with `views`). */
  views?: CellOutput[];
  error?: CellError;
}

export interface CellError {
  message: string;
  code: string;
  hint?: string;
  line?: number;
  column?: number;
}

export interface RunResult {
  document: ReportDocument;
  results: ResultsById;
  datasets: LoadedDataset[];
  params: Record<string, Value>;
  /** Wall and CPU time per phase: engine start, each dataset's load, period, each cell, document. */
  timings: Timing[];
  warnings: string[];
  cells: CellRun[];
}

/** A cache that never hits and keeps nothing (runs without --cache). */
const noCache: CellCache = { dir: null, stats: { hits: 0, misses: 0 }, get: async () => undefined, put: async () => {}, getBytes: async () => undefined, putBytes: async () => {} };

export async function runReport(report: Report, options: RunOptions = {}): Promise<RunResult> {
  const timings: RunResult["timings"] = [];
  const warnings: string[] = [];
  const progress = options.onProgress ?? (() => {});
  const cache = options.cache ?? noCache;
  const version = options.cache ? churnbookVersion() : "";
  const params = resolveReportParams(report, options.overrides ?? {});
  const now = options.now ?? new Date();
  const runDate = now.toISOString().slice(0, 10);
  let engine: Engine | null = null;
  try {
    // 2. Data: each dataset's fingerprint (file bytes, definition, run date); its load facts from
    // the cache, or the datasets loaded into the engine (lazily: a run served from the cache
    // never starts DuckDB).
    const seenRoles = new Map<string, string>();
    const sources: { def: Report["datasets"][number]; file: string; key: string | null }[] = [];
    for (const d of report.datasets) {
      if (seenRoles.has(d.role)) {
        throw new ChurnbookError("duplicate-role", `datasets "${seenRoles.get(d.role)}" and "${d.name}" both play the role "${d.role}"`, { location: { file: report.file, line: d.line } });
      }
      seenRoles.set(d.role, d.name);
      if (d.source) {
        // A database table: no file to fingerprint, so it is never served from the cache.
        sources.push({ def: d, file: "", key: null });
        continue;
      }
      const path = fillTemplate(d.path!, params, { file: report.file, line: d.line });
      const file = isAbsolute(path) ? path : resolve(report.dir, path);
      let key: string | null = null;
      if (options.cache) {
        const sha = await fileSha256(file).catch(() => null);
        const { line: _line, path: _path, ...def } = d;
        if (sha) key = cacheKey("dataset", version, def, file, sha, runDate);
      }
      sources.push({ def: d, file, key });
    }
    const database = databaseOf(report);
    // A pooled engine (the preview's) is reused while every dataset has the same fingerprint.
    const pool = options.pool;
    const poolKey = pool && sources.every((s) => s.key) ? cacheKey(sources.map((s) => s.key)) : null;
    const loadAll = async (reuse = true): Promise<Engine> => {
      if (engine) return engine;
      if (reuse && pool?.engine && poolKey && pool.key === poolKey) return (engine = pool.engine);
      // DuckDB loads only when a cell has to run: a run served from the cache never starts it.
      const started = stopwatch();
      const [{ createEngine }, { loadDataset }, pg] = await Promise.all([import("../data/engine.js"), import("../data/load.js"), database ? import("../data/load-postgres.js") : null]);
      const e = database
        ? await (await import("../data/postgres.js")).createPostgresEngine(database).catch((err: unknown) => {
            throw isChurnbookError(err) ? err.at({ file: report.file }) : err;
          })
        : await createEngine();
      engine = e;
      timings.push({ phase: "engine", ...started() });
      for (const s of sources) {
        const took = stopwatch();
        const source = s.def.source;
        const load = source && pg ? pg.loadPostgresDataset(e, { ...s.def, source }, { now }) : loadDataset(e, { ...s.def, file: s.file }, { now });
        const loaded = await load.catch((err: unknown) => {
          throw isChurnbookError(err) ? err.at({ file: report.file, line: s.def.line, dataset: s.def.name }) : err;
        });
        if (s.key) await cache.put("dataset", s.key, loaded);
        loadedNow.set(s.def.name, { loaded, ...took() });
      }
      if (pool && poolKey) {
        pool.close();
        pool.engine = e;
        pool.key = poolKey;
      }
      return e;
    };
    const loadedNow = new Map<string, { loaded: LoadedDataset; ms: number; cpuMs: number }>();
    const datasets: LoadedDataset[] = [];
    const cachedMeta: (LoadedDataset | undefined)[] = [];
    for (const s of sources) cachedMeta.push(s.key ? await cache.get<LoadedDataset>("dataset", s.key) : undefined);
    if (cachedMeta.some((m) => !m)) await loadAll(false);
    sources.forEach((s, i) => {
      const fresh = loadedNow.get(s.def.name);
      const loaded = fresh?.loaded ?? cachedMeta[i]!;
      const ms = fresh?.ms ?? 0;
      datasets.push(loaded);
      for (const f of loaded.findings) warnings.push(`dataset "${s.def.name}": ${f.message}`);
      timings.push({ phase: "load", id: s.def.name, ms, cpuMs: fresh?.cpuMs ?? 0 });
      progress({ phase: "load", dataset: s.def.name, rows: loaded.rows, ms, cached: !fresh });
    });
    const dataKeys = Object.fromEntries(sources.map((s, i) => [datasets[i]!.role, s.key ?? datasets[i]!.sha256]));

    const subs = datasets.find((d) => d.role === "subscriptions");
    if (report.churn.kind === "subscriptions" && report.churn.recognition === "cancellation" && subs && !subs.fields.includes("cancel_date")) {
      throw new ChurnbookError("missing-field", `churn recognition at cancellation needs a "cancel_date" field in the subscriptions dataset "${subs.name}"`, {
        hint: `map the column holding the cancellation date: columns: { cancel_date: <column> } (fields: ${subs.fields.join(", ")})`,
        location: { file: report.file, dataset: subs.name },
      });
    }

    // 3. Period and context (the default period and the coverage warnings depend only on the
    // data, the asked period and the run date).
    const choosing = stopwatch();
    const contextKey = sources.every((s) => s.key) ? cacheKey("context", version, dataKeys, params.period ?? null, report.params.period?.grain ?? "month", runDate, report.file) : null;
    let fixed = contextKey ? await cache.get<{ period: Period; warnings: string[] }>("context", contextKey) : undefined;
    if (!fixed) {
      const periodWarnings: string[] = [];
      const period = await resolvePeriod(await loadAll(), report, params, datasets, now, periodWarnings);
      fixed = { period, warnings: periodWarnings };
      if (contextKey) await cache.put("context", contextKey, fixed);
    }
    const period = fixed.period;
    timings.push({ phase: "period", ...choosing() });
    warnings.push(...fixed.warnings);
    params.period = period.label;
    const currency = fillTemplate(report.currency, params, { file: report.file });
    checkCurrency(currency, report.file);
    const theme = { ...report.theme, accent: report.theme.accent ? fillTemplate(report.theme.accent, params, { file: report.file }) : undefined, logoText: report.theme.logoText ? fillTemplate(report.theme.logoText, params, { file: report.file }) : undefined };
    const ctx: AnalysisContext = {
      period,
      locale: report.locale,
      currency,
      churn: report.churn,
      returns: report.returns,
      fields: Object.fromEntries(datasets.map((d) => [d.role, d.fields])),
      // The analyses write their SQL for the engine that runs it (data/dialects/).
      ...(database ? { dialect: postgres } : {}),
    };

    // 4. Analyses and transforms, in definition order.
    const results: ResultsById = new Map();
    const analysisResults: CellResult[] = [];
    // Reductions and products (the churn model) computed once per run, whichever cells ask.
    const shared = runShared();
    const cellParams = (cell: Extract<ReportCell, { kind: "analysis" }>, analysis: Analysis) => {
      const raw = Object.fromEntries(Object.entries(cell.params).map(([k, v]) => [k, typeof v === "string" ? fillTemplate(v, params, { file: report.file, line: cell.line }) : v]));
      return resolveParams(analysis, raw, { file: report.file, line: cell.line, cellId: cell.id });
    };
    // Each analysis cell is planned once (its params, period, cohorts… resolved; analysis/types.ts):
    // every later stage — SQL, products, compute, chart, appendix — reads that plan. A cell whose
    // plan fails keeps its error and fails in its turn, at its own line.
    const plans = new Map<string, Planned | { error: unknown }>();
    for (const cell of report.cells) {
      if (cell.kind !== "analysis") continue;
      try {
        const analysis = getAnalysis(cell.analysis);
        plans.set(cell.id, planAnalysis(analysis, cellParams(cell, analysis), ctx));
      } catch (error) {
        plans.set(cell.id, { error });
      }
    }
    // Products several cells share are merged first (the period aggregates: one SQL pass for all).
    planProducts(shared, [...plans.values()].filter((c): c is Planned => !("error" in c)));
    const failed = new Map<string, string>();
    const runs = new Map<string, CellRun>();
    const keys = new Map<string, string>();
    const located = (e: unknown, cell: ReportCell): unknown => (isChurnbookError(e) ? e.at({ file: report.file, line: cell.line, cellId: cell.id }) : e);
    const fail = (cell: ReportCell, run: CellRun, e: unknown) => {
      const err = located(e, cell);
      if (!options.keepGoing || !isChurnbookError(err)) throw err;
      failed.set(cell.id, err.message);
      run.error = { message: err.message, code: err.code, hint: err.hint, line: err.location.line, column: err.location.column };
    };
    for (const cell of report.cells) {
      if (cell.kind !== "analysis" && cell.kind !== "transform") continue;
      const took = stopwatch();
      const transfer: Transfer = { queries: 0, rows: 0, values: 0 };
      const run: CellRun = { id: cell.id, kind: cell.kind, line: cell.line, ms: 0, cached: false, key: null, outputIds: [] };
      runs.set(cell.id, run);
      try {
        if (cell.kind === "analysis") {
          const planned = plans.get(cell.id)!;
          if ("error" in planned) throw planned.error;
          const { analysis, params: p } = planned;
          // The exact SQL the analysis asks for, and the datasets it reads.
          const sql = reductionSql(planned).sort();
          const reads = Object.keys(dataKeys).filter((role) => sql.some((q) => new RegExp(`\\b${role}\\b`).test(q))).sort();
          const key = cacheKey("analysis", version, analysis.id, p, { period, locale: ctx.locale, currency, churn: ctx.churn, returns: ctx.returns ?? "net", fields: ctx.fields }, sql, reads.map((r) => [r, dataKeys[r]]));
          run.key = key;
          let result = options.cache ? await cache.get<AnalysisResult>("analysis", key) : undefined;
          // A cached result with engine tables only while their spool files are there (runner/engine-tables.ts).
          let streamed = result?.engineTables ? await spooledTables(result, key, cache) : undefined;
          if (streamed === null) result = undefined;
          run.cached = result !== undefined;
          if (!result) {
            const e = countTransfers(await loadAll(), transfer);
            result = await runPlanned(e, planned, shared);
            if (result.engineTables) {
              await spoolEngineTables(e, result, key, cache);
              streamed = await spooledTables(result, key, cache);
            }
            await cache.put("analysis", key, result);
          }
          const r: CellResult = { analysis, params: p, result, plan: planned.plan, ...(streamed ? { streamed } : {}) };
          results.set(cell.id, r);
          analysisResults.push(r);
          keys.set(cell.id, key);
          for (const n of result.notes ?? []) warnings.push(`${cell.id}: ${n}`);
        } else {
          const upstream = transformInputs(cell);
          const bad = upstream.find((id) => failed.has(id));
          if (bad) throw new ChurnbookError("upstream-failed", `${bad}: ${failed.get(bad)}`);
          const key = cacheKey("transform", version, withoutLine(cell), upstream.map((id) => [id, keys.get(id) ?? null]));
          run.key = key;
          let rows = options.cache ? await cache.get<Row[]>("transform", key) : undefined;
          run.cached = rows !== undefined;
          if (!rows) {
            rows = runTransform(cell, results, report.file);
            await cache.put("transform", key, rows);
          }
          results.set(cell.id, transformResult(cell, rows, results));
          keys.set(cell.id, key);
        }
      } catch (e) {
        fail(cell, run, e);
      }
      const time = took();
      run.ms = time.ms;
      timings.push({ phase: cell.kind, id: cell.id, ...time, ...(cell.kind === "analysis" ? { transfer } : {}) });
      progress({ phase: "cell", id: cell.id, kind: cell.kind, ms: run.ms, cached: run.cached, error: failed.get(cell.id) });
    }

    // 5. Presentation cells. A cell's output is cached under its definition, its upstream cells'
    // keys, the params, and which of its upstream results earlier cells showed (notes go with
    // the first cell that shows a result).
    const cells: CellOutput[] = [];
    const scope = { params, period, locale: report.locale, currency };
    const shownBefore = new Set<string>();
    for (const cell of report.cells) {
      if (cell.kind === "analysis" || cell.kind === "transform") {
        const run = runs.get(cell.id)!;
        // `show: true`: the analysis's default view, in place — its default chart and main table.
        const show = cell.kind === "analysis" && cell.show;
        if (show) {
          const out = failed.has(cell.id) ? [{ kind: "error" as const, id: cell.id, message: failed.get(cell.id)! }] : defaultView(cell, results, scope);
          cells.push(...out);
          run.outputIds = out.map((o) => o.id);
          if (!failed.has(cell.id)) shownBefore.add(cell.id);
        } else if (options.views && !failed.has(cell.id)) {
          // A copy of the results map: the notebook's views do not take the report's notes.
          run.views = defaultView(viewCell(cell), new Map(results), scope);
        }
        continue;
      }
      const took = stopwatch();
      const run: CellRun = { id: cell.id, kind: cell.kind, line: cell.line, ms: 0, cached: false, key: null, outputIds: [cell.id] };
      runs.set(cell.id, run);
      const deps = [...new Set(dependencies(cell))];
      // Charts, tables and KPIs carry the notes of the results they are the first to show.
      const carriesNotes = cell.kind === "chart" || cell.kind === "table" || cell.kind === "kpi";
      const dependsOn = deps.find((id) => failed.has(id));
      if (dependsOn) {
        cells.push({ kind: "error", id: cell.id, message: `${dependsOn}: ${failed.get(dependsOn)}` });
        run.error = { message: `${dependsOn}: ${failed.get(dependsOn)}`, code: "upstream-failed", line: cell.line };
      } else {
        try {
          const key = cacheKey("cell", version, withoutLine(cell), deps.map((id) => [id, keys.get(id) ?? null]), params, currency, report.locale, deps.filter((id) => shownBefore.has(id)));
          run.key = key;
          let out = options.cache ? await cache.get<CellOutput>("cell", key) : undefined;
          run.cached = out !== undefined;
          if (out) {
            if (carriesNotes) takeNotes(results, deps, scope); // as building it would have
          } else {
            out = buildCell(cell, results, scope);
            await cache.put("cell", key, out);
          }
          cells.push(out);
        } catch (e) {
          const err = located(e, cell);
          if (!options.keepGoing || !isChurnbookError(err)) throw err;
          cells.push({ kind: "error", id: cell.id, message: err.message });
          run.error = { message: err.message, code: err.code, hint: err.hint, line: err.location.line, column: err.location.column };
        }
      }
      if (carriesNotes && !run.error) for (const id of deps) shownBefore.add(id);
      const time = took();
      run.ms = time.ms;
      timings.push({ phase: "cell", id: cell.id, ...time });
      progress({ phase: "cell", id: cell.id, kind: cell.kind, ms: run.ms, cached: run.cached, error: run.error?.message });
    }

    // Files read in place must still be the ones the load checked (data/load.ts).
    if (loadedNow.size) await (await import("../data/load.js")).assertReadInPlaceUnchanged([...loadedNow.values()].map((l) => l.loaded));

    // 6. Document.
    const assembling = stopwatch();
    // Each analysis's definition as it ran (its cell's params and data facts); an analysis run by
    // several cells with the same text is defined once.
    // The appendix level decides between plain words and the full formulas (none: no appendix).
    const level = report.appendix ?? "plain";
    const used = level === "none" ? [] : [...new Map(analysisResults.map((r) => {
      const text = appendixDefinition(r.analysis, r.plan, report.locale, r.result, level);
      return [`${r.analysis.id}\u0000${text}`, { id: r.analysis.id, title: r.analysis.title[report.locale], definition: text }] as const;
    })).values()];
    // Page one: the alerts and the executive summary, from the results (runner/alerts.ts, summary.ts).
    const alerts = evaluateAlerts(report.alerts ?? [], results, report.locale, currency);
    const summary = report.summary ? buildSummary(report.summary, report.alerts ?? [], alerts, results, period, report.locale, currency) : undefined;
    // Titles may say {{period_grain}}: Monthly / Quarterly / Annual (月度 / 季度 / 年度).
    const titleParams = { period_grain: grainWords(period.grain, report.locale).adjective, ...params };
    const document: ReportDocument = {
      title: fillTemplate(report.title, titleParams, { file: report.file }),
      description: report.description ? fillTemplate(report.description, titleParams, { file: report.file }) : undefined,
      locale: report.locale,
      currency,
      theme,
      // The client's display name when the definition declares one, else its folder id.
      client: typeof params.client_name === "string" && params.client_name ? params.client_name : typeof params.client === "string" ? params.client : undefined,
      period,
      generatedAt: now.toISOString(),
      params,
      page: report.page,
      cells,
      cover: report.cover ?? "full",
      ...(summary ? { summary } : {}),
      ...(report.alerts?.length ? { alerts } : {}),
      appendix: {
        level,
        definitions: withoutRepeats(used, report.locale),
        conventions: conventionsFor(report, analysisResults, currency),
        coverage: datasets.map((d) => ({
          name: d.name,
          role: roleLabel(d.role, report.locale),
          path: d.database ? d.file : relative(report.dir, d.file),
          rows: d.rows,
          dropped: d.dropped,
          droppedReasons: d.droppedReasons,
          findings: d.findings,
          minDate: d.minDate,
          maxDate: d.maxDate,
        })),
      },
    };
    timings.push({ phase: "document", ...assembling() });
    const cellRuns = report.cells.map((c) => runs.get(c.id)!).filter(Boolean);
    return { document, results, datasets, params, timings, warnings: [...new Set(warnings)], cells: cellRuns };
  } finally {
    if (engine && engine !== options.pool?.engine) (engine as Engine).close();
  }
}

/**
 * The database the report's datasets live in, or null when they are files. One engine runs every
 * reduction, so a report reads either files (DuckDB) or one connection (PostgreSQL): mixing
 * them, or naming two connections, is refused rather than copying data between engines.
 */
function databaseOf(report: Report): (ConnectionRef & { url: string }) | null {
  const db = report.datasets.filter((d) => d.source);
  if (db.length === 0) return null;
  const file = report.datasets.find((d) => !d.source);
  if (file) {
    throw new ChurnbookError("mixed-sources", `dataset "${file.name}" is a file but dataset "${db[0]!.name}" reads a database: a report reads all its datasets from files or all from one connection`, {
      location: { file: report.file, line: file.line },
      hint: `load the file into the database (e.g. psql \\copy) and read it with connection: "${db[0]!.source!.connection}" and table:, or export the tables to files`,
    });
  }
  const other = db.find((d) => d.source!.connection !== db[0]!.source!.connection);
  if (other) {
    throw new ChurnbookError("mixed-sources", `datasets "${db[0]!.name}" and "${other.name}" read different connections (${db[0]!.source!.connection}, ${other.source!.connection}): a report reads one database`, {
      location: { file: report.file, line: other.line },
      hint: "read every table through one connection (schema-qualify tables of other schemas)",
    });
  }
  try {
    return resolveConnection(db[0]!.source!.connection, db[0]!.name);
  } catch (e) {
    throw isChurnbookError(e) ? e.at({ file: report.file, line: db[0]!.line }) : e;
  }
}

/** A cell's definition without its source line (moving a cell does not change its key). */
function withoutLine(cell: ReportCell): Omit<ReportCell, "line"> {
  const { line: _line, ...rest } = cell;
  return rest;
}

/** The analysis cell whose default view shows a silent analysis's or transform's result. */
function viewCell(cell: Extract<ReportCell, { kind: "analysis" | "transform" }>): Extract<ReportCell, { kind: "analysis" }> {
  return cell.kind === "analysis" ? cell : { kind: "analysis", id: cell.id, title: cell.title, caption: cell.caption, line: cell.line, analysis: "transform", params: {}, show: true };
}

/** The period asked for, or the last complete one in the data (ignoring rows dated after the
 * run date); refused when the data does not reach it, a warning when it covers it only in part. */
async function resolvePeriod(engine: Engine, report: Report, params: Record<string, Value>, datasets: LoadedDataset[], now: Date, warnings: string[]): Promise<Period> {
  const extent = await dataExtent(engine, datasets, now.toISOString().slice(0, 10));
  let period: Period;
  if (typeof params.period === "string" && params.period) period = parsePeriod(params.period);
  else {
    if (!extent.last) {
      throw new ChurnbookError("no-period", "cannot choose a default period: the datasets hold no dated activity", { hint: "pass --period 2026-10 (a month, quarter or year)", location: { file: report.file } });
    }
    const future = futureRowsWarning(datasets);
    if (future) warnings.push(future);
    period = defaultPeriod({ ...extent, last: extent.last }, report.params.period?.grain ?? "month");
  }
  const partly = checkPeriodCoverage(period, extent, { file: report.file });
  if (partly) warnings.push(partly);
  return period;
}

function dependencies(cell: ReportCell): string[] {
  switch (cell.kind) {
    case "chart":
    case "table":
      return [cell.from];
    case "transform":
      return transformInputs(cell);
    case "kpi":
      return cell.items.flatMap((i) => [i.value, i.previous, i.last_year].filter((x): x is string => !!x).map((r) => r.split(".")[0]!));
    case "markdown":
      return [...cell.markdown.matchAll(/\{\{[^}]*?\b([a-z][a-z0-9_-]*)\./g)].map((m) => m[1]!);
    default:
      return [];
  }
}

export type { AnalysisResult };

/** Where a sentence ends in each language: split after its full stop (nothing of the text is
 * dropped but the spaces between) and join again the same way. */
const sentenceRules: Record<ReportDocument["locale"], { split: RegExp; join: string }> = {
  "zh-CN": { split: /(?<=。)/, join: "" },
  "en-US": { split: /(?<=\.)\s+/, join: " " },
};

/**
 * Analyses of one family share definitions (the period metrics all restate the churn counting
 * rules): print each sentence once, where it first appears, and refer back after that.
 */
export function withoutRepeats(definitions: MetricDefinition[], locale: ReportDocument["locale"]): MetricDefinition[] {
  const seen = new Set<string>();
  const rule = sentenceRules[locale];
  const sentences = (text: string) => text.split(rule.split);
  return definitions.map((d) => {
    const kept = sentences(d.definition).filter((s) => {
      const key = s.trim();
      if (!key) return false;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const earlier = kept.length < sentences(d.definition).filter((s) => s.trim()).length;
    return { ...d, definition: kept.join(rule.join).trim() + (earlier ? msg(locale).definitionsAsAbove : "") };
  });
}

/** The report currency must be an ISO 4217 code that number formatting knows (it may come from a param). */
export function checkCurrency(currency: string, file?: string): void {
  let ok = /^[A-Z]{3}$/.test(currency);
  try {
    if (ok) new Intl.NumberFormat("en-US", { style: "currency", currency });
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new ChurnbookError("bad-currency", `${file ? "currency" : "--currency"} ${JSON.stringify(currency.slice(0, 20))} is not an ISO 4217 currency code`, {
      location: file ? { file } : {},
      hint: "write a three-letter code such as CNY, USD or EUR (in currency:, or in the parameter it names)",
    });
  }
}
