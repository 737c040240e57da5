// The content-addressed cell cache shared by `render` and `preview`. An entry's key is a sha256
// of everything its value is a function of, so a stale entry is never served: for an analysis
// cell, its normalised definition (analysis id and params after {{param}} substitution), the
// report context it runs in (period, locale, currency, churn and returns conventions, the fields
// of each role), the exact SQL it asks of the engine, the fingerprints of the datasets that SQL
// reads, and the churnbook version (package version plus a fingerprint of its own source files);
// for other cells, their definition, their upstream cells' keys and the report params.
//
// Values live in memory (per process) and on disk under one folder (default .churnbook-cache in
// the working directory, or $CHURNBOOK_CACHE_DIR): <dir>/v1/<kind>/<ab>/<key>.json|.bin. Deleting
// the folder is always safe. Reads that fail are misses; writes are atomic (temporary file and
// rename) and a failed write (read-only or full disk) only costs the next run its speed.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, readFile, rename, writeFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export type CacheKind = "dataset" | "context" | "analysis" | "transform" | "cell" | "chart" | "print" | "render";

export interface CellCache {
  /** The folder on disk, or null for a memory-only cache. */
  readonly dir: string | null;
  /** The value (shared with the cache and later callers: never mutate it), or undefined. */
  get<T>(kind: CacheKind, key: string): Promise<T | undefined>;
  put(kind: CacheKind, key: string, value: unknown): Promise<void>;
  getBytes(kind: CacheKind, key: string): Promise<Uint8Array | undefined>;
  putBytes(kind: CacheKind, key: string, value: Uint8Array): Promise<void>;
  /** Hits and misses since creation, by kind (for tests and the preview's status line). */
  readonly stats: { hits: number; misses: number };
}

export const defaultCacheDir = (): string => process.env.CHURNBOOK_CACHE_DIR || join(process.cwd(), ".churnbook-cache");

/** A cache in memory and, unless `dir` is null, on disk. */
export function openCache(dir: string | null = defaultCacheDir(), options: { memoryEntries?: number } = {}): CellCache {
  const limit = options.memoryEntries ?? 2000;
  const memory = new Map<string, unknown>();
  const stats = { hits: 0, misses: 0 };
  const remember = (id: string, value: unknown) => {
    memory.delete(id);
    memory.set(id, value);
    while (memory.size > limit) memory.delete(memory.keys().next().value!);
  };
  const fileOf = (kind: CacheKind, key: string, ext: string) => join(dir!, "v1", kind, key.slice(0, 2), `${key}.${ext}`);
  const write = async (file: string, data: string | Uint8Array) => {
    try {
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, data);
      await rename(tmp, file).catch(async (e: unknown) => {
        await rm(tmp, { force: true });
        throw e;
      });
    } catch {
      // A read-only or full disk: the entry stays in memory only.
    }
  };
  return {
    dir,
    stats,
    async get<T>(kind: CacheKind, key: string): Promise<T | undefined> {
      const id = `${kind}/${key}`;
      if (memory.has(id)) {
        stats.hits++;
        const v = memory.get(id);
        remember(id, v);
        return v as T;
      }
      if (dir) {
        try {
          const v = JSON.parse(await readFile(fileOf(kind, key, "json"), "utf8")) as T;
          remember(id, v);
          stats.hits++;
          return v;
        } catch {
          // missing or unreadable: a miss
        }
      }
      stats.misses++;
      return undefined;
    },
    async put(kind, key, value) {
      // Stored as its JSON form (what a later process reads back from disk).
      const text = JSON.stringify(value);
      remember(`${kind}/${key}`, JSON.parse(text) as unknown);
      if (dir) await write(fileOf(kind, key, "json"), text);
    },
    async getBytes(kind, key) {
      const id = `${kind}/${key}#bytes`;
      const m = memory.get(id);
      if (m instanceof Uint8Array) {
        stats.hits++;
        return m;
      }
      if (dir) {
        try {
          const b = new Uint8Array(await readFile(fileOf(kind, key, "bin")));
          remember(id, b);
          stats.hits++;
          return b;
        } catch {
          // a miss
        }
      }
      stats.misses++;
      return undefined;
    },
    async putBytes(kind, key, value) {
      remember(`${kind}/${key}#bytes`, value);
      if (dir) await write(fileOf(kind, key, "bin"), value);
    },
  };
}

/** JSON with object keys sorted (arrays keep their order): the normal form hashed into keys. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** sha256 of the canonical JSON of the parts. */
export function cacheKey(...parts: unknown[]): string {
  return createHash("sha256").update(canonicalJson(parts)).digest("hex");
}

let codeVersion: string | undefined;

/**
 * The churnbook version in cache keys: the package version and a fingerprint (path, size,
 * modification time) of the source files and templates, so a changed analysis or template never
 * reads a result computed by the old code.
 */
export function churnbookVersion(): string {
  if (codeVersion) return codeVersion;
  const root = fileURLToPath(new URL("../../", import.meta.url));
  let version = "unknown";
  try {
    version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    // keep "unknown"
  }
  const h = createHash("sha256");
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      let s;
      try {
        s = statSync(p);
      } catch {
        continue;
      }
      if (s.isDirectory()) walk(p);
      else if (/\.(ts|js|hbs|css|json)$/.test(n)) h.update(`${p.slice(root.length)}:${s.size}:${s.mtimeMs}\n`);
    }
  };
  walk(join(root, "src"));
  walk(join(root, "templates"));
  codeVersion = `${version}+${h.digest("hex").slice(0, 16)}`;
  return codeVersion;
}

export { fileSha256 } from "../util/file-hash.js";
