import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// What docs/operations.md promises about the Dockerfile, compose.yaml and the systemd unit, checked
// without a container engine, so that a change elsewhere cannot silently break the packaging.

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string | string[];
  deploy?: { replicas?: number | string };
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
};

const compose = parse(readFileSync("compose.yaml", "utf8"), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`compose.yaml has no service ${name}`);
  return found;
};

/** Dockerfile instructions (continuation lines joined), split into build stages. */
const stages = readFileSync("Dockerfile", "utf8")
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"))
  .reduce<string[][]>((all, line) => {
    if (line.startsWith("FROM ")) all.push([]);
    all.at(-1)?.push(line);
    return all;
  }, []);
const runtime = stages.at(-1) ?? [];
const instruction = (name: string) => runtime.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1));

const startProd = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts["start:prod"] ?? "";
const isAssignment = (word: string) => /^[A-Z_]+=/.test(word);
/** `node <flags> dist/bot/main.js` of `npm run start:prod`, and the environment it sets. */
const productionCommand = startProd.split(" ").filter((word) => !isAssignment(word));
const productionEnvironment = startProd.split(" ").filter(isAssignment);

describe("the container image", () => {
  it("runs as an unprivileged user", () => {
    const user = instruction("USER").at(-1);
    expect(user).toBeDefined();
    expect(["root", "0", "0:0"]).not.toContain(user);
  });

  it("checks its health at /readyz", () => {
    expect(instruction("HEALTHCHECK").join(" ")).toMatch(/CMD .*\/readyz/);
  });

  it("starts the program as npm run start:prod does, in production mode", () => {
    expect(JSON.parse(instruction("CMD").at(-1) ?? "[]")).toEqual(productionCommand);
    const env = instruction("ENV").join(" ");
    expect(env).toMatch(/NODE_ENV=production/);
    for (const assignment of productionEnvironment) expect(env).toContain(assignment);
  });

  it("holds every directory the program reads at run time", () => {
    const copied = instruction("COPY").join(" ");
    // Files found through projectPath(…) (core/paths.ts), and what `migrate deploy` reads.
    const read = new Set(["prisma", "prisma.config.ts", "package.json", "dist"]);
    // The sources of the build, as tsconfig.build.json names them (directories and single files).
    const built = (JSON.parse(readFileSync("tsconfig.build.json", "utf8")) as { include: string[] }).include;
    const sources = built.flatMap((entry) =>
      entry.endsWith(".ts") ? [entry] : readdirSync(entry, { recursive: true, encoding: "utf8" }).map((file) => path.join(entry, file)),
    );
    for (const file of sources.filter((f) => f.endsWith(".ts"))) {
      for (const match of readFileSync(file, "utf8").matchAll(/projectPath\(((?:"[^"]+",?\s*)+)\)/g)) {
        read.add([...(match[1] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]).join("/"));
      }
    }
    expect(read).toContain("locales");
    for (const entry of read) expect(copied, entry).toMatch(new RegExp(`(^|\\s|/)${entry.split("/")[0]}(/|\\s|$)`));
  });

  it("leaves secrets and local state out of the build context", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split("\n");
    for (const entry of [".env", ".data", "node_modules", ".git"]) expect(ignored).toContain(entry);
  });
});

describe("compose.yaml", () => {
  it("has PostgreSQL 16, Redis 7, a one-shot migration and the bot", () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["postgres", "redis", "migrate", "bot"]));
    expect(service("postgres").image).toMatch(/^postgres:16/);
    expect(service("redis").image).toMatch(/^redis:7/);
  });

  it("keeps every Redis key (noeviction) and writes the append-only file", () => {
    const command = (service("redis").command ?? []).join(" ");
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toMatch(/--appendonly yes/);
  });

  it("migrates once with the bot's own image before any bot starts", () => {
    const migrate = service("migrate");
    const bot = service("bot");
    expect(migrate.image).toBe(bot.image);
    expect((migrate.command ?? []).join(" ")).toMatch(/prisma migrate deploy$/);
    expect(migrate.restart).toBe("no");
    expect(migrate.depends_on?.postgres?.condition).toBe("service_healthy");
    expect(bot.depends_on?.migrate?.condition).toBe("service_completed_successfully");
    expect(bot.depends_on?.postgres?.condition).toBe("service_healthy");
    expect(bot.depends_on?.redis?.condition).toBe("service_healthy");
  });

  it("runs two bot replicas that share the queues in Redis", () => {
    const bot = service("bot");
    const replicas = String(bot.deploy?.replicas ?? 1).replace(/^\$\{\w+:-(\d+)\}$/, "$1");
    expect(Number(replicas)).toBe(2);
    expect(bot.environment?.REDIS_URL).toBe("redis://redis:6379");
    expect(bot.environment?.NODE_ENV).toBe("production");
    expect(bot.env_file).toBe(".env");
  });

  it("checks the health of PostgreSQL, Redis and the bot (/readyz)", () => {
    expect(service("postgres").healthcheck?.test?.join(" ")).toMatch(/pg_isready/);
    expect(service("redis").healthcheck?.test?.join(" ")).toMatch(/ping/);
    expect(service("bot").healthcheck?.test?.join(" ")).toMatch(/\/readyz/);
  });
});

describe("the systemd unit", () => {
  const unit = readFileSync("deploy/brueckenbot.service", "utf8");
  const settings = new Map<string, string>();
  for (const line of unit.split("\n")) {
    const match = /^(\w+)=(.*)$/.exec(line);
    if (match?.[1]) settings.set(match[1], match[2] ?? "");
  }

  it("runs the program as start:prod does, after the migrations, as its own user", () => {
    expect(settings.get("ExecStart")?.split(" ").slice(1)).toEqual(productionCommand.slice(1));
    expect(settings.get("ExecStartPre")).toMatch(/prisma.* migrate deploy$/);
    expect(settings.get("User")).toBe("brueckenbot");
    expect(settings.get("EnvironmentFile")).toBeTruthy();
    expect(settings.get("Environment")).toMatch(/NODE_ENV=production/);
    for (const assignment of productionEnvironment) expect(settings.get("Environment")).toContain(assignment);
    expect(settings.get("Restart")).toBe("on-failure");
  });

  it("is hardened, with only the data directory writable", () => {
    expect(settings.get("NoNewPrivileges")).toBe("yes");
    expect(settings.get("ProtectSystem")).toBe("strict");
    expect(settings.get("PrivateTmp")).toBe("yes");
    expect(settings.get("ReadWritePaths")).toBe("/var/lib/brueckenbot");
    expect(settings.get("Environment")).toMatch(/DATA_DIR=\/var\/lib\/brueckenbot/);
  });
});
