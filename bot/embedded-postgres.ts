import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";
import { hold, lockFile } from "./embedded-lock.js";

/** Protocol messages that open or continue an extended-query batch, which only a Sync ('S') ends. */
const EXTENDED_QUERY_MESSAGES = new Set(["P", "B", "D", "E", "C", "H"].map((c) => c.charCodeAt(0)));
const SIMPLE_QUERY = "Q".charCodeAt(0);
const NOTIFICATION = "A".charCodeAt(0);

type Pending = {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
};

/**
 * Serialises every socket onto PGlite's single session.
 *
 * pglite-socket's own queue keeps a connection's turn only inside an explicit transaction; between a
 * Parse and its Sync another connection's Parse could replace the unnamed statement. This queue also
 * keeps the turn until the batch is synced, which node-postgres relies on for every parameterised query.
 */
class SessionQueue {
  private readonly waiting: Pending[] = [];
  private running = false;
  private owner: number | undefined;
  /** Connections that ran LISTEN, by channel, and how to write to each of them. */
  private readonly listeners = new Map<string, Set<number>>();
  private readonly writers = new Map<number, (data: Uint8Array) => void>();

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  /**
   * LISTEN/NOTIFY across connections. PGlite has one session, so a NOTIFY's notification comes back on
   * the connection whose transaction sent it; it is passed on to the connections that listen on its
   * channel (BullMQ's workers wait for new jobs this way instead of sleeping until their next delayed job).
   */
  private noteListen(handlerId: number, message: Uint8Array): void {
    if (message[0] !== SIMPLE_QUERY) return;
    const sql = Buffer.from(message.subarray(5)).toString("utf8");
    for (const match of sql.matchAll(/\bLISTEN\s+"?([\w.]+)"?/gi)) {
      const channel = match[1] ?? "";
      const handlers = this.listeners.get(channel) ?? new Set<number>();
      handlers.add(handlerId);
      this.listeners.set(channel, handlers);
    }
  }

  private forwardNotifications(from: number, output: Buffer): void {
    for (let i = 0; i + 5 <= output.length; ) {
      const length = output.readInt32BE(i + 1);
      if (output[i] === NOTIFICATION && i + 1 + length <= output.length) {
        const message = output.subarray(i, i + 1 + length);
        const channel = message.subarray(9, message.indexOf(0, 9)).toString("utf8");
        for (const handlerId of this.listeners.get(channel) ?? []) {
          if (handlerId !== from) this.writers.get(handlerId)?.(new Uint8Array(message));
        }
      }
      i += 1 + length;
    }
  }

  clearQueueForHandler(handlerId: number): void {
    this.writers.delete(handlerId);
    for (const handlers of this.listeners.values()) handlers.delete(handlerId);
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const item = this.waiting[i];
      if (item?.handlerId === handlerId) {
        this.waiting.splice(i, 1);
        item.reject(new Error("connection closed"));
      }
    }
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    this.owner = undefined;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner === undefined ? 0 : this.waiting.findIndex((p) => p.handlerId === this.owner);
        const next = index === -1 ? undefined : this.waiting.splice(index, 1)[0];
        if (!next) return;
        let bytes = 0;
        const output: Uint8Array[] = [];
        this.writers.set(next.handlerId, next.onData);
        this.noteListen(next.handlerId, next.message);
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(next.message, {
              onRawData: (data) => {
                bytes += data.length;
                output.push(data);
                next.onData(data);
              },
            }),
          );
          this.forwardNotifications(next.handlerId, Buffer.concat(output));
          const type = next.message[0] ?? 0;
          const batchOpen = EXTENDED_QUERY_MESSAGES.has(type);
          this.owner = batchOpen || this.db.isInTransaction() ? next.handlerId : undefined;
          next.resolve(bytes);
        } catch (error) {
          next.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * postgresql.conf of the embedded database (written at every start). PostgreSQL's 128 MB of shared buffers
 * live in PGlite's Wasm memory, in this process: a demo's few megabytes of data need far less.
 */
export const EMBEDDED_SETTINGS = ["shared_buffers = 16MB", "maintenance_work_mem = 16MB"];

/**
 * Creates the folder of a new embedded database, unless it exists: in a process of its own, because PGlite's
 * initdb runs two more PostgreSQL instances in Wasm (some 800 MB for 10–30 s) that the program would otherwise
 * keep long after (Wasm memory goes back only with the garbage). main.ts calls it before loading the rest.
 */
export async function prepareEmbeddedPostgres(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, "PG_VERSION"))) return;
  mkdirSync(dataDir, { recursive: true });
  const release = hold(dataDir);
  try {
    await initialise(dataDir);
  } finally {
    release();
  }
}

async function initialise(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, "PG_VERSION"))) return;
  // embedded-init.ts under tsx, embedded-init.js in dist/: beside this file, with this process's loader and flags.
  const script = fileURLToPath(new URL(`./embedded-init${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  await promisify(execFile)(process.execPath, [...process.execArgv, script, dataDir], { timeout: 300_000 });
}

/** A PGlite database in a folder, served on 127.0.0.1 to the PostgreSQL clients of this process. */
export type EmbeddedPostgres = {
  url: string;
  stop: () => Promise<void>;
};

/**
 * Starts PGlite (data kept in `dataDir`) behind a PostgreSQL wire-protocol socket on a free port, so
 * that Prisma, BullMQ's PostgreSQL backend and the Prisma CLI use it exactly like a real server.
 *
 * @example
 * const pg = await startEmbeddedPostgres(".data/pglite");
 * process.env.DATABASE_URL = pg.url;
 */
export async function startEmbeddedPostgres(dataDir: string, queueSchema: string): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const release = hold(dataDir);
  await initialise(dataDir).catch((error: unknown) => {
    release();
    throw error;
  });
  const db = await PGlite.create(dataDir, { postgresqlconf: EMBEDDED_SETTINGS }).catch((error: unknown) => {
    release();
    throw error;
  });
  // All connections share PGlite's one session, where a client's startup `search_path` is not applied:
  // public first (Prisma's tables), then the queue schema for BullMQ's unqualified names.
  await db.exec(`CREATE SCHEMA IF NOT EXISTS "${queueSchema}"; SET search_path TO public, "${queueSchema}";`);
  const queue = new SessionQueue(db);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const handler = new PGLiteSocketHandler({
      queryQueue: queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]["queryQueue"],
      closeOnDetach: true,
    });
    handler.attach(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  // Scripts (npm run db:seed) reach the database through this process while it runs.
  writeFileSync(lockFile(dataDir), JSON.stringify({ pid: process.pid, url }));
  return {
    url,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
      release();
    },
  };
}
