// Prisma's CLI on machines that cannot download engine binaries: every migrate command runs through
// the Wasm schema engine bundled in the `prisma` package, talking to PostgreSQL through adapter-pg.
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import pg from "pg";

process.env.CHECKPOINT_DISABLE ??= "1";
// Without a URL Prisma 6 silently falls back to the library engine and tries a download.
const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/brueckenbot";
process.env.DATABASE_URL = url;

// The Wasm schema engine arms a 10 s lock timeout and never clears it, so `migrate deploy` would
// idle 10 s after finishing: such timers must not keep the CLI alive.
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = ((handler: () => void, ms?: number) => {
  const timer = setTimeoutOriginal(handler, ms);
  if ((ms ?? 0) >= 10_000) timer.unref();
  return timer;
}) as typeof setTimeout;

/** Discrete fields, not `connectionString`: pg lets a connection string override `database`. */
function poolConfig(databaseUrl: string): pg.PoolConfig {
  const u = new URL(databaseUrl);
  return {
    // libpq's convention: `?host=/var/run/postgresql` connects through the server's Unix socket.
    host: u.searchParams.get("host") ?? decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "postgres"),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1) || "postgres"),
    allowExitOnIdle: true, // the CLI would otherwise hang ~10 s on idle connections
    idleTimeoutMillis: 100,
  };
}

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type Field = { dataTypeID: number };

// prisma/orm#27403: introspection returns catalog types `name` (19) and `"char"` (18) and their
// arrays, which adapter-pg cannot decode; they are plain text to the schema engine.
const catalogTypeAsText: Record<number, number> = { 19: 25, 18: 25, 1003: 1009, 1002: 1009 };
let performIOPatched = false;
function patchCatalogTypes(adapter: Adapter): void {
  if (performIOPatched) return;
  const queryable = Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as {
    performIO: (query: unknown) => Promise<{ fields?: Field[] } | { fields?: Field[] }[]>;
  };
  const original = queryable.performIO;
  queryable.performIO = async function (this: unknown, query: unknown) {
    const result = await original.call(this, query);
    // A multi-statement script (a migration applied to the shadow database) yields one result each.
    for (const each of Array.isArray(result) ? result : [result]) {
      for (const field of each.fields ?? []) field.dataTypeID = catalogTypeAsText[field.dataTypeID] ?? field.dataTypeID;
    }
    return result;
  };
  performIOPatched = true;
}

// adapter-pg's executeScript splits a migration on `;`, which breaks `$$` bodies and `';'` literals:
// send the whole script as one simple query instead.
function wholeScripts(adapter: Adapter, pool: pg.Pool): Adapter {
  adapter.executeScript = async (script: string) => {
    await pool.query(script);
  };
  return adapter;
}

class MigrationAdapterFactory extends PrismaPg {
  constructor(private readonly cfg: pg.PoolConfig) {
    super(cfg);
  }

  override async connect(): Promise<Adapter> {
    const pool = new pg.Pool(this.cfg);
    const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    patchCatalogTypes(adapter);
    return wholeScripts(adapter, pool);
  }

  // adapter-pg drops its shadow database before closing that database's pool ("being accessed by
  // other users"): close the pool first, then drop with FORCE.
  override async connectToShadowDb(): Promise<Adapter> {
    const database = `prisma_shadow_${randomUUID().replaceAll("-", "")}`;
    const admin = new pg.Pool(this.cfg);
    await admin.query(`CREATE DATABASE "${database}"`);
    const pool = new pg.Pool({ ...this.cfg, database });
    const adapter = await new PrismaPg(pool).connect();
    patchCatalogTypes(adapter);
    wholeScripts(adapter, pool);
    adapter.dispose = async () => {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    };
    return adapter;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  adapter: async () => new MigrationAdapterFactory(poolConfig(url)),
});
