// Vitest global setup: tests that spawn bin/churnbook.js run the compiled CLI as users do, so
// dist/ is rebuilt first when src/ changed since the last build (bin would otherwise run the
// sources through tsx: correct, but not what ships).
import { buildDist } from "../scripts/build.mjs";
import { distState } from "../scripts/dist-stamp.mjs";

export default async function setup(): Promise<void> {
  if (distState() !== "fresh") await buildDist();
}
