// Reading a definition file: parse, validate, normalise.

import { readFile } from "node:fs/promises";
import { ChurnbookError } from "../util/errors.js";
import { normalizeReport, type Report } from "./normalize.js";
import { parseReport } from "./validate.js";

export async function loadReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ChurnbookError("missing-file", `cannot read report definition "${file}"`, { hint: (e as NodeJS.ErrnoException).code === "ENOENT" ? "check the path" : String(e), exitCode: 2 });
  }
  return parseReportText(text, file);
}

export function parseReportText(text: string, file: string): Report {
  const parsed = parseReport(text, file);
  return normalizeReport(parsed.spec, parsed.cellKinds, parsed.source, text);
}
