import { ChurnbookError } from "../util/errors.js";

/** Parses repeated key=value flags. */
export function keyValues(items: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const i = item.indexOf("=");
    if (i <= 0) throw new ChurnbookError("bad-flag", `--${flag} expects key=value, got "${item}"`, { exitCode: 2 });
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}
