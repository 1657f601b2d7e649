// npm run catalog:import -- <file.yaml|file.json|file.csv>: contact points and leisure offers, all or nothing.
import { readFileSync } from "node:fs";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { createDatabase } from "../core/db.js";
import { parse as parseCsv } from "csv-parse/sync";
import { parse as parseYaml } from "yaml";
import { PrismaClient } from "../generated/prisma/client.js";
import { importCatalog } from "../core/catalog.js";

/**
 * Reads a catalogue file. YAML and JSON have `contactPoints:` and `leisureOffers:` lists; a CSV file has a
 * `type` column (`contact` or `leisure`), list columns separated by `;` and booleans as `true`/`false`.
 */
export function readCatalogFile(path: string): unknown {
  const text = readFileSync(path, "utf8");
  if (!path.toLowerCase().endsWith(".csv")) return parseYaml(text);
  const rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const lists = new Set(["categories", "languages", "interests", "times"]);
  const entry = (row: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([key, value]) => key !== "type" && value !== "")
        .map(([key, value]) => [key, lists.has(key) ? value.split(";").map((v) => v.trim()).filter(Boolean) : key === "exampleData" ? value === "true" : value]),
    );
  return {
    contactPoints: rows.filter((r) => r.type === "contact").map(entry),
    leisureOffers: rows.filter((r) => r.type === "leisure").map(entry),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // npm run catalog:import -- catalog.yaml [network slug]; the configuration's network by default.
  const [path, slug = process.env.NETWORK_SLUG ?? "beckum"] = process.argv.slice(2);
  const url = process.env.DATABASE_URL;
  if (!path || !url) {
    console.error("usage: DATABASE_URL=postgresql://… npm run catalog:import -- catalog.yaml [network]");
    process.exit(2);
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const network = await prisma.network.findUnique({ where: { slug }, select: { id: true } });
  const result = network ? await importCatalog(createDatabase(prisma, pool), network.id, readCatalogFile(path)) : undefined;
  await prisma.$disconnect();
  await pool.end();
  if (!result) {
    console.error(`${slug}: no such network (npm run networks -- list)`);
    process.exit(1);
  }
  if (result.kind === "invalid") {
    console.error(`Nothing was imported. ${result.problems.length} problem(s):`);
    for (const problem of result.problems) console.error(`  ${problem}`);
    process.exit(1);
  }
  console.log(`Imported ${result.contactPoints} contact points and ${result.leisureOffers} leisure offers into ${slug}.`);
}
