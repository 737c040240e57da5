// Data-quality findings: what loading noticed in a dataset and did about it (exact duplicate
// rows dropped, rows without a customer, impossible date ranges left out, dates after the run
// date), each with a count and the first row numbers so an analyst can find them in the file.
// Row numbers count data rows: row 1 is the first line after the header.
// Also the data's extent in time, for the default period and for refusing a period the data
// does not cover.

import { ChurnbookError } from "../util/errors.js";
import { addDays, lastCompletePeriod, periodContaining, type Grain, type Period } from "../util/period.js";
import { quoteIdent, quoteLiteral, type Engine } from "./engine.js";
import type { Role } from "./roles.js";

export type FindingCode = "duplicate-rows" | "duplicate-line-items" | "missing-customer-id" | "end-before-start" | "resolved-before-date" | "future-date";

export interface DataFinding {
  code: FindingCode;
  /** Plain English, for the run log and the manifest (the report words it in its language). */
  message: string;
  /** How many rows. */
  count: number;
  /** The first few row numbers (data rows, 1 = the line after the header). */
  rows: number[];
  /** The canonical fields concerned (future-date: the date fields found after the run date). */
  fields?: string[];
  /** The run date (future-date). */
  date?: string;
  /** Whether the rows were left out of the analyses. */
  excluded: boolean;
}

/** How many example row numbers a finding keeps. */
export const exampleRows = 5;

export function rowList(rows: number[], count: number): string {
  return rows.join(", ") + (count > rows.length ? ", …" : "");
}

export function findingMessage(f: Omit<DataFinding, "message">): string {
  const n = f.count;
  const s = n === 1 ? "" : "s";
  const at = `(row${f.rows.length === 1 ? "" : "s"} ${rowList(f.rows, f.count)})`;
  switch (f.code) {
    case "duplicate-rows":
      return `${n} exact duplicate row${s} dropped ${at}`;
    case "duplicate-line-items":
      return `${n} row${s} identical to an earlier row kept as separate line items (the file has no row id to tell copies from repeated purchases) ${at}`;
    case "missing-customer-id":
      return `${n} row${s} without customer_id dropped ${at}`;
    case "end-before-start":
      return `${n} row${s} with end_date before start_date left out of the analyses ${at}`;
    case "resolved-before-date":
      return `${n} row${s} with resolved_date before the ticket date left out of the analyses ${at}`;
    case "future-date":
      return `${n} row${s} dated after the run date ${f.date} (${(f.fields ?? []).join(", ")}); kept, but not used to choose the default period ${at}`;
  }
}

/** Counts the rows of `from` matching `where` and keeps the first few row numbers (`__row`). */
export async function countRows(engine: Engine, from: string, where: string): Promise<{ count: number; rows: number[] }> {
  const [c] = await engine.query(`SELECT count(*) AS n FROM ${from} WHERE ${where}`);
  const count = Number(c!.n);
  if (!count) return { count, rows: [] };
  const ex = await engine.query(`SELECT __row FROM ${from} WHERE ${where} ORDER BY __row LIMIT ${exampleRows}`);
  return { count, rows: ex.map((r) => Number(r.__row)) };
}

/** Dates that record activity, per role, for the data's extent (end dates included). */
const activity: Partial<Record<Role, string[]>> = { subscriptions: ["start_date", "end_date"], transactions: ["date"], tickets: ["date"], churn_events: ["date"], usage: ["date"] };

/** Dates of events that have happened, per role: none of them may lie after the run date
 * (a subscription's end_date may: it is when the paid period ends). */
export const eventDates: Partial<Record<Role, string[]>> = {
  customers: ["signup_date"],
  subscriptions: ["start_date", "cancel_date"],
  transactions: ["date"],
  tickets: ["date", "resolved_date"],
  churn_events: ["date"],
  usage: ["date"],
};

export interface DataExtent {
  first: string | null;
  last: string | null;
}

/** The first and last activity dates of the loaded tables, ignoring dates after `runDate`. */
export async function dataExtent(engine: Engine, loaded: { role: Role; fields: string[] }[], runDate?: string): Promise<DataExtent> {
  const parts: string[] = [];
  const cap = runDate ? ` WHERE f <= DATE ${quoteLiteral(runDate)}` : "";
  for (const d of loaded) for (const f of activity[d.role] ?? []) if (d.fields.includes(f)) parts.push(`SELECT ${quoteIdent(f)} AS f FROM ${quoteIdent(d.role)}`);
  if (!parts.length) return { first: null, last: null };
  const [r] = await engine.query(`SELECT min(f) AS lo, max(f) AS hi FROM (${parts.join(" UNION ALL ")}) AS dates${cap}`);
  return { first: (r?.lo as string | null) ?? null, last: (r?.hi as string | null) ?? null };
}

/** The default period: the last complete one in the data; when the data does not fill even
 * one period, the period holding its last date (the coverage check then warns). */
export function defaultPeriod(extent: DataExtent & { last: string }, grain: Grain): Period {
  const p = lastCompletePeriod(extent.last, grain);
  return extent.first && p.end <= extent.first ? periodContaining(extent.last, grain) : p;
}

/** The warning for rows dated after the run date (ignored for the default period), or null. */
export function futureRowsWarning(loaded: { name: string; findings: DataFinding[] }[]): string | null {
  const future = loaded.flatMap((d) => d.findings.filter((f) => f.code === "future-date").map((f) => ({ d, f })));
  if (!future.length) return null;
  const n = future.reduce((s, x) => s + x.f.count, 0);
  const first = future[0]!;
  return `${n} row${n === 1 ? "" : "s"} dated after the run date ${first.f.date} ignored when choosing the default period (first: dataset "${first.d.name}", row ${first.f.rows[0]})`;
}

/**
 * Checks that the data covers a period: a period wholly before the first or after the last
 * activity date is refused; one partly covered gives a warning (returned).
 */
export function checkPeriodCoverage(period: Period, extent: DataExtent, location: { file?: string; line?: number } = {}): string | null {
  const { first, last } = extent;
  if (!first || !last) return null;
  const range = `${first} to ${last}`;
  if (period.start > last || period.end <= first) {
    throw new ChurnbookError("period-outside-data", `the period ${period.label} (${period.start} to ${addDays(period.end, -1)}) is ${period.start > last ? "after" : "before"} the data, which runs from ${range}`, {
      location,
      hint: `choose a period within the data (${first.slice(0, 7)} to ${last.slice(0, 7)}), or check the datasets' paths`,
    });
  }
  const lastDay = addDays(period.end, -1);
  if (first > period.start || last < lastDay) {
    return `the period ${period.label} is only partly covered by the data, which runs from ${range}: figures for the period are incomplete`;
  }
  return null;
}
