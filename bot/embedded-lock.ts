import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { StartupError } from "./config.js";

/** Where the embedded database keeps its files, in DATA_DIR. */
export const embeddedDir = (dataDir: string): string => path.join(dataDir, "pglite");

/** The process that serves the embedded database in a folder, and where it serves it. */
export type EmbeddedHolder = { pid: number; url: string | undefined };

/** Written beside the folder while a process holds it (PGlite itself does not lock its files). */
export const lockFile = (dataDir: string): string => `${dataDir.replace(/\/+$/, "")}.lock`;

/**
 * The live process (not this one) that holds the embedded database in this folder, if one does. A lock naming
 * this process was left by an earlier one with the same id (in a container, every start is process 1).
 */
export function embeddedHolder(dataDir: string): EmbeddedHolder | undefined {
  const holder = readLock(dataDir);
  return holder && holder.pid !== process.pid && isAlive(holder.pid) ? holder : undefined;
}

function readLock(dataDir: string): EmbeddedHolder | undefined {
  try {
    const lock = JSON.parse(readFileSync(lockFile(dataDir), "utf8")) as Partial<EmbeddedHolder>;
    return typeof lock.pid === "number" ? { pid: lock.pid, url: typeof lock.url === "string" ? lock.url : undefined } : undefined;
  } catch {
    return undefined;
  }
}

/** The line for a folder another process holds: two PGlite instances on the same files would corrupt them. */
export function heldProblem(dataDir: string, holder: EmbeddedHolder): StartupError {
  return new StartupError(`DATA_DIR: the embedded database in ${dataDir} is in use by process ${holder.pid} (is Brückenbot running already?): stop that process, or set DATA_DIR to another folder.`);
}

/** Takes the folder for this process (a lock left by a process that died is taken over); returns how to give it back. */
export function hold(dataDir: string): () => void {
  const file = lockFile(dataDir);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid }), { flag: "wx" });
      return () => {
        if (readLock(dataDir)?.pid === process.pid) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST" || attempt > 0) throw error;
      const holder = embeddedHolder(dataDir);
      if (holder) throw heldProblem(dataDir, holder);
      rmSync(file, { force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as { code?: string }).code === "EPERM";
  }
}
