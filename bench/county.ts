// `npm run bench -- county`: a simulated county – 13 networks (Kreis Warendorf and 12 of its towns), 5,000
// volunteers, the hour's 300 requests in bursts of 50/s, 13 Slack workspaces voting at once – beside the same
// load on one network, on both queue backends, and on two processes. Writes bench/results/county.md.
import { importNetworks, newSetupCode } from "../core/networks.js";
import { createPoll } from "../core/polls.js";
import { ACTIONS, choice } from "../handlers/slack/action-ids.js";
import { QueueEvents } from "bullmq";
import { execFile, spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { SlackEmulator, type SignedRequest, type SlackSimMessage, type SlackWorkspace } from "../sim/slack-api.js";
import { comeBack, goToSlack, linkWithSetupCode } from "../sim/slack-install.js";
import { TelegramEmulator } from "../sim/telegram-api.js";
import { watchAdded, type Backend } from "./queues.js";
import { freePort, freshDatabase, percentile, rssMb, sleep, SLACK_SECRET, SLACK_TOKEN, startProduct, TELEGRAM_TOKEN, type ProductProcess } from "./support.js";

const COUNTY = { slug: "kreis-warendorf", name: "Kreis Warendorf", kind: "county" as const, districts: {} };
const TOWNS: { slug: string; name: string; districts: Record<string, string> }[] = [
  { slug: "ahlen", name: "Ahlen", districts: { AHLEN: "Ahlen", VORHELM: "Vorhelm", DOLBERG: "Dolberg" } },
  { slug: "beckum", name: "Beckum", districts: { BECKUM: "Beckum", NEUBECKUM: "Neubeckum", ROLAND: "Roland", VELLERN: "Vellern" } },
  { slug: "beelen", name: "Beelen", districts: { BEELEN: "Beelen" } },
  { slug: "drensteinfurt", name: "Drensteinfurt", districts: { DRENSTEINFURT: "Drensteinfurt", RINKERODE: "Rinkerode", WALSTEDDE: "Walstedde" } },
  { slug: "ennigerloh", name: "Ennigerloh", districts: { ENNIGERLOH: "Ennigerloh", ENNISTE: "Enniger", OSTENFELDE: "Ostenfelde", WESTKIRCHEN: "Westkirchen" } },
  { slug: "everswinkel", name: "Everswinkel", districts: { EVERSWINKEL: "Everswinkel", ALVERSKIRCHEN: "Alverskirchen" } },
  { slug: "oelde", name: "Oelde", districts: { OELDE: "Oelde", STROMBERG: "Stromberg", LETTE: "Lette", SUENNINGHAUSEN: "Sünninghausen" } },
  { slug: "ostbevern", name: "Ostbevern", districts: { OSTBEVERN: "Ostbevern" } },
  { slug: "sassenberg", name: "Sassenberg", districts: { SASSENBERG: "Sassenberg", FUECHTORF: "Füchtorf" } },
  { slug: "sendenhorst", name: "Sendenhorst", districts: { SENDENHORST: "Sendenhorst", ALBERSLOH: "Albersloh" } },
  { slug: "telgte", name: "Telgte", districts: { TELGTE: "Telgte", WESTBEVERN: "Westbevern" } },
  { slug: "warendorf", name: "Warendorf", districts: { WARENDORF: "Warendorf", FRECKENHORST: "Freckenhorst", HOETMAR: "Hoetmar", MILTE: "Milte" } },
];
const VOLUNTEERS = 5000;
const FIRST_VOLUNTEER = 4_000_000;
const FIRST_NEWCOMER = 5_000_000;
/** 300 requests an hour, arriving as six bursts of 50 at 50 a second, a burst every 3 s. */
const BURSTS = 6;
const PER_BURST = 50;
const RATE = 50;
const BURST_EVERY_MS = 3000;
const WAVE = 3;
/** Members voting at once in all workspaces together (13 × 40, or 520 in one), and warm-up clicks. */
const VOTERS = 520;
const WARM = 26;
/** The steady reading: this long after the votes (V8 gives a burst's heap back some 20 s after it). */
const SETTLE_MS = 25_000;
const OAUTH = { clientId: "bench-client-id", clientSecret: "bench-client-secret" };
const exec = promisify(execFile);

type Scenario = { backend: Backend; county: boolean; processes: number; votes: boolean };
type Outcome = {
  scenario: Scenario;
  load: number;
  networks: number;
  dispatch: { p50: number; p99: number; max: number; requestWritten: number; offersWritten: number; requests: number; offers: number; unqueued: number; outsideTown: number; toPending: number; ticks: number[]; refused: number };
  votes?: { p50: number; p99: number; max: number; failed: number; polls: number; counted: number; expected: number; talliedMs: number; exact: boolean; misplaced: number };
  rss: { highest: number; steady?: number };
};

/** A network as the benchmark sets it up: its Slack workspace's ids, and whether it is a town (where people live). */
type Place = { slug: string; name: string; id: string; team: string; channel: string; coordinators: string; coordinator: string; town: boolean };

type Installed = { place: Place; workspace: SlackWorkspace };

/** Runs the county part and writes bench/results/county.md. */
export async function runCounty(): Promise<void> {
  const started = Date.now();
  const loadBefore = os.loadavg();
  const redis = await ownRedis();
  const outcomes: Outcome[] = [];
  try {
    for (const scenario of [
      { backend: "redis", county: false, processes: 1, votes: true },
      { backend: "redis", county: true, processes: 1, votes: true },
      { backend: "redis", county: true, processes: 2, votes: false },
      // The other way round on PostgreSQL, so that being first (or the machine's load then) favours neither.
      { backend: "postgres", county: true, processes: 1, votes: true },
      { backend: "postgres", county: false, processes: 1, votes: true },
    ] satisfies Scenario[]) {
      console.log(`\n▶ ${describe(scenario)} (${Math.round((Date.now() - started) / 1000)} s)`);
      const outcome = await measure(scenario, redis.url);
      outcomes.push(outcome);
      console.log(`  ${JSON.stringify(outcome)}`);
    }
  } finally {
    await redis.stop();
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(" / ");
  const markdown =
    `${countyTable(outcomes)}\n\nMeasured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine}; load average (1 / 5 / 15 min) ` +
    `${load(loadBefore)} before, ${load(os.loadavg())} after; the county part took ${seconds} s.\n`;
  console.log(`\n${markdown}`);
  await writeFile(path.join("bench", "results", "county.md"), markdown);
  console.log("written to bench/results/county.md");
}

/** Prints how long each step took since the last. */
function stopwatch(): (step: string) => void {
  let last = Date.now();
  return (step) => {
    console.log(`  ${step}: ${((Date.now() - last) / 1000).toFixed(1)} s`);
    last = Date.now();
  };
}

const describe = (s: Scenario) => `${s.county ? "13 networks" : "1 network"}, queues on ${s.backend}${s.processes > 1 ? `, ${s.processes} processes` : ""}`;

async function measure(scenario: Scenario, redisUrl: string): Promise<Outcome> {
  const load = os.loadavg()[0] ?? 0;
  const database = await freshDatabase();
  const telegram = await TelegramEmulator.start({ token: TELEGRAM_TOKEN });
  const slack = await SlackEmulator.start({ token: SLACK_TOKEN });
  slack.enableOAuth(OAUTH);
  const prefix = `brbbench-county-${Date.now()}`;
  const products: ProductProcess[] = [];
  let highest = 0;
  const sampling = setInterval(() => {
    for (const p of products) if (p.child.pid) void rssMb(p.child.pid).then((mb) => (highest = Math.max(highest, mb)), () => undefined);
  }, 250);
  try {
    const imported = await importNetworks(database.db, { networks: scenario.county ? [COUNTY, ...TOWNS.map((t) => ({ ...t, county: COUNTY.slug }))] : TOWNS.filter((t) => t.slug === "beckum") });
    if (imported.kind !== "imported") throw new Error(imported.problems.join("; "));
    const rows = await database.prisma.network.findMany({ select: { id: true, slug: true, name: true, kind: true }, orderBy: { slug: "asc" } });
    const places: Place[] = rows.map((n) => {
      const x = n.slug.toUpperCase().replace(/[^A-Z]/g, "").slice(0, 8);
      return { slug: n.slug, name: n.name, id: n.id, team: `T0${x}`, channel: `C0${x}NETZ`, coordinators: `C0${x}KOORD`, coordinator: `U0${x}KO`, town: n.kind === "TOWN" };
    });
    const towns = places.filter((p) => p.town);
    const lap = stopwatch();
    await seed(database.prisma, telegram, towns);
    lap("seeded");

    for (let i = 0; i < scenario.processes; i++) {
      products.push(
        await startProduct({
          DATABASE_URL: database.url,
          ...(scenario.backend === "redis" ? { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix } : {}),
          TELEGRAM_API_ROOT: telegram.url,
          SLACK_API_URL: slack.apiUrl,
          // Distributed: each workspace's token from its installation, none configured.
          SLACK_BOT_TOKEN: "",
          SLACK_CLIENT_ID: OAUTH.clientId,
          SLACK_CLIENT_SECRET: OAUTH.clientSecret,
          SLACK_STATE_SECRET: "bench-state-secret-0123456789",
          SLACK_TOKEN_KEY: "ab".repeat(32),
          // The port is chosen when the process starts: the browser below follows Slack's redirect to the real one.
          PUBLIC_URL: "http://127.0.0.1:9",
          BALLOT_SECRET: "bench-ballot-secret-0123456789abcdef",
          OFFER_QUIET_MS: "1000",
          DISPATCH_WAVE_SIZE: String(WAVE),
          OUTBOX_SWEEP_MS: "1000",
        }),
      );
    }
    const [first] = products;
    if (!first) throw new Error("no product");
    if (products.length > 1) telegram.balanceWebhook(products.map((p) => `${p.url}/telegram/webhook`));
    slack.connect(`${first.url}/slack/events`, SLACK_SECRET);
    lap("started");
    // One at a time, as the emulator's consent screen signs in one installer at a time (and a loaded machine answers slowly).
    const installed: Installed[] = [];
    for (const place of places) {
      const workspace = await install(slack, first, place);
      await link(database.db, workspace, place);
      installed.push({ place, workspace });
    }
    lap(`${places.length} workspace${places.length > 1 ? "s" : ""} installed and linked`);

    const dispatch = await burstsOfRequests(scenario, database, telegram, products, redisUrl, prefix);
    lap("requests dispatched");
    const votes = scenario.votes ? await voteEverywhere(database, installed) : undefined;
    lap("votes");
    const steady = scenario.votes ? await sleep(SETTLE_MS).then(() => rssMb(first.child.pid ?? 0)) : undefined;
    return { scenario, load, networks: places.length, dispatch, ...(votes ? { votes } : {}), rss: { highest, ...(steady !== undefined ? { steady } : {}) } };
  } finally {
    clearInterval(sampling);
    await Promise.all(products.map((p) => p.stop()));
    await telegram.close();
    await slack.close();
    await database.drop();
  }
}

/** The workspace of a network, the app added to it through Slack's OAuth flow by the network's coordinator. */
async function install(slack: SlackEmulator, product: ProductProcess, place: Place): Promise<SlackWorkspace> {
  const workspace = slack.workspace(place.team, { name: place.name, domain: place.slug });
  workspace.member(place.coordinator, "coordinator");
  const atSlack = await goToSlack(product.url, slack, place.team, place.coordinator);
  const back = new URL(atSlack.back);
  const installed = await comeBack(`${product.url}${back.pathname}${back.search}`, atSlack.cookie);
  if (installed.status !== 200) throw new Error(`${place.name}: install answered ${installed.status}`);
  return workspace;
}

/** The coordinator links the freshly installed workspace to the network with the operator's setup code. */
async function link(db: Awaited<ReturnType<typeof freshDatabase>>["db"], workspace: SlackWorkspace, place: Place): Promise<void> {
  const linked = await linkWithSetupCode(workspace, place, (await newSetupCode(db, place.slug)) ?? "");
  if (linked.status !== 200) throw new Error(`${place.name}: linking answered ${linked.status}`);
}

/**
 * Volunteers interpreting Arabic, each at home in one town; every fifth also serves the next town, where every
 * other one of those is approved and the rest still pending. Newcomers at the last step of the mediation
 * dialogue, placed in the towns in turn.
 */
async function seed(prisma: Awaited<ReturnType<typeof freshDatabase>>["prisma"], telegram: TelegramEmulator, towns: Place[]): Promise<void> {
  const now = new Date();
  const ids = Array.from({ length: VOLUNTEERS }, (_, i) => FIRST_VOLUNTEER + i);
  const townOf = (i: number): Place => {
    const town = towns[i % towns.length];
    if (!town) throw new Error("no towns");
    return town;
  };
  const districts = (p: Place) => Object.keys(TOWNS.find((t) => t.slug === p.slug)?.districts ?? {});
  const serving = (i: number) => [
    { network: townOf(i), status: "APPROVED" as const },
    ...(towns.length > 1 && i % 5 === 0 ? [{ network: townOf(i + 1), status: i % 10 === 0 ? ("APPROVED" as const) : ("PENDING" as const) }] : []),
  ];
  for (let start = 0; start < VOLUNTEERS; start += 1000) {
    const batch = ids.slice(start, start + 1000).map((telegramId) => ({ telegramId, i: telegramId - FIRST_VOLUNTEER }));
    await prisma.telegramUser.createMany({ data: batch.map(({ telegramId, i }) => ({ id: `u${telegramId}`, telegramId, locale: "de", consentAt: now, networkId: townOf(i).id })) });
    await prisma.volunteer.createMany({
      data: batch.map(({ telegramId, i }) => ({
        id: `v${telegramId}`,
        userId: `u${telegramId}`,
        firstName: "Bench",
        roles: ["INTERPRETER"],
        germanLevel: "C1_C2",
        districts: serving(i).flatMap((s) => districts(s.network).slice(0, 1)),
        remoteOnly: false,
        weeklyCapacity: 5,
        conductAcceptedAt: now,
      })),
    });
    await prisma.volunteerLanguage.createMany({ data: batch.map(({ telegramId }) => ({ volunteerId: `v${telegramId}`, language: "ar", level: "FLUENT" })) });
    await prisma.volunteerNetwork.createMany({
      data: batch.flatMap(({ telegramId, i }) => serving(i).map((s) => ({ volunteerId: `v${telegramId}`, networkId: s.network.id, status: s.status }))),
    });
  }
  for (const id of ids) telegram.user(id);

  const newcomers = Array.from({ length: BURSTS * PER_BURST }, (_, i) => i);
  await prisma.telegramUser.createMany({ data: newcomers.map((i) => ({ telegramId: FIRST_NEWCOMER + i, locale: "ar", consentAt: now, networkId: townOf(i).id })) });
  await prisma.botSession.createMany({
    data: newcomers.map((i) => ({
      key: String(FIRST_NEWCOMER + i),
      value: { dialogue: { name: "mediation", step: "confirm", id: `c${i}`, data: { language: "ar", purpose: "JOBCENTER", mode: "PHONE", asap: true } } },
    })),
  });
  for (const i of newcomers) {
    telegram.user(FIRST_NEWCOMER + i, { language_code: "ar" });
    telegram.plantBotMessage(FIRST_NEWCOMER + i, "…", { inline_keyboard: [[{ text: "✅", callback_data: `m:c${i}:confirm:yes` }]] });
  }
}

/**
 * The hour's requests in bursts: per request the time from its confirm to its last first-wave offer queued
 * for sending; then whether every offer went to a volunteer approved in the request's town.
 */
async function burstsOfRequests(
  scenario: Scenario,
  database: Awaited<ReturnType<typeof freshDatabase>>,
  telegram: TelegramEmulator,
  products: ProductProcess[],
  redisUrl: string,
  prefix: string,
): Promise<Outcome["dispatch"]> {
  const total = BURSTS * PER_BURST;
  const added = scenario.backend === "redis" ? await watchRedis(redisUrl, prefix, "outbound-telegram") : await watchAdded({ backend: "postgres", databaseUrl: database.url }, "outbound-telegram");
  const ticksBefore = await Promise.all(products.map((p) => dispatchTicks(p)));
  const confirmedAt = new Map<number, number>();
  const pressing: Promise<unknown>[] = [];
  let refused = 0;
  const answered = ({ status }: { status: number }) => (refused += status === 200 ? 0 : 1);
  telegram.on("webhook", answered);
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const due = started + Math.floor(i / PER_BURST) * BURST_EVERY_MS + ((i % PER_BURST) * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    confirmedAt.set(FIRST_NEWCOMER + i, Date.now());
    pressing.push(telegram.pressButton(FIRST_NEWCOMER + i, 1, { data: `m:c${i}:confirm:yes` }));
  }
  await Promise.all(pressing);
  telegram.off("webhook", answered);

  type Row = { outboxId: bigint; telegramId: bigint; requestAt: Date; offerAt: Date };
  const deadline = Date.now() + 30_000;
  let offers: Row[] = [];
  let [seen, seenAt] = [0, Date.now()];
  for (;;) {
    offers = await database.prisma.$queryRaw<Row[]>`
      SELECT o."outboxId", u."telegramId", r."createdAt" AS "requestAt", o."createdAt" AS "offerAt" FROM "Offer" o JOIN "HelpRequest" r ON r.id = o."requestId" JOIN "TelegramUser" u ON u.id = r."newcomerId" WHERE o.wave = 1`;
    const queued = offers.every((o) => added.times.has(`tg-${o.outboxId}`));
    // Done when every wave is queued, or nothing new came for 10 s (a confirm lost under load), or after 30 s.
    if (offers.length !== seen) [seen, seenAt] = [offers.length, Date.now()];
    if ((queued && (offers.length >= total * WAVE || Date.now() - seenAt > 10_000)) || Date.now() > deadline) break;
    await sleep(500);
  }
  await added.close();
  const byChat = new Map<number, number[]>();
  for (const o of offers) {
    const chat = Number(o.telegramId);
    byChat.set(chat, [...(byChat.get(chat) ?? []), added.times.get(`tg-${o.outboxId}`) ?? Number.NaN]);
  }
  // Where the time goes: the request written (the confirm handled), its offers written (the tick ran).
  const since = (o: Row, at: Date) => at.getTime() - (confirmedAt.get(Number(o.telegramId)) ?? Number.NaN);
  const latencies = [...byChat].filter(([, times]) => times.every(Number.isFinite)).map(([chat, times]) => Math.max(...times) - (confirmedAt.get(chat) ?? Number.NaN));
  const [check] = await database.prisma.$queryRaw<{ requests: bigint; outside: bigint; pending: bigint; misplaced: bigint }[]>`
    SELECT (SELECT count(*) FROM "HelpRequest") AS requests,
      (SELECT count(*) FROM "Offer" o JOIN "HelpRequest" r ON r.id = o."requestId" WHERE NOT EXISTS (
        SELECT 1 FROM "VolunteerNetwork" vn WHERE vn."volunteerId" = o."volunteerId" AND vn."networkId" = r."networkId" AND vn.status = 'APPROVED')) AS outside,
      (SELECT count(*) FROM "Offer" o JOIN "HelpRequest" r ON r.id = o."requestId" JOIN "VolunteerNetwork" vn ON vn."volunteerId" = o."volunteerId" AND vn."networkId" = r."networkId" AND vn.status = 'PENDING') AS pending,
      (SELECT count(*) FROM "HelpRequest" r JOIN "TelegramUser" u ON u.id = r."newcomerId" WHERE r."networkId" IS DISTINCT FROM u."networkId") AS misplaced`;
  const ticks = await Promise.all(products.map(async (p, i) => (await dispatchTicks(p)) - (ticksBefore[i] ?? 0)));
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: Math.max(...latencies),
    requestWritten: percentile(offers.map((o) => since(o, o.requestAt)), 0.99),
    offersWritten: percentile(offers.map((o) => since(o, o.offerAt)), 0.99),
    requests: Number(check?.requests ?? 0),
    refused,
    offers: offers.length,
    unqueued: offers.filter((o) => !added.times.has(`tg-${o.outboxId}`)).length,
    // A request in another town than its newcomer's counts as outside too.
    outsideTown: Number(check?.outside ?? 0) + Number(check?.misplaced ?? 0),
    toPending: Number(check?.pending ?? 0),
    ticks,
  };
}

/**
 * A poll in every workspace's network channel, and all members of all workspaces voting at the same moment
 * (signed clicks sent at once by a separate process); then each poll's tally: exactly its own members' votes.
 */
async function voteEverywhere(database: Awaited<ReturnType<typeof freshDatabase>>, installed: Installed[]): Promise<NonNullable<Outcome["votes"]>> {
  type Ballot = { place: Place; workspace: SlackWorkspace; message: SlackSimMessage; options: string[]; pollId: string; voters: string[]; warm: string[] };
  const polls = [];
  for (const [k, { place, workspace }] of installed.entries()) {
    const question = `Wann trifft sich ${place.name}?`;
    const poll = await createPoll(database.db, place.id, { question, options: [{ label: "Mo" }, { label: "Di" }, { label: "Mi" }], multiple: false, anonymous: false, datePoll: false }, place.channel, place.coordinator);
    const options = (await database.prisma.pollOption.findMany({ where: { pollId: poll.id }, orderBy: { position: "asc" }, select: { id: true } })).map((o) => o.id);
    const share = (n: number) => Math.floor(n / installed.length) + (k < n % installed.length ? 1 : 0);
    const voters = Array.from({ length: share(VOTERS) }, (_, i) => `${place.team.replace(/^T/, "U")}V${i}`);
    const warm = Array.from({ length: share(WARM) }, (_, i) => `${place.team.replace(/^T/, "U")}W${i}`);
    for (const id of [...voters, ...warm]) workspace.member(id, id.toLowerCase());
    polls.push({ place, workspace, question, options, pollId: poll.id, voters, warm });
  }
  // The outbox sweep posts the polls (written here, not through the product's handlers).
  const ballots: Ballot[] = [];
  for (const { question, ...poll } of polls) {
    const message = await poll.workspace.waitFor(() => poll.workspace.channelMessages(poll.place.channel).find((m) => m.text?.includes(question)), 30_000, `${poll.place.name}'s poll`);
    ballots.push({ ...poll, message });
  }
  const click = (b: Ballot, member: string, i: number) => {
    const option = b.options[i % b.options.length] ?? "";
    return b.workspace.prepareClick(member, b.message, choice(ACTIONS.vote, option), { value: `${b.pollId}:${option}` });
  };
  await clickAll(ballots.flatMap((b) => b.warm.map((m, i) => click(b, m, i))));
  await sleep(2000);
  const clicked = Date.now();
  const answers = await clickAll(ballots.flatMap((b) => b.voters.map((m, i) => click(b, m, i))));

  const expected = ballots.reduce((n, b) => n + b.voters.length + b.warm.length, 0);
  const count = async () => {
    const votes = await database.prisma.pollVote.findMany({ select: { pollId: true, optionId: true, slackUserId: true } });
    let misplaced = 0;
    let exact = votes.length === expected;
    for (const b of ballots) {
      const own = new Set([...b.voters, ...b.warm]);
      const mine = votes.filter((v) => v.pollId === b.pollId);
      misplaced += mine.filter((v) => !own.has(v.slackUserId)).length;
      for (const [o, option] of b.options.entries()) {
        const want = [b.voters, b.warm].reduce((n, list) => n + list.filter((_, i) => i % b.options.length === o).length, 0);
        if (mine.filter((v) => v.optionId === option).length !== want) exact = false;
      }
    }
    return { counted: votes.length, misplaced, exact: exact && misplaced === 0 };
  };
  let tally = await count();
  const deadline = Date.now() + 45_000;
  while (!tally.exact && Date.now() < deadline) {
    await sleep(250);
    tally = await count();
  }
  const talliedMs = Date.now() - clicked;
  const ms = answers.map((a) => a.ms);
  return {
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    max: Math.max(...ms),
    failed: answers.filter((a) => a.status !== 200).length,
    polls: ballots.length,
    expected,
    talliedMs,
    ...tally,
  };
}

/** Signed requests sent all at once by a separate process (bench/clicker.ts), so that the emulators do not slow the clicks. */
async function clickAll(requests: SignedRequest[]): Promise<{ status: number; ms: number }[]> {
  const file = path.join(os.tmpdir(), `brb-county-clicks-${process.pid}-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(requests));
  try {
    const { stdout } = await exec(process.execPath, ["dist/bench/clicker.js", file], { maxBuffer: 10_000_000 });
    return JSON.parse(stdout) as { status: number; ms: number }[];
  } finally {
    await rm(file, { force: true });
  }
}

/** When each job was added to a queue on the benchmark's own Redis, by the events stream's clock. */
async function watchRedis(url: string, prefix: string, name: string): Promise<{ times: Map<string, number>; close: () => Promise<void> }> {
  const u = new URL(url);
  const events = new QueueEvents(name, { connection: { host: u.hostname, port: Number(u.port) }, prefix });
  const times = new Map<string, number>();
  events.on("added", ({ jobId }, id) => {
    if (!times.has(jobId)) times.set(jobId, Number(id.split("-")[0]));
  });
  await events.waitUntilReady();
  return { times, close: () => events.close() };
}

/** Dispatch ticks a product process finished (its brb_jobs_total). */
async function dispatchTicks(product: ProductProcess): Promise<number> {
  const text = await (await fetch(`${product.url}/metrics`)).text();
  return Number(/^brb_jobs_total\{queue="dispatch",outcome="completed"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

/** A Redis of the benchmark's own, on a free port, without persistence: the shared one stays quiet. */
async function ownRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn("/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => undefined); // not listening yet
    const pong = await client
      .connect()
      .then(() => client.ping())
      .catch(() => undefined);
    client.disconnect();
    if (pong === "PONG") break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("redis-server did not start");
    await sleep(100);
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
    },
  };
}

/** Exact; or still counting when the benchmark stopped waiting (fewer, none misplaced); or wrong. */
const tallyWord = (v: NonNullable<Outcome["votes"]>) => (v.exact ? "exact" : v.counted < v.expected && v.misplaced === 0 ? "not all counted yet" : "WRONG");
const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "–" : `${Math.round(v)} ms`);
const mb = (v: number | undefined) => (v === undefined ? "–" : `${Math.round(v)} MB`);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? "–" : `${(a / b).toFixed(2)}×`);

/**
 * One row per figure; per backend one network, 13 networks and their ratio, and on Redis 13 networks on two
 * processes.
 */
function countyTable(outcomes: Outcome[]): string {
  const find = (backend: Backend, county: boolean, processes = 1) => outcomes.find((o) => o.scenario.backend === backend && o.scenario.county === county && o.scenario.processes === processes);
  const columns = [
    { label: "1 network, Redis", o: find("redis", false) },
    { label: "13 networks, Redis", o: find("redis", true) },
    { label: "13 / 1", ratioOf: [find("redis", true), find("redis", false)] as const },
    { label: "13 networks, Redis, 2 processes", o: find("redis", true, 2) },
    { label: "1 network, PostgreSQL", o: find("postgres", false) },
    { label: "13 networks, PostgreSQL", o: find("postgres", true) },
    { label: "13 / 1", ratioOf: [find("postgres", true), find("postgres", false)] as const },
  ];
  const rows: { name: string; target: string; cell: (o: Outcome) => string; value?: (o: Outcome) => number | undefined }[] = [
    { name: "Dispatch: confirm → last first-wave offer queued, p99", target: "< 100 ms", cell: (o) => ms(o.dispatch.p99), value: (o) => o.dispatch.p99 },
    { name: "… p50 / max", target: "", cell: (o) => `${ms(o.dispatch.p50)} / ${ms(o.dispatch.max)}` },
    { name: "… of which request written / first-wave offers written, p99", target: "", cell: (o) => `${ms(o.dispatch.requestWritten)} / ${ms(o.dispatch.offersWritten)}` },
    { name: "Requests created / first-wave offers (all queued?)", target: "300 / 900", cell: (o) => `${o.dispatch.requests} / ${o.dispatch.offers}${o.dispatch.unqueued ? ` (${o.dispatch.unqueued} not queued)` : ""}${o.dispatch.refused ? `; ${o.dispatch.refused} confirms not answered 200` : ""}` },
    { name: "Offers to volunteers not approved in the request's town", target: "0", cell: (o) => `${o.dispatch.outsideTown}${o.dispatch.toPending ? ` (${o.dispatch.toPending} pending there)` : ""}` },
    { name: "Dispatch ticks handled per process", target: "shared", cell: (o) => o.dispatch.ticks.join(" / ") },
    { name: "Slack votes: 520 members at once (13 workspaces × 40, or one × 520), ack p99", target: "< 300 ms", cell: (o) => ms(o.votes?.p99), value: (o) => o.votes?.p99 },
    { name: "… p50 / max, not 200", target: "all < 3 s", cell: (o) => (o.votes ? `${ms(o.votes.p50)} / ${ms(o.votes.max)}, ${o.votes.failed}` : "–") },
    {
      name: "Votes tallied, each in its own workspace's poll",
      target: "exact, 0 elsewhere",
      cell: (o) =>
        o.votes
          ? `${o.votes.counted} of ${o.votes.expected} in ${o.votes.polls} poll${o.votes.polls > 1 ? "s" : ""}, ${tallyWord(o.votes)}, ${o.votes.misplaced} elsewhere; ${(o.votes.talliedMs / 1000).toFixed(1)} s after the clicks`
          : "–",
    },
    { name: "Product RSS, highest during the run", target: "", cell: (o) => mb(o.rss.highest), value: (o) => o.rss.highest },
    { name: `Product RSS, steady (${SETTLE_MS / 1000} s after the votes)`, target: "< 200 MB", cell: (o) => mb(o.rss.steady), value: (o) => o.rss.steady },
    { name: "Machine load (1-min average) at the start", target: "", cell: (o) => o.load.toFixed(1) },
  ];
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(["Figure", ...columns.map((c) => c.label), "Target"]),
    line(["---", ...columns.map(() => "---"), "---"]),
    ...rows.map((row) =>
      line([
        row.name,
        ...columns.map((c) => {
          if ("ratioOf" in c) return row.value && c.ratioOf?.[0] && c.ratioOf[1] ? ratio(row.value(c.ratioOf[0]), row.value(c.ratioOf[1])) : "";
          return c.o ? row.cell(c.o) : "–";
        }),
        row.target,
      ]),
    ),
  ].join("\n");
}
