import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";

/** `npm start` runs `tsx bot/main.ts`: tsx's CLI starts the program as its child and passes signals on to it. */
const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");

export type Run = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

/**
 * A script of the product as npm runs it (`bot/main.ts` for `npm start`, `prisma/seed.ts` for `npm run db:seed`),
 * through tsx, in its own process group (as a terminal's Ctrl+C reaches it), with only these settings.
 */
export function runScript(script: string, env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, [TSX_CLI, script, ...args], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export const npmStart = (env: Record<string, string>): Run => runScript("bot/main.ts", env);

/** Resolves once the demo printed its banner (or the process ended, or three minutes passed). */
export async function demoReady(run: Run): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!run.stdout().includes("Stop with Ctrl+C") && run.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** Ctrl+C in a terminal: SIGINT to every process of the group (tsx and the program). */
export function pressCtrlC(run: Run): void {
  if (run.child.pid !== undefined && run.child.exitCode === null) process.kill(-run.child.pid, "SIGINT");
}
