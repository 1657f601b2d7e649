import { mkdirSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";

/** Protocol messages that open or continue an extended-query batch, which only a Sync ('S') ends. */
const EXTENDED_QUERY_MESSAGES = new Set(["P", "B", "D", "E", "C", "H"].map((c) => c.charCodeAt(0)));

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

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  clearQueueForHandler(handlerId: number): void {
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
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(next.message, {
              onRawData: (data) => {
                bytes += data.length;
                next.onData(data);
              },
            }),
          );
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
  const db = await PGlite.create(dataDir);
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
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
