import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { projectPath } from "../../core/paths.js";

export type Run = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

/**
 * An npm script of the product (`start`, `db:seed`) as npm runs it – the command in package.json, started with
 * this Node.js – in its own process group (as a terminal's Ctrl+C reaches it), with only these settings. Without
 * npm itself: it would report a Ctrl+C as its own exit by SIGINT, whatever the program's exit code.
 */
export function runScript(script: "start" | "db:seed", env: Record<string, string>, args: string[] = []): Run {
  const { scripts } = JSON.parse(readFileSync(projectPath("package.json"), "utf8")) as { scripts: Record<string, string> };
  const [command, ...commandArgs] = (scripts[script] ?? "").split(" ");
  if (command !== "node") throw new Error(`npm run ${script} is no node command: ${scripts[script] ?? "missing"}`);
  const child = spawn(process.execPath, [...commandArgs, ...args], {
    cwd: projectPath(),
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

export const npmStart = (env: Record<string, string>): Run => runScript("start", env);

/** Resolves once the demo printed its banner (or the process ended, or three minutes passed). */
export async function demoReady(run: Run): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!run.stdout().includes("Stop with Ctrl+C") && run.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** Ctrl+C in a terminal: SIGINT to every process of the group. */
export function pressCtrlC(run: Run): void {
  if (run.child.pid !== undefined && run.child.exitCode === null) process.kill(-run.child.pid, "SIGINT");
}
