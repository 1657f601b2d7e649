import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { migrate } from "../../bot/database.js";
import { createDatabase } from "../../core/db.js";
import { createCore, type Core } from "../../core/index.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { SLACK_EVENTS_PATH } from "../../bot/slack.js";
import { ACTIONS, choice } from "../../handlers/slack/action-ids.js";
import { send, SlackEmulator, type SlackResponse, type SlackSimMessage } from "../../sim/slack-api.js";
import { TelegramEmulator } from "../../sim/telegram-api.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../helpers/embedded-postgres.js";
import { databaseUrl } from "../helpers/env.js";
import { freePort } from "../helpers/probe.js";
import { BALLOT_SECRET, COORDINATOR, COORDINATOR_CHANNEL, NETWORK_CHANNEL, SLACK_SIGNING_SECRET, SLACK_TOKEN, TELEGRAM_TOKEN, WEBHOOK_SECRET } from "../helpers/stack.js";
import { plain } from "../helpers/telegram.js";

/**
 * The fault suite's world: a PostgreSQL cluster and a Redis of its own on free ports (never the shared
 * ones: they are stopped, killed and emptied here), the product as a child process as in production, the
 * emulators in the test process, and people who type while the faults happen.
 */

export type QueueBackend = "redis" | "postgres";

/** A redis-server of the suite's own: no persistence, so a restart comes back empty. */
export type OwnRedis = { url: string; kill: () => Promise<void>; start: () => Promise<void> };

export type Servers = { postgres: EmbeddedPostgres; redis: OwnRedis; template: string; stop: () => Promise<void> };

export async function startServers(): Promise<Servers> {
  const postgres = await startEmbeddedPostgres();
  const template = "faults_template";
  await adminQuery(postgres.url, `CREATE DATABASE "${template}"`);
  await migrate(databaseUrl(template, postgres.url));
  const port = await freePort();
  let server: ChildProcess | undefined;
  const redis: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
      await until(async () => (await import("../helpers/probe.js")).answers("127.0.0.1", port), 5000, "redis-server");
    },
    kill: async () => {
      const running = server;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGKILL");
      await exited;
    },
  };
  await redis.start();
  return {
    postgres,
    redis,
    template,
    stop: async () => {
      await redis.kill();
      await postgres.stop();
    },
  };
}

const VOLUNTEER_BASE = 71_000;
const NEWCOMER_BASE = 72_000;
const HELP_TEXT = "Brückenbot ist ein Angebot";
const OFFER_BUTTON = "offer:accept:";

export type SceneOptions = {
  queue: QueueBackend;
  telegramMode: "polling" | "webhook";
  volunteers?: number;
  newcomers?: number;
  env?: Record<string, string>;
};

/**
 * What a fault did to what people asked for. `announced`: messages the product said it sent again after a
 * crash (at most one per chat, each logged); a doubled message it did not announce is a problem.
 */
export type Tally = { requests: number; lost: number; doubled: number; announced: number; problems: string[] };

/**
 * One fault's stage: a fresh database of the suite's cluster, a fresh queue prefix, the emulators, approved
 * volunteers and onboarded newcomers, and the product (not yet started).
 */
export class Scene {
  readonly volunteers: number[];
  readonly newcomers: number[];
  /** The references of the requests committed in this phase. */
  requests: string[] = [];
  /** Updates sent per newcomer in this phase (each one "/help", to be answered once). */
  typed = new Map<number, number>();
  /** What earlier phases left: answers per newcomer, messages no row records, announced resends. */
  private baseline = { answers: new Map<number, number>(), unrecorded: new Map<string, number>(), announced: 0 };
  /** Every log line of the product's processes. */
  readonly logs: string[] = [];
  private child: ChildProcess | undefined;
  private requestCount = 0;

  private constructor(
    readonly servers: Servers,
    readonly options: SceneOptions,
    readonly database: string,
    readonly telegram: TelegramEmulator,
    readonly slack: SlackEmulator,
    readonly pool: pg.Pool,
    readonly prisma: PrismaClient,
    readonly core: Core,
    readonly town: string,
    readonly port: number,
    readonly prefix: string,
  ) {
    this.volunteers = Array.from({ length: options.volunteers ?? 4 }, (_, i) => VOLUNTEER_BASE + i);
    this.newcomers = Array.from({ length: options.newcomers ?? 6 }, (_, i) => NEWCOMER_BASE + i);
  }

  static async open(servers: Servers, options: SceneOptions): Promise<Scene> {
    const database = `fault_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    await adminQuery(servers.postgres.url, `CREATE DATABASE "${database}" TEMPLATE "${servers.template}"`);
    const telegram = await TelegramEmulator.start({ token: TELEGRAM_TOKEN });
    const slack = await SlackEmulator.start({ token: SLACK_TOKEN });
    slack.join(COORDINATOR_CHANNEL, COORDINATOR);
    slack.makePrivate(COORDINATOR_CHANNEL);
    // The test's own few connections; they fail too while PostgreSQL is down, and are not used then.
    const pool = new pg.Pool({ connectionString: databaseUrl(database, servers.postgres.url), max: 3 });
    pool.on("error", () => undefined);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const core = createCore(
      createDatabase(prisma, pool),
      {
        dispatch: { waveSize: 50, waveIntervalMs: 600_000, strictWaves: 2, escalateAfterMs: 600_000, searchTimeoutMs: 3_600_000, stopBeforeAppointmentMs: 3_600_000, quietMs: 0 },
        reminders: { eveningHour: 18, beforeMs: 3_600_000 },
        meetings: { reminderOffsetsMs: [] },
        timeZone: "Europe/Berlin",
        retentionDays: 30,
        closing: { afterAppointmentMs: 3 * 86_400_000, asapAfterMatchMs: 14 * 86_400_000, mentoringReviewMs: 180 * 86_400_000 },
        ballotSecret: BALLOT_SECRET,
        limits: { openPerKind: 100, perDay: 100 },
      },
      { isMember: async () => true },
    );
    const town = await core.networks.ensureFirst({ slug: "beckum", name: "Beckum", districts: [] });
    await core.networks.linkConfigured(town, { teamId: slack.teamId, coordinatorChannel: COORDINATOR_CHANNEL, networkChannel: NETWORK_CHANNEL });
    const port = await freePort();
    slack.connect(`http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`, SLACK_SIGNING_SECRET);
    const scene = new Scene(servers, options, database, telegram, slack, pool, prisma, core, town, port, `fault-${randomUUID().slice(0, 8)}`);
    await scene.cast();
    return scene;
  }

  /** Volunteers approved and newcomers onboarded, through the core functions the bot uses. */
  private async cast(): Promise<void> {
    const coordinator = await this.core.member({ slackUserId: COORDINATOR, teamId: this.slack.teamId });
    for (const id of [...this.volunteers, ...this.newcomers]) {
      this.telegram.user(id, { first_name: `P${id}`, language_code: "de" });
      await this.core.users.chooseLocale(id, "de");
      await this.core.users.giveConsent(id);
      await this.core.users.placeIn(id, this.town);
    }
    for (const id of this.volunteers) {
      const registered = await this.core.volunteers.register(id, {
        networks: [this.town],
        firstName: `V${id}`,
        roles: ["INTERPRETER"],
        languages: [{ language: "ar", level: "NATIVE" }],
        germanLevel: "C1_C2",
        districts: [],
        remoteOnly: true,
        weeklyCapacity: 50,
      });
      if (!("volunteerId" in registered)) throw new Error(registered.kind);
      await coordinator?.volunteers.decide(registered.volunteerId, "APPROVED");
    }
  }

  /** Starts the product in its own process; resolves once it serves. */
  async start(): Promise<void> {
    const webhook = this.options.telegramMode === "webhook";
    const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: "info",
        PORT: String(this.port),
        HOST: "127.0.0.1",
        TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
        TELEGRAM_API_ROOT: this.telegram.url,
        ...(webhook ? { TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${this.port}/telegram/webhook`, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET } : {}),
        TELEGRAM_CHAT_INTERVAL_MS: "20",
        SLACK_BOT_TOKEN: SLACK_TOKEN,
        SLACK_SIGNING_SECRET,
        SLACK_API_URL: this.slack.apiUrl,
        SLACK_COORDINATOR_CHANNEL: COORDINATOR_CHANNEL,
        SLACK_NETWORK_CHANNEL: NETWORK_CHANNEL,
        SLACK_CHANNEL_INTERVAL_MS: "20",
        DATABASE_URL: databaseUrl(this.database, this.servers.postgres.url),
        ...(this.options.queue === "redis" ? { REDIS_URL: this.servers.redis.url } : {}),
        QUEUE_PREFIX: this.prefix,
        OUTBOX_SWEEP_MS: "500",
        DISPATCH_WAVE_SIZE: "50",
        OFFER_QUIET_MS: "1",
        FLOOD_LIMIT: "1000",
        BALLOT_SECRET,
        ...this.options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    let started = false;
    const read = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        this.logs.push(line);
        if (line.includes("brückenbot started")) started = true;
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    await until(() => started || child.exitCode !== null, 60_000, "the product to start");
    if (!started) throw new Error(`the product did not start:\n${this.logs.slice(-20).join("\n")}`);
  }

  /** Kills the product the hard way: no shutdown, nothing drained. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** A newcomer asks for help: one update, to be answered exactly once. */
  async type(newcomer: number): Promise<void> {
    this.typed.set(newcomer, (this.typed.get(newcomer) ?? 0) + 1);
    await this.telegram.sendText(newcomer, "/help");
  }

  /** Every newcomer types `rounds` times, `pauseMs` apart, all at once (not waiting for the answers). */
  async typing(rounds: number, pauseMs: number): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      await Promise.all(this.newcomers.map((id) => this.type(id)));
      await sleep(pauseMs);
    }
  }

  /** A newcomer's request, committed (as the dialogue's last step commits it): every volunteer gets an offer. */
  async request(newcomer = this.newcomers[this.requestCount % this.newcomers.length] ?? NEWCOMER_BASE): Promise<string> {
    const n = ++this.requestCount;
    const result = await this.core.requests.create(newcomer, { kind: "MEDIATION", language: "ar", mode: "PHONE", purpose: "HEALTH" }, `fault-${n}`);
    if (result.kind !== "created") throw new Error(`request not created: ${result.kind}`);
    this.requests.push(result.reference);
    return result.reference;
  }

  /** Slack: a poll in the network's channel, posted by the product; resolves to it and its options. */
  async poll(question: string): Promise<{ id: string; message: SlackSimMessage; options: string[] }> {
    const member = await this.core.member({ slackUserId: COORDINATOR, teamId: this.slack.teamId });
    if (!member) throw new Error("no coordinator");
    const { id } = await member.polls.create({ question, options: [{ label: "Mo" }, { label: "Di" }], multiple: false, anonymous: false, datePoll: false }, NETWORK_CHANNEL);
    const message = await this.slack.waitFor(() => this.slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text === `📊 ${question}`), 15_000, "the poll");
    const options = (await this.prisma.pollOption.findMany({ where: { pollId: id }, orderBy: { position: "asc" } })).map((o) => o.id);
    return { id, message, options };
  }

  /**
   * A member votes: the click as Slack sends it, and – with `retryWhileInFlight` – Slack's retry of the same
   * click while the first is still being answered. Resolves to the answers Slack got.
   */
  async vote(poll: { id: string; message: SlackSimMessage; options: string[] }, member: string, option: number, retryWhileInFlight = false): Promise<SlackResponse[]> {
    const optionId = poll.options[option % poll.options.length] ?? "";
    this.voters.add(`${poll.id}:${member}`);
    const click = this.slack.prepareClick(member, poll.message, choice(ACTIONS.vote, optionId), { value: `${poll.id}:${optionId}` });
    if (!retryWhileInFlight) return [await send(click)];
    const retry = { ...click, headers: { ...click.headers, "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } };
    return Promise.all([send(click), send(retry)]);
  }

  /** Members who voted in this phase, as `poll:member`: each must have exactly one vote. */
  voters = new Set<string>();

  /** Offers that reached the volunteers so far. */
  offersDelivered(): number {
    return this.volunteers.reduce((sum, id) => sum + this.telegram.botMessages(id).filter((m) => this.requests.some((r) => plain(m).includes(r))).length, 0);
  }

  /**
   * Waits until everything that was asked for has had its chance: every update answered, every offer out,
   * nothing left to send, and no webhook delivery waiting (or the time is up: then the tally says what is missing).
   */
  async settle(timeoutMs = 60_000): Promise<void> {
    const expected = this.requests.length * this.volunteers.length;
    await until(
      async () => {
        if (this.telegram.webhookBacklog > 0) return false;
        if (this.offersDelivered() < expected) return false;
        for (const [id, sent] of this.typed) if (this.helpAnswers(id) - (this.baseline.answers.get(id) ?? 0) < sent) return false;
        if ((await this.votesMissing()) > 0) return false;
        const open = await this.prisma.outbox.count({ where: { status: { in: ["PENDING", "SENDING"] } } });
        return open === 0;
      },
      timeoutMs,
      "everything to settle",
    ).catch(() => undefined);
    // Anything doubled would show within the sender's next rounds.
    await sleep(500);
  }

  private async votesMissing(): Promise<number> {
    let missing = 0;
    for (const key of this.voters) {
      const [pollId = "", member = ""] = key.split(":");
      const votes = await this.prisma.pollVote.count({ where: { pollId, slackUserId: member } });
      if (votes === 0) missing++;
    }
    return missing;
  }

  private helpAnswers(newcomer: number): number {
    return this.telegram.botMessages(newcomer).filter((m) => plain(m).includes(HELP_TEXT)).length;
  }

  /**
   * What was lost and what doubled since the last tally (the next one counts from here): unanswered updates, offers missing or twice, outbox rows not sent, messages
   * sent in a chat out of their rows' order, and messages that no outbox row records (sent twice: once unrecorded).
   */
  async tally(): Promise<Tally> {
    const problems: string[] = [];
    let lost = 0;
    let doubled = 0;
    let requests = 0;
    for (const [id, sent] of this.typed) {
      requests += sent;
      const answers = this.helpAnswers(id) - (this.baseline.answers.get(id) ?? 0);
      if (answers < sent) problems.push(`newcomer ${id}: ${sent} updates, ${answers} answers`);
      if (answers > sent) problems.push(`newcomer ${id}: ${sent} updates, ${answers} answers`);
      lost += Math.max(0, sent - answers);
      doubled += Math.max(0, answers - sent);
    }
    for (const reference of this.requests) {
      requests++;
      const offers = await this.prisma.offer.count({ where: { request: { reference } } });
      if (offers !== this.volunteers.length) problems.push(`${reference}: ${offers} offers for ${this.volunteers.length} volunteers`);
      for (const id of this.volunteers) {
        const copies = this.telegram.botMessages(id).filter((m) => plain(m).includes(reference) && m.reply_markup?.inline_keyboard.flat().some((b) => "callback_data" in b && b.callback_data?.startsWith(OFFER_BUTTON))).length;
        if (copies === 0) {
          lost++;
          problems.push(`${reference}: no offer reached volunteer ${id}`);
        }
        // A second copy is counted below, as a message no row records; a third cannot be one crash's.
        if (copies > 2) problems.push(`${reference}: volunteer ${id} got the offer ${copies} times`);
      }
    }
    for (const key of this.voters) {
      requests++;
      const [pollId = "", member = ""] = key.split(":");
      const votes = await this.prisma.pollVote.count({ where: { pollId, slackUserId: member } });
      if (votes !== 1) problems.push(`poll ${pollId}: ${member} has ${votes} votes`);
      lost += votes === 0 ? 1 : 0;
      doubled += Math.max(0, votes - 1);
    }
    const rows = await this.prisma.outbox.findMany({ where: { channel: "TELEGRAM" }, select: { id: true, recipient: true, status: true, sentRef: true }, orderBy: { id: "asc" } });
    const unsent = rows.filter((r) => r.status !== "SENT");
    if (unsent.length > 0) problems.push(`${unsent.length} outbox rows not sent: ${unsent.slice(0, 5).map((r) => `${r.id}=${r.status}`).join(", ")}`);
    lost += unsent.length;
    const unrecordedByChat = new Map<string, number>();
    const byChat = new Map<string, number[]>();
    for (const row of rows) if (row.sentRef) byChat.set(row.recipient, [...(byChat.get(row.recipient) ?? []), Number(row.sentRef)]);
    for (const [chat, refs] of byChat) {
      const recorded = new Set(refs);
      if (refs.some((ref, i) => i > 0 && ref < (refs[i - 1] ?? 0))) problems.push(`chat ${chat}: messages out of their rows' order`);
      const unrecorded = this.telegram.botMessages(Number(chat)).filter((m) => !recorded.has(m.message_id)).length;
      unrecordedByChat.set(chat, unrecorded);
      const now = unrecorded - (this.baseline.unrecorded.get(chat) ?? 0);
      if (now > 1) problems.push(`chat ${chat}: ${now} messages sent twice (no row records them)`);
      doubled += now;
    }
    const announcedAll = this.logs.filter((l) => l.includes("the chat may get it twice")).length;
    const announced = announcedAll - this.baseline.announced;
    if (doubled > announced) problems.push(`${doubled} messages doubled, ${announced} of them announced`);
    const violations = this.telegram.violations.map((v) => `Telegram ${v.method}: ${v.description}`);
    problems.push(...violations);
    this.baseline = { answers: new Map([...this.newcomers].map((id) => [id, this.helpAnswers(id)])), unrecorded: unrecordedByChat, announced: announcedAll };
    this.typed = new Map();
    this.requests = [];
    this.voters = new Set();
    return { requests, lost, doubled, announced, problems };
  }

  async close(): Promise<void> {
    await this.kill();
    await this.prisma.$disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    await this.telegram.close();
    await this.slack.close();
    await adminQuery(this.servers.postgres.url, `DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`).catch(() => undefined);
  }
}

/** Prints the suite's table: one line per fault. */
export function table(rows: { fault: string; tally: Tally }[]): string {
  const width = Math.max(5, ...rows.map((r) => r.fault.length));
  const line = (a: string, b: string, c: string, d: string, e: string) => `${a.padEnd(width)}  ${b.padStart(8)}  ${c.padStart(4)}  ${d.padStart(7)}  ${e.padStart(9)}`;
  return [
    line("fault", "requests", "lost", "doubled", "announced"),
    ...rows.map((r) => line(r.fault, String(r.tally.requests), String(r.tally.lost), String(r.tally.doubled), String(r.tally.announced))),
  ].join("\n");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await sleep(50);
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
