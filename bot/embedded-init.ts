// Creates the embedded database's folder (PGlite's initdb) and exits; started by embedded-postgres.ts.
import { PGlite } from "@electric-sql/pglite";
import { EMBEDDED_SETTINGS } from "./embedded-postgres.js";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: embedded-init <data dir>");
const db = await PGlite.create(dataDir, { postgresqlconf: EMBEDDED_SETTINGS });
await db.close();
