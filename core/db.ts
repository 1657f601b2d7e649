import type pg from "pg";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { Told } from "./outbox.js";

/**
 * Runs one SQL statement with `$1…` parameters. For the statements every update, click or message runs:
 * Prisma's query path costs 0.1–0.6 ms of CPU a call, more than most of these statements. Columns come back
 * as node-postgres returns them (int8 as a string): cast in SQL (`::text`, `::int`) where it matters.
 */
export type Sql = <Row>(text: string, values: unknown[]) => Promise<Row[]>;

/** Where a unit of work runs its statements: the database itself, or an open transaction. */
export interface Queryable {
  sql: Sql;
  /**
   * Outbox rows just written here: they are handed to the queues once committed – at once outside a
   * transaction, after the commit inside one (all rows of a transaction together), never on a rollback.
   */
  told(rows: Told[]): Promise<void>;
}

/** A transaction opened by {@link Database.transaction}: Prisma for it, and plain SQL on the same connection. */
export interface Tx extends Queryable {
  prisma: Prisma.TransactionClient;
}

/**
 * The database as core receives it, built once by the composition root: Prisma for the domain, plain SQL on
 * the same connection pool for the hot paths, transactions of either kind, and where committed outbox rows go.
 */
export interface Database extends Queryable {
  prisma: PrismaClient;
  /** A transaction with Prisma and plain SQL on one connection. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** A transaction for hot paths written in SQL only: a pool connection, without Prisma's interactive-transaction machinery. */
  sqlTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Where committed outbox rows go (the queues' relay); rows told before this is set are left to the outbox sweep. */
  relayTo(relay: (rows: Told[]) => Promise<void>): void;
}

/** Reads and writes with Prisma: the database or a transaction. */
export type DbOrTx = Database | Tx;

/**
 * The {@link Database} on a Prisma client and the pg pool its adapter uses.
 *
 * @example
 * const database = createDatabase(new PrismaClient({ adapter: new PrismaPg(pool) }), pool);
 * database.relayTo(relay.dispatch);
 * await database.transaction(async (tx) => { await tx.prisma.meeting.update(…); await tell(tx, …); });
 */
export function createDatabase(prisma: PrismaClient, pool: pg.Pool, options: { namedStatements?: boolean } = {}): Database {
  // One session behind every connection (the embedded PGlite) would see one connection's names from another.
  const statement = options.namedStatements === false ? unnamed : named;
  let relay: ((rows: Told[]) => Promise<void>) | undefined;
  const handOver = async (rows: Told[]) => {
    if (rows.length > 0 && relay) await relay(rows);
  };
  const collector = (pending: Told[]) => async (rows: Told[]) => void pending.push(...rows);

  return {
    prisma,
    sql: async <Row>(text: string, values: unknown[]) => (await pool.query(statement(text, values))).rows as Row[],
    told: handOver,
    relayTo: (next) => {
      relay = next;
    },
    transaction: async (work) => {
      const pending: Told[] = [];
      const result = await prisma.$transaction(async (client) =>
        work({ prisma: client, sql: <Row>(text: string, values: unknown[]) => client.$queryRawUnsafe<Row[]>(text, ...values), told: collector(pending) }),
      );
      await handOver(pending);
      return result;
    },
    sqlTransaction: async (work) => {
      const pending: Told[] = [];
      const client = await pool.connect();
      // The server ending this connection while the transaction holds it (a restart) is told as an 'error'
      // event, which unheard would end the process: heard here, the next statement fails with it (an outage),
      // and the connection is not given back to the pool.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on("error", onError);
      let result;
      try {
        await client.query("BEGIN");
        result = await work({ sql: async <Row>(text: string, values: unknown[]) => (await client.query(statement(text, values))).rows as Row[], told: collector(pending) });
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackFailed: unknown) => {
          broken ??= rollbackFailed instanceof Error ? rollbackFailed : new Error(String(rollbackFailed));
        });
        throw error;
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
      await handOver(pending);
      return result;
    },
  };
}

/** How many distinct statements get a name (the product has a few dozen); any text beyond runs unnamed. */
const NAMED_STATEMENTS_MAX = 500;

/**
 * Gives each statement text a name, so that PostgreSQL parses and plans it once per connection instead of
 * on every call: for the hot statements planning cost more than running them (dispatch benchmark,
 * pg_stat_statements: 4.0 s planning against 2.9 s executing over 12,652 calls). One text, one name in the
 * whole process, on every connection. Texts beyond the first 500 run unnamed, so that statements built with varying text cannot pile up on the server. Off
 * for the embedded database (PGlite: one session behind every connection). A connection pooler in front
 * of PostgreSQL must keep prepared statements per client (PgBouncer 1.21+: `max_prepared_statements`).
 */
function statementNames(max = NAMED_STATEMENTS_MAX): (text: string, values: unknown[]) => pg.QueryConfig {
  const names = new Map<string, string>();
  return (text, values) => {
    let name = names.get(text);
    if (name === undefined && names.size < max) {
      name = `brb_${names.size}`;
      names.set(text, name);
    }
    return name === undefined ? { text, values } : { name, text, values };
  };
}

const named = statementNames();
const unnamed = (text: string, values: unknown[]): pg.QueryConfig => ({ text, values });
