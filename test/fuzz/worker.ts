// A fuzz worker process: receives { kind, seed } over IPC, builds the case in its own folder and
// runs it in-process (runCase), answers with the result. The parent kills and replaces a worker
// that does not answer in time (a synchronous hang cannot be interrupted in-process).

import { analysisParamNames, buildCase, runCase, type CaseKind, type CaseOptions } from "./harness.js";

const paramNames = await analysisParamNames();

interface Job {
  id: number;
  dir: string;
  kind: CaseKind;
  seed: number;
  options: CaseOptions;
  timeoutMs: number;
}

let current: Job | undefined;
// an error that escapes a case after it returned still belongs to it (or to the next one)
const late = (e: unknown) => process.send?.({ late: { kind: current?.kind, seed: current?.seed, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } });
process.on("uncaughtException", late);
process.on("unhandledRejection", late);

const cap = (s: string, failed: boolean) => (failed ? s.slice(0, 300_000) : s.slice(0, 2_000));

process.on("message", async (job: Job) => {
  current = job;
  try {
    const c = buildCase(job.dir, job.kind, job.seed, { ...job.options, paramNames });
    const r = await runCase(c, job.timeoutMs);
    process.send!({
      id: job.id,
      result: {
        c: { ...c, inputBytes: r.failed ? c.inputBytes.toString("base64") : "" },
        outcomes: r.outcomes.map((o) => ({ ...o, stdout: cap(o.stdout, o.failures.length > 0), stderr: cap(o.stderr, o.failures.length > 0) })),
        failed: r.failed,
      },
    });
  } catch (e) {
    process.send!({ id: job.id, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
  }
});
process.send!({ ready: true });
