// File-system failures a user can cause or fix (a read-only or full disk, a file where a folder
// should be, missing permissions) in plain words, as ChurnbookErrors (exit 1) rather than bugs.

import { statSync } from "node:fs";
import { dirname, isAbsolute, relative } from "node:path";
import { ChurnbookError } from "./errors.js";

type ErrnoError = NodeJS.ErrnoException & { dest?: string };

const plain: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied (operation not permitted)",
  EROFS: "the file system is read-only",
  ENOSPC: "disk full (no space left on the device)",
  EDQUOT: "disk quota exceeded",
  EFBIG: "the file is too large for this file system",
  ENAMETOOLONG: "the file name is too long",
  EISDIR: "a folder is in the way where a file should be written",
  ENOTDIR: "a file is in the way where a folder should be",
  EEXIST: "a file is in the way where a folder should be",
  ENOENT: "a folder on the way does not exist (or was removed while writing)",
  EBUSY: "the file or folder is in use",
  EIO: "input/output error on the device",
};

const hints: Record<string, string> = {
  EACCES: "choose another folder with --out, or fix the folder's permissions",
  EPERM: "choose another folder with --out, or fix the folder's permissions",
  EROFS: "choose a folder on a writable disk with --out",
  ENOSPC: "free some space or choose another disk with --out",
  EDQUOT: "free some space or choose another disk with --out",
  EFBIG: "choose another disk with --out",
};

/** The file-system error code of `e` when it is one of the environment failures above. */
export function fsErrorCode(e: unknown): string | undefined {
  const code = (e as ErrnoError | undefined)?.code;
  return typeof code === "string" && Object.hasOwn(plain, code) && typeof (e as ErrnoError).syscall === "string" ? code : undefined;
}

/** The path as the user typed it when it is inside the working folder, else absolute. */
export function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** The closest ancestor of `path` (itself included) that exists and is not a folder. */
function fileInTheWay(path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    let s: ReturnType<typeof statSync>;
    try {
      s = statSync(p, { throwIfNoEntry: false });
    } catch {
      s = undefined; // ENOTDIR: a file further up
    }
    if (s) return s.isDirectory() ? undefined : p;
    if (dirname(p) === p) return undefined;
  }
}

/**
 * A ChurnbookError "cannot write to <path>: <cause>" for an environment failure while writing,
 * or undefined when `e` is not one (a bug stays a bug). `path` defaults to the error's own path;
 * `rename` maps a temporary path to the one the user knows.
 */
export function writeError(e: unknown, options: { path?: string; rename?: (path: string) => string; hint?: string } = {}): ChurnbookError | undefined {
  const code = fsErrorCode(e);
  if (!code) return undefined;
  const err = e as ErrnoError;
  const show = (p: string) => displayPath(options.rename ? options.rename(p) : p);
  const path = options.path ?? err.path ?? "";
  let cause = plain[code]!;
  if (code === "ENOTDIR" || code === "EEXIST") {
    const file = fileInTheWay(err.path ?? path);
    if (file) cause = `${show(file)} is a file, not a folder`;
  }
  const hint = options.hint ?? hints[code] ?? (code === "ENOTDIR" || code === "EEXIST" ? "remove or rename that file, or choose another folder with --out" : "choose another folder with --out");
  return new ChurnbookError("cannot-write", `cannot write to ${show(path)}: ${cause}`, { hint, cause: e });
}

/** Codes that always mean the machine, not churnbook: a safe net for errors nobody wrapped. */
const environmental = new Set(["EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "EFBIG", "EIO"]);
const writing = new Set(["mkdir", "write", "writev", "rename", "unlink", "rmdir", "rm", "copyfile", "symlink", "link", "ftruncate", "fsync", "close"]);
const reading = new Set(["read", "scandir", "opendir", "stat", "lstat", "fstat", "readlink", "access"]);

/**
 * A raw Node file-system error that escaped without a ChurnbookError around it (a read-only or
 * full disk, a denied permission): "cannot write to <path>: disk full", or undefined for
 * anything that may be a bug.
 */
export function unwrappedFsError(e: unknown): ChurnbookError | undefined {
  const code = fsErrorCode(e);
  if (!code || !environmental.has(code)) return undefined;
  const err = e as ErrnoError;
  const syscall = err.syscall ?? "";
  if (writing.has(syscall)) return writeError(e);
  const verb = reading.has(syscall) ? "read" : "open";
  return new ChurnbookError("file-access", `cannot ${verb} ${err.path ? displayPath(err.path) : "a file"}: ${plain[code]}`, { hint: hints[code]?.replace(/ with --out/, "") ?? "check the file's permissions", cause: e });
}
