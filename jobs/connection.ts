import {
  createPostgresBackend,
  Queue,
  withBackend,
  Worker,
  type ConnectionOptions,
  type Processor,
  type QueueOptions,
  type WorkerOptions,
} from "bullmq";
import { Redis } from "ioredis";
import type pg from "pg";
import type { Logger } from "../ops/log.js";
import type { Metrics } from "../ops/metrics.js";
import { isOutage } from "../ops/outage.js";

/** Where the queues live. Nothing outside this file knows which one is in use. */
export type QueueBackendConfig =
  | { backend: "redis"; url: string; prefix: string }
  | {
      backend: "postgres";
      prefix: string;
      pool: pg.PoolConfig;
      schema: string;
      embedded: boolean;
      /** Runs a statement on the product's own pool (the queue board's worker list): no connection of its own. */
      sql: <Row>(text: string, values: unknown[]) => Promise<Row[]>;
    };

type WorkerSettings = Pick<WorkerOptions, "concurrency" | "limiter" | "lockDuration" | "stalledInterval" | "autorun">;

/** A worker consuming a queue, in any process, as the queue board lists it. */
export type QueueWorkerInfo = {
  /** The connection's id (Redis client id, PostgreSQL backend pid; in the embedded database, this process's). */
  id: string;
  /** The name the worker was given, or null. */
  name: string | null;
  /** `ip:port` the worker connects from. */
  addr: string;
  /** Seconds since its connection was opened. */
  age: number;
};

/** Creates queues and workers on the configured backend and closes them all at the end. */
export type Queues = {
  kind: "redis" | "postgres";
  queue: <Data>(name: string) => Queue<Data>;
  worker: <Data>(name: string, processor: Processor<Data>, settings?: WorkerSettings) => Worker<Data>;
  /** Throws when the backend cannot be reached. */
  ping: () => Promise<void>;
  /** The workers consuming a queue, in every process that shares the backend. */
  workersOf: (name: string) => Promise<QueueWorkerInfo[]>;
  /** Called when the backend is back after losing its connection (Redis restarted: its jobs may be gone). */
  onReconnect: (handler: () => Promise<void>) => void;
  /** Stops the workers (waiting for running jobs), then the producers and connections. */
  close: () => Promise<void>;
};

/**
 * Opens the queue backend: Redis when configured, else BullMQ's PostgreSQL backend in its own schema.
 *
 * Producers fail fast when Redis is down (`enableOfflineQueue: false`), so that a request is never
 * acknowledged on the strength of a job that was never queued; workers wait for Redis to come back
 * (`maxRetriesPerRequest: null`). Keys are namespaced with BullMQ's `prefix`.
 */
export async function openQueues(config: QueueBackendConfig, log: Logger, metrics?: Pick<Metrics, "jobs">): Promise<Queues> {
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  // The PostgreSQL backend watches its errors for an outage, to recover once the database answers again.
  let noteOutage: (error: Error) => void = () => undefined;
  const onError = (part: string) => (error: Error) => {
    log.error({ err: error, part }, "queue backend error");
    noteOutage(error);
  };
  const watch = (name: string, worker: Worker) => {
    worker.on("error", onError(`worker ${name}`));
    if (!metrics) return;
    worker.on("completed", () => metrics.jobs.inc({ queue: name, outcome: "completed" }));
    worker.on("failed", () => metrics.jobs.inc({ queue: name, outcome: "failed" }));
  };

  if (config.backend === "redis") {
    const producer = new Redis(config.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    producer.on("error", onError("redis producer"));
    await producer.connect();
    const workerConnection: ConnectionOptions = { ...redisOptions(config.url), maxRetriesPerRequest: null };
    const reconnectHandlers: (() => Promise<void>)[] = [];
    let lost = false;
    producer.on("close", () => {
      lost = true;
    });
    producer.on("ready", () => {
      if (!lost) return;
      lost = false;
      log.warn("redis is back; putting back schedules and lost jobs");
      for (const handler of reconnectHandlers) handler().catch((error: unknown) => log.error({ err: error }, "recovery after reconnect failed"));
    });
    const queue = <Data,>(name: string) => {
      let existing = queues.get(name) as Queue<Data> | undefined;
      if (!existing) {
        existing = new Queue<Data>(name, { connection: producer, prefix: config.prefix } as QueueOptions);
        existing.on("error", onError(`queue ${name}`));
        queues.set(name, existing as Queue);
      }
      return existing;
    };
    return {
      kind: "redis",
      queue,
      worker: <Data,>(name: string, processor: Processor<Data>, settings: WorkerSettings = {}) => {
        const worker = new Worker<Data>(name, processor, { ...settings, connection: workerConnection, prefix: config.prefix });
        watch(name, worker as Worker);
        workers.push(worker as Worker);
        return worker;
      },
      ping: async () => {
        await producer.ping();
      },
      // BullMQ names each worker's blocking connection after its queue; CLIENT LIST says where it is and since when.
      workersOf: async (name) =>
        (await queue(name).getWorkers())
          .filter((client) => client.addr)
          .map((client) => ({ id: String(client.id ?? ""), name: null, addr: String(client.addr), age: Number(client.age) || 0 })),
      onReconnect: (handler) => {
        reconnectHandlers.push(handler);
      },
      close: async () => {
        await Promise.all(workers.map((w) => w.close()));
        await Promise.all([...queues.values()].map((q) => q.close()));
        producer.disconnect();
      },
    };
  }

  const Postgres = withBackend(createPostgresBackend);
  const connection = { ...config.pool, password: String(config.pool.password ?? ""), max: 3, schema: config.schema };
  // One connection creates or upgrades BullMQ's schema before the others only check its version.
  const bootstrap = new Postgres.Queue("bootstrap", { connection: { ...connection, migrate: true } });
  bootstrap.on("error", onError("postgres bootstrap"));
  await bootstrap.waitUntilReady();
  // Workers wake on NOTIFY (on PGlite relayed between connections by bot/embedded-postgres.ts); a short
  // poll on the embedded database covers a notification that slipped between two queries.
  const drainDelay = config.embedded ? 1 : 5;
  const started = new Map<Worker, number>();
  // BullMQ lists a PostgreSQL worker by its LISTEN connection's application_name, without the address and age a
  // board shows (so Bull Board said "No workers"); pg_stat_activity has them.
  const workersOf = async (name: string): Promise<QueueWorkerInfo[]> => {
    if (config.embedded) {
      // PGlite has one session for every connection, named after whichever worker named it last: only this
      // process can use the embedded database, so its own workers are all there are.
      return workers
        .filter((worker) => worker.name === name && worker.isRunning())
        .map((worker, i) => ({ id: `${process.pid}.${i + 1}`, name: null, addr: "this process", age: Math.round((Date.now() - (started.get(worker) ?? Date.now())) / 1000) }));
    }
    const rows = await config.sql<{ pid: number; addr: string | null; port: number | null; age: number }>(
      `SELECT pid, host(client_addr) AS addr, client_port AS port, EXTRACT(EPOCH FROM now() - backend_start)::int AS age
         FROM pg_stat_activity WHERE datname = current_database() AND (application_name = $1 OR application_name LIKE $1 || ':w:%') ORDER BY backend_start`,
      [name],
    );
    return rows.map((row) => ({ id: String(row.pid), name: null, addr: row.addr ? `${row.addr}:${row.port ?? ""}` : "local socket", age: row.age }));
  };
  // A job scheduler whose next run could not be written during an outage (the outbox sweep!) would never
  // fire again: once the database answers, the schedules are put back, as after a Redis restart.
  const reconnectHandlers: (() => Promise<void>)[] = [];
  let probe: NodeJS.Timeout | undefined;
  let closed = false;
  const probeUntilBack = () => {
    probe = setTimeout(() => {
      bootstrap.getJobCounts("waiting").then(
        () => {
          probe = undefined;
          log.warn("postgresql is back; putting back schedules and lost jobs");
          for (const handler of reconnectHandlers) handler().catch((error: unknown) => log.error({ err: error }, "recovery after reconnect failed"));
        },
        () => {
          if (!closed) probeUntilBack();
        },
      );
    }, 1000);
    probe.unref();
  };
  noteOutage = (error) => {
    if (!closed && probe === undefined && isOutage(error)) probeUntilBack();
  };
  return {
    kind: "postgres",
    queue: <Data,>(name: string) => {
      let queue = queues.get(name) as Queue<Data> | undefined;
      if (!queue) {
        queue = new Postgres.Queue<Data>(name, { connection }) as unknown as Queue<Data>;
        queue.on("error", onError(`queue ${name}`));
        queues.set(name, queue as Queue);
      }
      return queue;
    },
    worker: <Data,>(name: string, processor: Processor<Data>, settings: WorkerSettings = {}) => {
      const worker = new Postgres.Worker<Data>(name, processor, { ...settings, connection, drainDelay }) as unknown as Worker<Data>;
      watch(name, worker as Worker);
      workers.push(worker as Worker);
      started.set(worker as Worker, Date.now());
      return worker;
    },
    ping: async () => {
      await bootstrap.getJobCounts("waiting");
    },
    workersOf,
    onReconnect: (handler) => {
      reconnectHandlers.push(handler);
    },
    close: async () => {
      closed = true;
      clearTimeout(probe);
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await bootstrap.close();
    },
  };
}

function redisOptions(url: string): { host: string; port: number; username?: string; password?: string; db?: number; tls?: object } {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
  };
}
