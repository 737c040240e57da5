// Phase timings of a run (manifest.json's `timings`, the bench's phase table): wall time and the
// process's CPU time over the phase (user + system of every thread: Node's and DuckDB's). On a
// shared machine other programs stretch the wall time; the CPU time moves far less.

export interface Timing {
  phase: string;
  id?: string;
  ms: number;
  cpuMs: number;
}

/** Starts a clock; calling the result gives the wall and CPU milliseconds since. */
export function stopwatch(): () => { ms: number; cpuMs: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (d.user + d.system) / 1000 };
  };
}
