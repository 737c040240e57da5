// Reporting periods: a month ("2026-10"), a quarter ("2026-Q3") or a year ("2026").
// Dates are ISO strings (yyyy-mm-dd) throughout; a period covers [start, end) — end is exclusive.

import { ChurnbookError } from "./errors.js";

export { grains, type Grain, type Period } from "../core/vocabulary.js";
import type { Grain, Period } from "../core/vocabulary.js";

const monthsPer: Record<Grain, number> = { month: 1, quarter: 3, year: 12 };

function iso(y: number, m0: number): string {
  // m0 is a 0-based month that may overflow; normalise it.
  const yy = y + Math.floor(m0 / 12);
  const mm = ((m0 % 12) + 12) % 12;
  return `${String(yy).padStart(4, "0")}-${String(mm + 1).padStart(2, "0")}-01`;
}

function make(grain: Grain, y: number, m0: number): Period {
  const start = iso(y, m0);
  const end = iso(y, m0 + monthsPer[grain]);
  const yy = Number(start.slice(0, 4));
  const mm = Number(start.slice(5, 7));
  const label = grain === "month" ? start.slice(0, 7) : grain === "quarter" ? `${yy}-Q${Math.floor((mm - 1) / 3) + 1}` : `${yy}`;
  return { grain, start, end, label };
}

export function isPeriodLabel(s: string): boolean {
  return /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/.test(s);
}

/** Parses 2026-10, 2026-Q3 or 2026. */
export function parsePeriod(s: string): Period {
  const text = String(s).trim();
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (m) return make("month", Number(m[1]), Number(m[2]) - 1);
  m = /^(\d{4})-Q([1-4])$/i.exec(text);
  if (m) return make("quarter", Number(m[1]), (Number(m[2]) - 1) * 3);
  m = /^(\d{4})$/.exec(text);
  if (m) return make("year", Number(m[1]), 0);
  throw new ChurnbookError("bad-period", `invalid period: "${text}"`, { hint: "write a month (2026-10), a quarter (2026-Q3) or a year (2026)" });
}

/** The period of the given grain that contains an ISO date. */
export function periodContaining(date: string, grain: Grain): Period {
  const y = Number(date.slice(0, 4));
  const m0 = Number(date.slice(5, 7)) - 1;
  const startMonth = grain === "month" ? m0 : grain === "quarter" ? m0 - (m0 % 3) : 0;
  return make(grain, y, startMonth);
}

/** The period n steps later (negative: earlier). */
export function shiftPeriod(p: Period, n: number): Period {
  const y = Number(p.start.slice(0, 4));
  const m0 = Number(p.start.slice(5, 7)) - 1;
  return make(p.grain, y, m0 + n * monthsPer[p.grain]);
}

/** The last n periods ending with p, oldest first. */
export function periodsEndingWith(p: Period, n: number): Period[] {
  return Array.from({ length: n }, (_, i) => shiftPeriod(p, i - n + 1));
}

/** Same period one year earlier (同比). */
export function samePeriodLastYear(p: Period): Period {
  return shiftPeriod(p, -12 / monthsPer[p.grain]);
}

/** The last complete period of a grain given the last date seen in the data: if the data
 * reaches the period's last day it is complete, otherwise the one before it. */
export function lastCompletePeriod(lastDate: string, grain: Grain): Period {
  const p = periodContaining(lastDate, grain);
  return addDays(lastDate, 1) >= p.end ? p : shiftPeriod(p, -1);
}

export function addDays(date: string, days: number): string {
  const t = Date.parse(date + "T00:00:00Z") + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / 86_400_000);
}

/** Whole months from the month of a to the month of b. */
export function monthsBetween(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}
