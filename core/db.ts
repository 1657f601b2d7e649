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

/** An open transaction: its client, and what to do once it has committed. */
type Open = { root: Db; afterCommit: (() => Promise<void>)[] };
const open = new WeakMap<object, Open>();

/**
 * `db.$transaction(work)` for core functions: the same, and what the work asked for with
 * {@link afterCommit} (queueing the outbox rows it wrote) runs once it has committed.
 */
export async function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const afterCommit: Open["afterCommit"] = [];
  const result = await db.$transaction(async (tx) => {
    open.set(tx, { root: db, afterCommit });
    return work(tx);
  });
  for (const action of afterCommit) await action();
  return result;
}

/**
 * A transaction for hot paths written with {@link sql}: on a connection of the shared pool, without
 * Prisma's interactive-transaction machinery; on a client without a shared pool, inside `$transaction`.
 */
export async function sqlTransaction<T>(db: Db, work: (tx: SqlTx) => Promise<T>): Promise<T> {
  const tx: SqlTx = { sqlTransaction: true };
  const pool = pools.get(db);
  if (!pool) {
    return transaction(db, async (prismaTx) => {
      clients.set(tx, prismaTx);
      open.set(tx, open.get(prismaTx) as Open);
      return work(tx);
    });
  }
  const afterCommit: Open["afterCommit"] = [];
  open.set(tx, { root: db, afterCommit });
  const client = await pool.connect();
  clients.set(tx, client);
  let result: T;
  try {
    await client.query("BEGIN");
    result = await work(tx);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    clients.delete(tx);
    client.release();
  }
  for (const action of afterCommit) await action();
  return result;
}

/**
 * Runs `action` with the client once what was just written through `db` is committed: at once outside a
 * transaction (each statement commits itself), after the commit inside one opened by {@link transaction}
 * or {@link sqlTransaction}; not at all if it rolls back.
 */
export async function afterCommit(db: Queryable, action: (root: Db) => Promise<void>): Promise<void> {
  const tx = open.get(db);
  if (tx) tx.afterCommit.push(() => action(tx.root));
  else await action(db as Db);
}

/** Whether `db` is a transaction opened by {@link transaction} or {@link sqlTransaction}. */
export function inTransaction(db: Queryable): boolean {
  return open.has(db);
}
