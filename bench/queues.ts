import { createPostgresBackend, Queue, QueueEvents, withBackend, Worker, type Processor } from "bullmq";
import { poolConfigFromUrl, QUEUE_SCHEMA } from "../bot/database.js";
import pg from "pg";
import { benchRedisUrl, sleep } from "./support.js";

export type Backend = "redis" | "postgres";

/** Where the product's (or the baseline's) queues are: a Redis prefix, or a schema of a PostgreSQL database. */
export type QueuePlace = { backend: "redis"; prefix: string } | { backend: "postgres"; databaseUrl: string; schema?: string };

/** BullMQ's classes bound to one place, so that the benchmark can watch and drive queues on either backend. */
export function queueKit(place: QueuePlace) {
  if (place.backend === "redis") {
    const u = new URL(benchRedisUrl());
    const connection = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
    return {
      queue: <T>(name: string) => new Queue<T>(name, { connection, prefix: place.prefix }),
      worker: <T>(name: string, processor: Processor<T>, concurrency: number) => new Worker<T>(name, processor, { connection, prefix: place.prefix, concurrency }),
      events: (name: string) => new QueueEvents(name, { connection, prefix: place.prefix }),
    };
  }
  const Postgres = withBackend(createPostgresBackend);
  const connection = { ...poolConfigFromUrl(place.databaseUrl, 3), password: "", schema: place.schema ?? QUEUE_SCHEMA, migrate: true };
  return {
    queue: <T>(name: string) => new Postgres.Queue<T>(name, { connection }) as unknown as Queue<T>,
    worker: <T>(name: string, processor: Processor<T>, concurrency: number) =>
      new Postgres.Worker<T>(name, processor, { connection, concurrency, drainDelay: 5 }) as unknown as Worker<T>,
    events: (name: string) => new Postgres.QueueEvents(name, { connection }) as unknown as QueueEvents,
  };
}

/**
 * When each job was added to a queue, by job id, to the millisecond: on Redis from the events stream's
 * entry ids (Redis's clock), on PostgreSQL from the event table's `created_at_ms` (the database's clock),
 * read every 100 ms (its notifications do not cover jobs added in bulk, which would delay QueueEvents).
 */
export async function watchAdded(place: QueuePlace, name: string): Promise<{ times: Map<string, number>; close: () => Promise<void> }> {
  const times = new Map<string, number>();
  if (place.backend === "redis") {
    const events = queueKit(place).events(name);
    events.on("added", ({ jobId }, id) => {
      if (!times.has(jobId)) times.set(jobId, Number(id.split("-")[0]));
    });
    await events.waitUntilReady();
    return { times, close: () => events.close() };
  }
  const pool = new pg.Pool(poolConfigFromUrl(place.databaseUrl, 1));
  const schema = place.schema ?? QUEUE_SCHEMA;
  // Events commit in any order, so each read looks two seconds back; seen jobs are skipped.
  let since = Date.now();
  const read = async () => {
    const { rows } = await pool.query<{ job: string; at: string }>(
      `SELECT data->>'jobId' AS job, created_at_ms::text AS at FROM "${schema}".event WHERE queue = $1 AND event = 'added' AND created_at_ms > $2::bigint`,
      [name, since - 2000],
    );
    for (const row of rows) {
      const at = Number(row.at);
      if (!times.has(row.job)) times.set(row.job, at);
      since = Math.max(since, at);
    }
  };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await read().catch(() => undefined);
      await sleep(100);
    }
  })();
  return {
    times,
    close: async () => {
      stopped = true;
      await loop;
      await read().catch(() => undefined);
      await pool.end();
    },
  };
}
