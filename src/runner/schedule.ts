// Schedules: which period of a report is due on a given calendar day. A schedule says the
// grain (monthly, quarterly, yearly), the day of the month after a period closes on which its
// report is due, and the fiscal year's first month (quarters and years close on its
// boundaries). Everything here is calendar dates (yyyy-mm-dd strings), never instants: the
// day a cron job runs on is the day in the machine's calendar, and time zones do not move it.

import type { ReportSchedule } from "../definition/normalize.js";
import { ChurnbookError } from "../util/errors.js";
import type { Grain } from "../util/period.js";

export interface ScheduledPeriod {
  grain: Grain;
  /** First day (inclusive) and first day after (exclusive). */
  start: string;
  end: string;
  /** The report period label (2026-10, 2026-Q3, 2026). */
  label: string;
  /** The fiscal name (FY2027 Q2 for Jul–Sep 2026 when the fiscal year starts in April); the label for calendar years. */
  fiscalLabel: string;
  /** The calendar day on which it is due. */
  due: string;
}

const monthsPer: Record<Grain, number> = { month: 1, quarter: 3, year: 12 };

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m1: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m1 - 1]!;
}

/** A calendar date as yyyy-mm-dd; throws on anything else (2026-02-30 included). */
export function parseCalendarDate(text: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12 || Number(m[3]) < 1 || Number(m[3]) > daysInMonth(Number(m[1]), Number(m[2]))) {
    throw new ChurnbookError("bad-date", `invalid date "${text}"`, { hint: "write a calendar date: yyyy-mm-dd, e.g. 2026-11-05", exitCode: 2 });
  }
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

/** Today in the local calendar (what cron means by today). */
export function today(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

const ymd = (y: number, m1: number, d: number) => `${String(y).padStart(4, "0")}-${String(m1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** Month index (y*12 + m0) → first day of that month. */
const monthStart = (i: number) => ymd(Math.floor(i / 12), (i % 12) + 1, 1);

function periodAt(startIndex: number, grain: Grain, schedule: Pick<ReportSchedule, "day" | "fiscalYearStart">): ScheduledPeriod {
  const endIndex = startIndex + monthsPer[grain];
  const y = Math.floor(startIndex / 12);
  const m1 = (startIndex % 12) + 1;
  const ey = Math.floor(endIndex / 12);
  const em1 = (endIndex % 12) + 1;
  const label = grain === "month" ? ymd(y, m1, 1).slice(0, 7) : grain === "quarter" ? `${y}-Q${Math.floor((m1 - 1) / 3) + 1}` : `${y}`;
  // Fiscal years are named by the calendar year they end in (FY2027 = Apr 2026 – Mar 2027).
  const fs = schedule.fiscalYearStart;
  const fyIndex = Math.floor((startIndex - (fs - 1)) / 12);
  const fyName = fs === 1 ? `${fyIndex}` : `FY${fyIndex + 1}`;
  const fq = Math.floor((((startIndex - (fs - 1)) % 12) + 12) % 12 / 3) + 1;
  const fiscalLabel = grain === "month" ? label : grain === "quarter" ? (fs === 1 ? label : `${fyName} Q${fq}`) : fyName;
  return { grain, start: ymd(y, m1, 1), end: ymd(ey, em1, 1), label, fiscalLabel, due: ymd(ey, em1, Math.min(schedule.day, daysInMonth(ey, em1))) };
}

/**
 * The latest period whose due day has come on `date` (the period closed, and the schedule's day
 * of the following month is reached). Always defined: the period before the current one is
 * due by the end of the current period's first month at the latest.
 */
export function duePeriod(schedule: Pick<ReportSchedule, "grain" | "day" | "fiscalYearStart">, date: string): ScheduledPeriod {
  const { y, m } = parseCalendarDate(date);
  const step = monthsPer[schedule.grain];
  const offset = schedule.grain === "month" ? 0 : (schedule.fiscalYearStart - 1) % step;
  const month = y * 12 + (m - 1);
  // The period containing `date`, aligned on the fiscal boundaries.
  const current = month - ((((month - offset) % step) + step) % step);
  const previous = periodAt(current - step, schedule.grain, schedule);
  if (previous.due <= date) return previous;
  return periodAt(current - 2 * step, schedule.grain, schedule);
}
