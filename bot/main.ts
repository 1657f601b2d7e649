// Entry point (npm start): local demo mode when no tokens are configured, real mode otherwise.
import { createLogger } from "../ops/log.js";
import { ConfigError, loadConfig, StartupError, type Config } from "./config.js";
import { embeddedDir } from "./embedded-lock.js";
import { preflight } from "./preflight.js";

/** Configuration errors and what keeps the product from starting: one line each, no stack trace. */
function exitWith(error: unknown): boolean {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`Configuration error: ${problem}`);
    console.error("See .env.example for every setting.");
    process.exit(2);
  }
  if (error instanceof StartupError) {
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
  return false;
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!exitWith(error)) throw error;
  process.exit(2);
}

const log = createLogger({ level: config.logLevel });

async function main(config: Config): Promise<{ stop: () => Promise<void> }> {
  // Before anything is started: a port in use or a server that does not answer is one line, not a stack trace.
  await preflight(config);
  // A new embedded database is created before the program is loaded: the memory of its initdb does not add to the program's.
  if ("embedded" in config.database) await (await import("./embedded-postgres.js")).prepareEmbeddedPostgres(embeddedDir(config.database.dataDir));
  // The emulators and the simulator are loaded only in demo mode.
  if (config.demo) return (await import("./demo.js")).startDemo(config, log);
  const { createApp } = await import("./app.js");
  const app = await createApp(config, { migrate: true, log });
  await app.start();
  return app;
}

const running = main(config);

/**
 * SIGTERM and SIGINT drain the workers and close connections (also while still starting); a hung stop is
 * cut off after the timeout. A repeated signal changes nothing: Ctrl+C under `npm start` reaches this process
 * twice (from the terminal, and passed on by tsx), and a stop cut short would leave jobs half-done.
 */
let stopping = false;
function shutdown(signal: string): void {
  if (stopping) {
    log.info({ signal }, "already stopping; waiting for running jobs");
    return;
  }
  stopping = true;
  log.info({ signal }, "shutting down");
  const timer = setTimeout(() => {
    log.error({ timeoutMs: config.shutdownTimeoutMs }, "shutdown took too long, exiting");
    process.exit(1);
  }, config.shutdownTimeoutMs);
  timer.unref();
  running
    .then((product) => product.stop())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

running.catch((error: unknown) => {
  if (exitWith(error)) return;
  log.fatal({ err: error }, "brückenbot could not start");
  process.exit(1);
});
