// npm run networks -- import networks.yaml | list | code <slug>
import { readFileSync } from "node:fs";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { parse as parseYaml } from "yaml";
import { createDatabase } from "../core/db.js";
import { importNetworks, newSetupCode } from "../core/networks.js";
import { PrismaClient } from "../generated/prisma/client.js";

const USAGE = `usage: DATABASE_URL=postgresql://… npm run networks -- <command>
  import <file.yaml>   create or update the networks in the file (towns, counties, districts)
  list                 the networks, their deep links and whether a Slack workspace is linked
  code <slug>          a one-time code (14 days) with which a coordinator links their Slack workspace`;

const [command, argument] = process.argv.slice(2);
const url = process.env.DATABASE_URL;
if (!url || !command) {
  console.error(url ? USAGE : `DATABASE_URL: required\n${USAGE}`);
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: url, max: 2 });
const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
const db = createDatabase(prisma, pool);
let exitCode = 0;
try {
  if (command === "import" && argument) {
    const result = await importNetworks(db, parseYaml(readFileSync(argument, "utf8")));
    if (result.kind === "invalid") {
      console.error(`Nothing was imported. ${result.problems.length} problem(s):`);
      for (const problem of result.problems) console.error(`  ${problem}`);
      exitCode = 1;
    } else {
      console.log(`Created ${result.created.length} (${result.created.join(", ") || "none"}), updated ${result.updated.length}.`);
    }
  } else if (command === "list") {
    const networks = await prisma.network.findMany({ orderBy: [{ kind: "desc" }, { name: "asc" }], include: { parent: { select: { slug: true } } } });
    for (const n of networks) {
      console.log([n.slug.padEnd(20), n.name.padEnd(24), n.kind.padEnd(7), (n.parent?.slug ?? "").padEnd(16), n.slackTeamId ? `Slack ${n.slackTeamId}` : "no Slack yet"].join(" "));
    }
  } else if (command === "code" && argument) {
    const code = await newSetupCode(db, argument);
    if (!code) {
      console.error(`${argument}: no such network (npm run networks -- list)`);
      exitCode = 1;
    } else {
      console.log(`Setup code for ${argument}: ${code}\nValid for 14 days, once. In Slack, after adding the app: open Brückenbot's Home tab and choose "Link this workspace".`);
    }
  } else {
    console.error(USAGE);
    exitCode = 2;
  }
} finally {
  await prisma.$disconnect();
  await pool.end();
}
process.exit(exitCode);
