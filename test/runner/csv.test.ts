import { describe, expect, it } from "vitest";
import { defuseFormula, toCsv } from "../../src/runner/csv.js";

// Cells a spreadsheet would run as a formula (OWASP "CSV injection"): every one must come out
// with the quote prefix, whatever follows the first character.
const attacks = [
  "=1+1",
  "=HYPERLINK(\"http://evil.example\",\"x\")",
  "+1+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "-1+1",
  "+41-1",
  "-1+1=2",
  "-3e2+cmd|' /C calc'!A0",
  "-.5+cmd",
  "+5-",
  "- 5",
  "--5",
  "-5 ",
  "-0x1F",
  "-Infinity",
  "@SUM(1,1)*cmd|' /C calc'!A0",
  "\t=1+1",
  "\r=1+1",
  "\tplain",
  "\rplain",
  " =1+1",
  "   -2+3+cmd|' /C calc'!A0",
  "\n=1+1",
  " @SUM(A1)",
  "=",
  "-",
  "+",
  "@",
];

// Negative and signed numbers that reached a table as text: left exactly as they are.
const numbers = ["-5", "+5", "-0", "-1.5", "-1.", "-.5", "+.25", "-1e5", "-1E-5", "+2.5e+3", "-123456789.000001", "0", "42", "3.14"];

describe("csv formula injection", () => {
  it.each(attacks)("quotes %j", (attack) => {
    expect(defuseFormula(attack)).toBe("'" + attack);
    const csv = toCsv([{ name: attack }]);
    const body = csv.slice(csv.indexOf("\n") + 1, -1);
    // The written cell (after RFC 4180 unquoting) starts with the quote prefix.
    const unquoted = body.startsWith('"') ? body.slice(1, body.lastIndexOf('"')).replaceAll('""', '"') : body;
    expect(unquoted).toBe("'" + attack);
  });

  it.each(numbers)("leaves the number %j alone", (n) => {
    expect(defuseFormula(n)).toBe(n);
    expect(toCsv([{ n }])).toBe(`n\n${n}\n`);
  });

  it("leaves ordinary text, real numbers and headers alone, and defuses headers too", () => {
    expect(toCsv([{ a: "churned - voluntary", b: -5, c: -0.25, d: "a=b", e: true }])).toBe("a,b,c,d,e\nchurned - voluntary,-5,-0.25,a=b,true\n");
    expect(toCsv([{ "=cmd": 1 }])).toBe("'=cmd\n1\n");
  });
});
