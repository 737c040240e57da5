// A pool of fuzz worker processes (test/fuzz/worker.ts, run through tsx). Each worker runs its
// cases in-process (fast: no node start per case); the pool enforces a hard time limit per
// case by killing the worker, which turns a synchronous hang into a "hang" failure, not a stuck run.

import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { analysisParamNames, buildCase, prepareWorkerDir, repoRoot, type CaseKind, type CaseOptions, type CaseResult, type FuzzCase, type RunOutcome } from "./harness.js";

interface Slot {
  k: number;
  dir: string;
  child?: ChildProcess;
  ready?: Promise<void>;
}

export interface PoolOptions extends CaseOptions {
  workers?: number;
  /** soft limit per CLI run (in the worker); the hard limit per case is 2× + 20 s */
  timeoutMs?: number;
}

export class FuzzPool {
  private slots: Slot[];
  private queue: ((s: Slot) => void)[] = [];
  private free: Slot[] = [];
  private nextId = 1;
  private lateErrors: { kind?: CaseKind; seed?: number; error: string }[] = [];
  private options: PoolOptions;
  private paramNames?: Record<string, string[]>;

  constructor(private root: string, options: PoolOptions = {}) {
    this.options = options;
    this.slots = Array.from({ length: Math.max(1, options.workers ?? 2) }, (_, k) => ({ k, dir: prepareWorkerDir(root, k) }));
    this.free = [...this.slots];
  }

  private start(slot: Slot): Promise<void> {
    const child = fork(join(repoRoot, "test/fuzz/worker.ts"), [], {
      cwd: repoRoot,
      execArgv: ["--import", "tsx"],
      env: { ...process.env, TZ: "UTC" },
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    slot.child = child;
    child.on("message", (m: { late?: { kind?: CaseKind; seed?: number; error: string } }) => {
      if (m.late) this.lateErrors.push(m.late);
    });
    slot.ready = new Promise((resolve, reject) => {
      const onReady = (m: { ready?: boolean }) => {
        if (m.ready) {
          child.off("message", onReady);
          resolve();
        }
      };
      child.on("message", onReady);
      child.once("exit", (code) => reject(new Error(`fuzz worker exited (${code}) before it was ready`)));
    });
    return slot.ready;
  }

  private acquire(): Promise<Slot> {
    const s = this.free.pop();
    if (s) return Promise.resolve(s);
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(s: Slot): void {
    const next = this.queue.shift();
    if (next) next(s);
    else this.free.push(s);
  }

  /** Errors that escaped a case after its result was sent (attributed to the case then running). */
  takeLateErrors() {
    return this.lateErrors.splice(0);
  }

  /** Runs one case; `renderRate` overrides the pool's (e.g. to rerun a case of `npm run fuzz`). */
  async run(kind: CaseKind, seed: number, overrides: { renderRate?: number } = {}): Promise<CaseResult> {
    const renderRate = overrides.renderRate ?? this.options.renderRate;
    const slot = await this.acquire();
    try {
      if (!slot.child || slot.child.exitCode !== null || slot.child.signalCode !== null || !slot.child.connected) await this.start(slot);
      else await slot.ready;
      const child = slot.child!;
      const id = this.nextId++;
      const timeoutMs = this.options.timeoutMs ?? 60_000;
      const hardMs = timeoutMs * 2 + 20_000;
      const started = performance.now();
      const answer = await new Promise<{ result?: SerializedResult; error?: string; dead?: string }>((resolve) => {
        const onMessage = (m: { id?: number; result?: SerializedResult; error?: string }) => {
          if (m.id === id) done(m);
        };
        const onExit = (code: number | null, signal: string | null) => done({ dead: `worker died (exit ${code}, signal ${signal})` });
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          done({ dead: `no answer within ${Math.round(hardMs / 1000)} s (worker killed)` });
        }, hardMs);
        const done = (v: { result?: SerializedResult; error?: string; dead?: string }) => {
          clearTimeout(timer);
          child.off("message", onMessage);
          child.off("exit", onExit);
          resolve(v);
        };
        child.on("message", onMessage);
        child.on("exit", onExit);
        child.send({ id, dir: slot.dir, kind, seed, options: { renderRate }, timeoutMs });
      });
      if (answer.error) throw new Error(`fuzz worker failed on ${kind}:${seed}: ${answer.error}`);
      if (answer.result) return deserialize(answer.result);
      slot.child = undefined; // killed or dead: the next case starts a fresh worker
      // the worker hung or died: rebuild the case here to report it (same seed, same bytes)
      const c = buildCase(slot.dir, kind, seed, { renderRate, paramNames: (this.paramNames ??= await analysisParamNames()) });
      const cls = answer.dead!.startsWith("no answer") ? "hang" : "crash";
      const outcomes: RunOutcome[] = [{ argv: c.runs.at(-1)!.argv, code: -1, stdout: "", stderr: "", ms: performance.now() - started, failures: [{ cls, detail: `${answer.dead}; one of: ${c.runs.map((r) => r.argv[0]).join(", ")}` }] }];
      return { c, outcomes, failed: true };
    } finally {
      this.release(slot);
    }
  }

  close(): void {
    for (const s of this.slots) s.child?.kill("SIGKILL");
  }
}

type SerializedResult = Omit<CaseResult, "c"> & { c: Omit<FuzzCase, "inputBytes"> & { inputBytes: string } };

function deserialize(r: SerializedResult): CaseResult {
  return { ...r, c: { ...r.c, inputBytes: Buffer.from(r.c.inputBytes, "base64") } };
}
