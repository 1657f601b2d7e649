/**
 * Telling an outage (PostgreSQL unreachable, restarting, or its pool out of connections) from a bug: an
 * outage passes, so the work that met it is kept and tried again; a bug would fail again and is not.
 */

/** Socket errors and PostgreSQL's "connection exception" (08…) and "operator intervention" (57P…) classes. */
const OUTAGE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN", "57P01", "57P02", "57P03"]);
/** Prisma's codes for an unreachable server, a closed connection and a pool that gave no connection in time. */
const PRISMA_OUTAGE_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);
const OUTAGE_MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /timeout exceeded when trying to connect/i,
  /connection (refused|reset)/i,
  /can't reach database server/i,
  /server closed the connection unexpectedly/i,
  /Client has encountered a connection error/i,
];

/**
 * Whether `error` (or any error it wraps) says that a dependency is out of reach rather than that the
 * work is wrong.
 *
 * @example
 * isOutage(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })); // true
 */
export function isOutage(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== null && typeof e === "object" && !seen.has(e); ) {
    seen.add(e);
    const { code, message, cause, originalCode } = e as { code?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
    if (typeof code === "string" && (OUTAGE_CODES.has(code) || PRISMA_OUTAGE_CODES.has(code) || code.startsWith("08"))) return true;
    if (typeof originalCode === "string" && (OUTAGE_CODES.has(originalCode) || originalCode.startsWith("08"))) return true;
    if (typeof message === "string" && OUTAGE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    // AggregateError (a connection refused on IPv4 and IPv6) and driver adapters keep the cause inside.
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.some((x) => isOutage(x))) return true;
    e = cause;
  }
  return false;
}

/** How long to wait before attempt `attempt` (1, 2, …): doubling from 200 ms up to 5 s, with jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(5000, 200 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
