import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project's root (where package.json is), found from this file: the same from the sources run by tsx
 * and from the build in `dist/`, so that locales, migrations and the simulator's page are found either way.
 */
export const PROJECT_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("package.json not found above the program's files");
    dir = parent;
  }
  return dir;
})();

/** A file or directory of the project, by its path from the root. */
export const projectPath = (...parts: string[]): string => path.join(PROJECT_ROOT, ...parts);
