// One output path for the CLI: human text on a terminal, JSON lines with --json, nothing but
// errors with --quiet. Progress goes to stderr so stdout stays clean for data (analyze).

import { formatError, isChurnbookError, type ChurnbookError } from "../util/errors.js";

export interface Printer {
  info(message: string): void;
  progress(message: string, fields?: Record<string, unknown>): void;
  warn(message: string): void;
  error(e: unknown, debug?: boolean): number;
  data(text: string): void;
}

export function createPrinter(options: { json?: boolean; quiet?: boolean } = {}): Printer {
  const err = (s: string) => process.stderr.write(s + "\n");
  const line = (level: string, message: string, fields: Record<string, unknown> = {}) => err(JSON.stringify({ level, message, ...fields }));
  return {
    info: (m) => (options.json ? line("info", m) : options.quiet ? undefined : err(m)),
    progress: (m, f) => (options.json ? line("progress", m, f) : options.quiet ? undefined : err(`  ${m}`)),
    warn: (m) => (options.json ? line("warn", m) : err(`warning: ${m}`)),
    error(e, debug = false) {
      if (isChurnbookError(e)) {
        if (options.json) line("error", e.message, { code: e.code, hint: e.hint, ...e.location });
        else err(`error: ${formatError(e as ChurnbookError)}`);
        if (debug && e.stack) err(e.stack);
        return e.exitCode;
      }
      // A bug, not a user error: say so, with the stack.
      err(`internal error: ${(e as Error)?.stack ?? String(e)}`);
      return 70;
    },
    data: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
  };
}
