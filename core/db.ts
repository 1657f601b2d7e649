import type pg from "pg";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/** The Prisma client that core functions receive; nothing imports a global client. */
export type Db = PrismaClient;
/** A client inside `db.$transaction(async tx => …)`. */
export type Tx = Prisma.TransactionClient;
/** Either: functions that write a single statement accept both. */
export type DbOrTx = Db | Tx;

const pools = new WeakMap<object, pg.Pool>();

/** Tells {@link sql} which connection pool a client runs on (the pool Prisma's adapter uses too). */
export function sharePool(db: Db, pool: pg.Pool): void {
  pools.set(db, pool);
}

/**
 * Runs one SQL statement with `$1…` parameters, for the statements every update or message runs.
 * Outside a transaction it goes straight to the pool: Prisma's raw-query path costs about 0.2 ms of CPU a
 * call, more than the statement itself. Inside a transaction it runs on the transaction's connection.
 * Columns come back as node-postgres returns them (int8 as a string).
 */
export async function sql<Row>(db: DbOrTx, text: string, values: unknown[]): Promise<Row[]> {
  const pool = pools.get(db);
  if (pool) return (await pool.query(text, values)).rows as Row[];
  return db.$queryRawUnsafe<Row[]>(text, ...values);
}
