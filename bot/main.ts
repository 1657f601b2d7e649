// Entry point (npm start): local demo mode when no tokens are configured, real mode otherwise.
import { createLogger } from "../ops/log.js";
import { createApp } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) console.error(`Configuration error: ${problem}`);
  console.error("See .env.example for every setting.");
  process.exit(2);
}

const log = createLogger({ level: config.logLevel });

async function main(config: Config): Promise<{ stop: () => Promise<void> }> {
  // The emulators and the simulator are loaded only in demo mode.
  if (config.demo) return (await import("./demo.js")).startDemo(config, log);
  const app = await createApp(config, { migrate: true, log });
  await app.start();
  return app;
}

const running = main(config);

/**
 * SIGTERM and SIGINT drain the workers and close connections (also while still starting); a hung stop is
 * cut off after the timeout.
 */
function shutdown(signal: string): void {
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
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));

running.catch((error: unknown) => {
  log.fatal({ err: error }, "brückenbot could not start");
  process.exit(1);
});
