// Entry point (npm start): local demo mode when no tokens are configured, real mode otherwise.
import { createLogger } from "../core/log.js";
import { createApp } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { startDemo } from "./demo.js";

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

async function main(config: Config): Promise<void> {
  if (config.demo) {
    const demo = await startDemo(config, log);
    installShutdown(demo.stop, config.shutdownTimeoutMs);
    return;
  }
  const app = await createApp(config, { migrate: true, log });
  installShutdown(app.stop, config.shutdownTimeoutMs);
  await app.start();
}

/** SIGTERM and SIGINT drain the workers and close connections; a hung stop is cut off after the timeout. */
function installShutdown(stop: () => Promise<void>, timeoutMs: number): void {
  const shutdown = (signal: string) => {
    log.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, "shutdown took too long, exiting");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main(config).catch((error: unknown) => {
  log.fatal({ err: error }, "brückenbot could not start");
  process.exit(1);
});
