import type pg from "pg";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/** The Prisma client that core functions receive; nothing imports a global client. */
export type Db = PrismaClient;
/** A client inside `db.$transaction(async tx => …)`. */
export type Tx = Prisma.TransactionClient;
/** Either: functions that write a single statement accept both. */
export type DbOrTx = Db | Tx;

/** A transaction opened by {@link sqlTransaction}: only {@link sql} (and functions built on it) run in it. */
export type SqlTx = { readonly sqlTransaction: true };
/** Where {@link sql} can run a statement. */
export type Queryable = DbOrTx | SqlTx;

const pools = new WeakMap<object, pg.Pool>();
const clients = new WeakMap<object, pg.PoolClient | Tx>();

/** Tells {@link sql} which connection pool a client runs on (the pool Prisma's adapter uses too). */
export function sharePool(db: Db, pool: pg.Pool): void {
  pools.set(db, pool);
}

/**
 * Runs one SQL statement with `$1…` parameters, for the statements every update, click or message runs.
 * Outside a transaction it goes straight to the pool: Prisma's query path costs 0.1–0.3 ms of CPU a
 * call, more than most of these statements. In a transaction it runs on the transaction's connection.
 * Columns come back as node-postgres returns them (int8 as a string).
 */
export async function sql<Row>(db: Queryable, text: string, values: unknown[]): Promise<Row[]> {
  const pool = pools.get(db);
  if (pool) return (await pool.query(text, values)).rows as Row[];
  const client = clients.get(db) ?? (db as DbOrTx);
  if ("release" in client) return (await client.query(text, values)).rows as Row[];
  return client.$queryRawUnsafe<Row[]>(text, ...values);
}

/**
 * A transaction for hot paths written with {@link sql}: on a connection of the shared pool, without
 * Prisma's interactive-transaction machinery; on a client without a shared pool, inside `$transaction`.
 */
export async function sqlTransaction<T>(db: Db, work: (tx: SqlTx) => Promise<T>): Promise<T> {
  const tx: SqlTx = { sqlTransaction: true };
  const pool = pools.get(db);
  if (!pool) {
    return db.$transaction(async (prismaTx) => {
      clients.set(tx, prismaTx);
      return work(tx);
    });
  }
  const client = await pool.connect();
  clients.set(tx, client);
  try {
    await client.query("BEGIN");
    const result = await work(tx);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    clients.delete(tx);
    client.release();
  }
}
