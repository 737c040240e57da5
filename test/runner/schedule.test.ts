// Due periods from calendar dates: month, quarter and fiscal boundaries, leap years, clamped days.

import { describe, expect, it } from "vitest";
import { daysInMonth, duePeriod, isLeapYear, parseCalendarDate, today } from "../../src/runner/schedule.js";

const monthly = (day: number) => ({ grain: "month" as const, day, fiscalYearStart: 1 });
const quarterly = (day: number, fiscalYearStart = 1) => ({ grain: "quarter" as const, day, fiscalYearStart });
const yearly = (day: number) => ({ grain: "year" as const, day, fiscalYearStart: 1 });

describe("schedule", () => {
  it("monthly: the closed month is due from its day on", () => {
    expect(duePeriod(monthly(3), "2026-11-02")).toMatchObject({ label: "2026-09", due: "2026-10-03" });
    expect(duePeriod(monthly(3), "2026-11-03")).toMatchObject({ label: "2026-10", start: "2026-10-01", end: "2026-11-01", due: "2026-11-03" });
    expect(duePeriod(monthly(3), "2026-11-05").label).toBe("2026-10");
    expect(duePeriod(monthly(3), "2026-11-30").label).toBe("2026-10");
    expect(duePeriod(monthly(1), "2026-12-01").label).toBe("2026-11");
    // Across the year boundary.
    expect(duePeriod(monthly(3), "2027-01-03")).toMatchObject({ label: "2026-12", due: "2027-01-03" });
    expect(duePeriod(monthly(3), "2027-01-02").label).toBe("2026-11");
  });

  it("leap years: day 29–31 means the last day of February", () => {
    expect(isLeapYear(2028)).toBe(true);
    expect(isLeapYear(2100)).toBe(false);
    expect(isLeapYear(2000)).toBe(true);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2027, 2)).toBe(28);
    expect(duePeriod(monthly(31), "2028-02-28").label).toBe("2027-12");
    expect(duePeriod(monthly(31), "2028-02-29")).toMatchObject({ label: "2028-01", due: "2028-02-29" });
    expect(duePeriod(monthly(30), "2027-02-28")).toMatchObject({ label: "2027-01", due: "2027-02-28" });
    expect(duePeriod(monthly(29), "2100-02-28")).toMatchObject({ label: "2100-01", due: "2100-02-28" });
    expect(() => parseCalendarDate("2027-02-29")).toThrow(/invalid date/);
    expect(() => parseCalendarDate("2028-02-29")).not.toThrow();
    // A 31-day schedule in a 30-day month.
    expect(duePeriod(monthly(31), "2026-04-30")).toMatchObject({ label: "2026-03", due: "2026-04-30" });
  });

  it("quarterly: quarter boundaries", () => {
    expect(duePeriod(quarterly(5), "2026-10-04")).toMatchObject({ label: "2026-Q2", due: "2026-07-05" });
    expect(duePeriod(quarterly(5), "2026-10-05")).toMatchObject({ label: "2026-Q3", start: "2026-07-01", end: "2026-10-01", due: "2026-10-05" });
    expect(duePeriod(quarterly(5), "2026-12-31").label).toBe("2026-Q3");
    expect(duePeriod(quarterly(5), "2027-01-04").label).toBe("2026-Q3");
    expect(duePeriod(quarterly(5), "2027-01-05")).toMatchObject({ label: "2026-Q4", start: "2026-10-01", end: "2027-01-01" });
    expect(duePeriod(quarterly(5), "2026-03-31").label).toBe("2025-Q4");
    expect(duePeriod(quarterly(5), "2026-04-05").label).toBe("2026-Q1");
  });

  it("fiscal years: quarters named by the fiscal year, which is named by the year it ends in", () => {
    // Fiscal year from April: Jul–Sep 2026 is the second quarter of FY2027.
    expect(duePeriod(quarterly(5, 4), "2026-10-05")).toMatchObject({ label: "2026-Q3", fiscalLabel: "FY2027 Q2" });
    expect(duePeriod(quarterly(5, 4), "2026-04-05")).toMatchObject({ label: "2026-Q1", fiscalLabel: "FY2026 Q4" });
    expect(duePeriod(quarterly(5, 10), "2027-01-05")).toMatchObject({ label: "2026-Q4", fiscalLabel: "FY2027 Q1" });
    expect(duePeriod(quarterly(5, 1), "2027-01-05").fiscalLabel).toBe("2026-Q4");
  });

  it("yearly", () => {
    expect(duePeriod(yearly(10), "2027-01-09").label).toBe("2025");
    expect(duePeriod(yearly(10), "2027-01-10")).toMatchObject({ label: "2026", start: "2026-01-01", end: "2027-01-01" });
  });

  it("today is the local calendar day", () => {
    expect(today(new Date(2026, 10, 5, 23, 59))).toBe("2026-11-05");
    expect(today(new Date(2026, 10, 5, 0, 0))).toBe("2026-11-05");
  });
});
