// A real PostgreSQL server for the tests, started from Debian's packages: initdb and pg_ctl run
// as the `postgres` user (the server refuses to run as root) on a data folder under /tmp and a
// free loopback port, with the C locale (text sorts byte-wise, as in DuckDB) and UTC.
// Without a server binary or when it cannot start, tests skip with the reason — except under CI
// (`CI` set, as .ci/run does), where a server that cannot start is a failure.

import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, type TestContext } from "vitest";
import { createPostgresEngine } from "../../src/data/postgres.js";
import type { Engine } from "../../src/data/engine.js";

export interface PgServer {
  /** A connection URL (no password: trust authentication on loopback). */
  url: string;
  stop(): void;
}

/** The newest installed server's bin folder, or null. */
function binDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, "bin") : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs a server binary as the postgres user (directly when already not root). */
function asPostgres(bin: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [cmd, argv] = root ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: "pipe", timeout: 60_000 });
}

/**
 * Starts a server, or returns the reason it cannot (a string) — which under CI is thrown instead.
 */
export async function startPostgres(): Promise<PgServer | string> {
  const reason = await tryStart();
  if (typeof reason === "string" && process.env.CI) throw new Error(`CI: PostgreSQL must start for the engine tests, but: ${reason}`);
  return reason;
}

/**
 * A server for the tests of the enclosing describe block: started before them, stopped after.
 * `engine(t)` connects to it, or skips the test with the reason when there is none.
 */
export function usePostgres(): { engine(t: TestContext): Promise<Engine> } {
  let server: PgServer | string = "not started";
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(() => {
    if (typeof server !== "string") server.stop();
  });
  return {
    async engine(t) {
      if (typeof server === "string") t.skip(`no PostgreSQL server: ${server}`);
      return createPostgresEngine({ url: (server as PgServer).url, dataset: "test", variable: "TEST_PG_URL" });
    },
  };
}

async function tryStart(): Promise<PgServer | string> {
  const bin = binDir();
  if (!bin) return "no PostgreSQL server installed (/usr/lib/postgresql/*/bin/initdb); apt-get install postgresql";
  const dir = mkdtempSync(join(tmpdir(), "churnbook-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const port = await freePort();
  const stop = () => {
    try {
      asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-locale", "--encoding=UTF8", "--no-sync"]);
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c timezone=UTC -c max_connections=20`;
    asPostgres(join(bin, "pg_ctl"), ["-D", data, "-o", opts, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    stop();
    return `PostgreSQL could not start: ${String(err.stderr ?? err.message).trim().split("\n").slice(-3).join(" ")}`;
  }
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop };
}
