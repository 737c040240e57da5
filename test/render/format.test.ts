import { describe, expect, it } from "vitest";
import { columnFormat, computeDelta, deltaTone, formatCurrency, formatDate, formatPeriod, formatValue } from "../../src/util/format.js";

describe("formatValue en-US", () => {
  const f = (v: unknown, format: Parameters<typeof formatValue>[1], compact = false) => formatValue(v as never, format, "en-US", "USD", { compact });
  it("formats numbers, integers, percents and currency", () => {
    expect(f(1234.56, "number")).toBe("1,234.6");
    expect(f(1234.56, "integer")).toBe("1,235");
    expect(f(0.1234, "percent")).toBe("12.3%");
    expect(f(-0.0004, "percent")).toBe("0.0%");
    expect(f(1234.5, "currency")).toBe("$1,235");
    expect(f(99.5, "currency")).toBe("$99.50");
    expect(f(182_400, "currency", true)).toBe("$182.4K");
    expect(f(1_934_500, "currency", true)).toBe("$1.93M");
    expect(f(3.25, "months")).toBe("3.3 months");
    expect(f(1, "days")).toBe("1 day");
  });
  it("prints an em dash for null, NaN and Infinity", () => {
    for (const v of [null, undefined, NaN, Infinity, -Infinity]) for (const format of ["number", "percent", "currency", "integer", "date", "period", "text"] as const) expect(f(v, format)).toBe("—");
  });
  it("formats dates and periods", () => {
    expect(formatDate("2026-10-05", "en-US")).toBe("Oct 5, 2026");
    expect(formatPeriod("2026-10", "en-US")).toBe("October 2026");
    expect(formatPeriod("2026-Q3", "en-US")).toBe("Q3 2026");
    expect(formatPeriod("2026", "en-US")).toBe("2026");
  });
});

describe("formatValue zh-CN", () => {
  const f = (v: unknown, format: Parameters<typeof formatValue>[1], compact = false) => formatValue(v as never, format, "zh-CN", "CNY", { compact });
  it("uses 万 and 亿 for large amounts in prose", () => {
    expect(f(123_000, "currency", true)).toBe("¥12.3万");
    expect(f(1_234_567_890, "number", true)).toBe("12.3亿");
    expect(f(12_500, "integer", true)).toBe("1.25万");
    expect(f(12_480, "integer")).toBe("12,480");
    expect(formatCurrency(1234.5, "zh-CN", "CNY")).toBe("¥1,235");
  });
  it("formats dates and periods the Chinese way", () => {
    expect(formatDate("2026-10-05", "zh-CN")).toBe("2026年10月5日");
    expect(formatPeriod("2026-10", "zh-CN")).toBe("2026年10月");
    expect(formatPeriod("2026-Q3", "zh-CN")).toBe("2026年第3季度");
    expect(formatPeriod("2026", "zh-CN")).toBe("2026年");
    expect(f(3.25, "months")).toBe("3.3个月");
  });
});

describe("deltas", () => {
  it("uses percentage points for rates", () => {
    expect(computeDelta(0.034, 0.022, "percent", "en-US").text).toBe("+1.2 pp");
    expect(computeDelta(0.034, 0.022, "percent", "zh-CN").text).toBe("+1.2个百分点");
    expect(computeDelta(0.02, 0.032, "percent", "en-US")).toMatchObject({ text: "−1.2 pp", direction: "down" });
  });
  it("uses relative change for counts and amounts", () => {
    expect(computeDelta(110, 100, "integer", "en-US").text).toBe("+10.0%");
    expect(computeDelta(90, 100, "currency", "zh-CN").text).toBe("−10.0%");
    expect(computeDelta(5, 0, "integer", "en-US").text).toBe("—");
    expect(computeDelta(null, 3, "integer", "en-US").text).toBe("—");
  });
  it("colours by which way is better", () => {
    expect(deltaTone("up", "down")).toBe("bad");
    expect(deltaTone("down", "down")).toBe("good");
    expect(deltaTone("flat", "up")).toBe("neutral");
  });
});

describe("one number format per column", () => {
  const cells = (values: number[], format: "currency" | "number" | "months", locale: "en-US" | "zh-CN" = "en-US") => {
    const options = columnFormat(values, format);
    return values.map((v) => formatValue(v, format, locale, locale === "zh-CN" ? "CNY" : "USD", options));
  };
  it("prints negative numbers with the minus sign U+2212, never a hyphen", () => {
    expect(formatValue(-19294, "currency", "zh-CN", "CNY")).toBe("\u2212¥19,294");
    expect(formatValue(-805.38, "currency", "en-US", "USD")).toBe("\u2212$805.38");
    expect(formatValue(-0.053, "percent", "en-US", "USD")).toBe("\u22125.3%");
    expect(formatValue(-35_000, "number", "zh-CN", "CNY", { compact: true })).toBe("\u22123.5万");
    expect(formatValue(-3, "integer", "en-US", "USD")).toBe("\u22123");
  });
  it("gives a column of amounts cents everywhere or nowhere", () => {
    // The playbook's value at risk: one small negative amount among thousands.
    expect(cells([-805.38, 23317, 0], "currency")).toEqual(["\u2212$805", "$23,317", "$0"]);
    expect(cells([99.5, 12, 0], "currency")).toEqual(["$99.50", "$12.00", "$0.00"]);
    expect(cells([12, 40], "currency")).toEqual(["$12", "$40"]);
  });
  it("gives a column of numbers the same decimals", () => {
    // Expected churners 1.5, 2, 0.8, 0 read as 1.5, 2.0, 0.8, 0.0.
    expect(cells([1.5, 2, 0.8, 0], "number")).toEqual(["1.5", "2.0", "0.8", "0.0"]);
    expect(cells([1, 2.04, 3], "number")).toEqual(["1", "2", "3"]);
    expect(cells([3.25, 1], "months", "zh-CN")).toEqual(["3.3个月", "1.0个月"]);
  });
});
