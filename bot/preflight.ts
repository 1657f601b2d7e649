import { createServer } from "node:net";
import { Redis } from "ioredis";
import pg from "pg";
import { StartupError, type Config } from "./config.js";
import { embeddedDir, embeddedHolder, heldProblem } from "./embedded-lock.js";

/** How long a server may take to answer the checks before start. */
const ANSWER_WITHIN_MS = 5000;

/**
 * Checks what the product needs from outside before anything is started: the HTTP port is free, PostgreSQL
 * (when `DATABASE_URL` is set) answers or else the embedded database is not in use, Redis (when `REDIS_URL` is
 * set) answers. Throws a StartupError otherwise.
 *
 * @example
 * await preflight(config); // StartupError: Port 3000 on 0.0.0.0 is in use …
 */
export async function preflight(config: Config): Promise<void> {
  if (config.http.port !== 0) await portIsFree(config.http.port, config.http.host);
  await databaseAnswers(config);
  if (config.queue.backend === "redis") await redisAnswers(config.queue.url);
}

/** PostgreSQL at `DATABASE_URL` answers, or the embedded database's folder is not held by another process. */
export async function databaseAnswers(config: Config): Promise<void> {
  if ("url" in config.database) return postgresAnswers(config.database.url);
  const dir = embeddedDir(config.database.dataDir);
  const holder = embeddedHolder(dir);
  if (holder) throw heldProblem(dir, holder);
}

/** The line for a port that something else listens on (also when listening fails later, at start). */
export function portProblem(port: number, host: string, error: unknown): StartupError | undefined {
  const code = errorCode(error);
  if (code === "EADDRINUSE") return new StartupError(`Port ${port} on ${host} is in use (is Brückenbot running already?): stop the program that listens there, or set PORT to a free port.`);
  if (code === "EACCES") return new StartupError(`Port ${port} on ${host} needs privileges this user does not have: set PORT to 1024 or higher (and put a reverse proxy on port ${port}).`);
  if (code === "EADDRNOTAVAIL") return new StartupError(`HOST ${host} is no address of this machine: set HOST to 0.0.0.0 (all addresses) or 127.0.0.1.`);
  return undefined;
}

async function portIsFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error) => reject(portProblem(port, host, error) ?? error));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

async function postgresAnswers(url: string): Promise<void> {
  const { host, port, user, database } = where(url, 5432);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: ANSWER_WITHIN_MS });
  client.on("error", () => undefined); // the failure is what connect() rejects with
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new StartupError(postgresProblem(error, { host, port, user, database }));
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresProblem(error: unknown, at: { host: string; port: number; user: string; database: string }): string {
  const server = `PostgreSQL at ${at.host}:${at.port}`;
  const startOne = "start PostgreSQL there (e.g. docker compose up -d postgres, or systemctl start postgresql), or leave DATABASE_URL empty to use the embedded database in DATA_DIR";
  const code = errorCode(error);
  if (code === "ECONNREFUSED") return `DATABASE_URL: nothing answers at ${at.host}:${at.port} (connection refused): ${startOne}.`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `DATABASE_URL: the host ${at.host} is unknown (${code}): correct the host in DATABASE_URL, or leave DATABASE_URL empty to use the embedded database in DATA_DIR.`;
  if (code === "28P01" || code === "28000") return `DATABASE_URL: ${server} refused the user ${at.user} (${message(error)}): correct the user and password in DATABASE_URL.`;
  if (code === "3D000") return `DATABASE_URL: ${server} has no database ${at.database}: create it (createdb -h ${at.host} -p ${at.port} -U ${at.user} ${at.database}), or name an existing one.`;
  if (/timeout/i.test(message(error)) || code === "ETIMEDOUT") return `DATABASE_URL: ${server} did not answer within ${ANSWER_WITHIN_MS / 1000} s (a firewall, or the wrong host?): ${startOne}.`;
  return `DATABASE_URL: ${server} cannot be used (${message(error)}): ${startOne}.`;
}

async function redisAnswers(url: string): Promise<void> {
  const { host, port } = where(url, 6379);
  let failure: unknown;
  // One attempt, no retries: the workers' own connections retry later; here only the first answer counts.
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: ANSWER_WITHIN_MS });
  client.on("error", (error: unknown) => {
    failure ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new StartupError(redisProblem(failure ?? error, host, port));
  } finally {
    client.disconnect();
  }
}

function redisProblem(error: unknown, host: string, port: number): string {
  const code = errorCode(error);
  const startOne = "start Redis there (e.g. docker compose up -d redis, or systemctl start redis-server), or leave REDIS_URL empty to keep the queues in PostgreSQL";
  if (code === "ECONNREFUSED") return `REDIS_URL: nothing answers at ${host}:${port} (connection refused): ${startOne}.`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `REDIS_URL: the host ${host} is unknown (${code}): correct the host in REDIS_URL, or leave REDIS_URL empty to keep the queues in PostgreSQL.`;
  if (/NOAUTH|WRONGPASS|AUTH/i.test(message(error))) return `REDIS_URL: Redis at ${host}:${port} refused the credentials (${message(error)}): correct the user and password in REDIS_URL.`;
  if (code === "ETIMEDOUT") return `REDIS_URL: Redis at ${host}:${port} did not answer within ${ANSWER_WITHIN_MS / 1000} s (a firewall, or the wrong host?): ${startOne}.`;
  return `REDIS_URL: Redis at ${host}:${port} cannot be used (${message(error)}): ${startOne}.`;
}

/** Host, port, user and database of a server URL, as the messages name them. */
function where(url: string, defaultPort: number): { host: string; port: number; user: string; database: string } {
  const u = new URL(url);
  return {
    host: u.searchParams.get("host") ?? (decodeURIComponent(u.hostname) || "localhost"),
    port: Number(u.port || defaultPort),
    user: decodeURIComponent(u.username || "postgres"),
    database: decodeURIComponent(u.pathname.slice(1) || "postgres"),
  };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") return code;
  // node-postgres and ioredis wrap a refused connection of several addresses (IPv4 and IPv6) in an AggregateError.
  if (error instanceof AggregateError) return error.errors.map(errorCode).find((c) => c !== undefined);
  return undefined;
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
