// One output path for the CLI: human text on a terminal, JSON lines with --json, nothing but
// errors with --quiet. Progress goes to stderr so stdout stays clean for data (analyze).

import { formatError, isChurnbookError, type ChurnbookError } from "../util/errors.js";
import { unwrappedFsError } from "../util/fs-errors.js";

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
      // A read-only or full disk, a file in the way: the user's to fix even when it reached us
      // as a raw Node error from a path that did not wrap it.
      const fs = isChurnbookError(e) ? undefined : unwrappedFsError(e);
      if (fs && debug && (e as Error).stack) fs.stack = (e as Error).stack;
      const user = isChurnbookError(e) ? e : fs;
      if (user) {
        if (options.json) line("error", user.message, { code: user.code, hint: user.hint, ...user.location });
        else err(`error: ${formatError(user as ChurnbookError)}`);
        if (debug && user.stack) err(user.stack);
        return user.exitCode;
      }
      // A bug, not a user error (exit 70): say so; the stack with --debug.
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      if (options.json) line("error", message, { code: "internal-error", ...(debug && e instanceof Error ? { stack: e.stack } : {}) });
      else {
        err(`internal error: ${message}`);
        err(debug && e instanceof Error && e.stack ? e.stack : "  this is a bug in churnbook; run again with --debug for the stack trace");
      }
      return 70;
    },
    data: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
  };
}
