// Reference datasets copied into the repository (test/fixtures/reference, sources and licenses
// in its SOURCES.md): tests never read outside the repository.
import { fileURLToPath } from "node:url";

/** Absolute path of a reference file, e.g. referenceFile("lifelines", "rossi.csv"). */
export function referenceFile(folder: "cdnow" | "lifelines" | "ravenstack" | "telco", name: string): string {
  return fileURLToPath(new URL(`../fixtures/reference/${folder}/${name}`, import.meta.url));
}
