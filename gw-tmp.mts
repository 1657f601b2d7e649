import { openQueues } from "./jobs/connection.js";
import { createLogger } from "./ops/log.js";
import { poolConfigFromUrl } from "./bot/database.js";
import { startEmbeddedPostgres } from "./bot/embedded-postgres.js";
import { mkdtempSync } from "node:fs";
const log = createLogger({ level: "warn" });
for (const kind of ["real", "embedded"]) {
  const emb = kind === "embedded" ? await startEmbeddedPostgres(mkdtempSync("/tmp/ops-exp/gw-") + "/pglite", "bullmq") : undefined;
  const url = emb?.url ?? "postgresql://postgres@127.0.0.1:5432/test";
  const queues = await openQueues({ backend: "postgres", prefix: "gw", pool: poolConfigFromUrl(url, 4), schema: kind === "real" ? "gwtest" : "bullmq", embedded: !!emb }, log);
  for (const q of ["gwa", "gwb", "gwc"]) await queues.worker(q, async () => undefined).waitUntilReady();
  await new Promise((r) => setTimeout(r, 500));
  for (const q of ["gwa", "gwb", "gwc"]) console.log(kind, q, await queues.queue(q).getWorkers());
  await queues.close();
  await emb?.stop();
}
