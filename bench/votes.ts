import { createPoll } from "../core/polls.js";
import { ACTIONS, choice } from "../handlers/slack/action-ids.js";
import { enqueueOutboundSlack, OUTBOUND_SLACK } from "../jobs/outbound-slack.js";
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { SlackEmulator, type SlackSimMessage } from "../sim/slack-api.js";
import { TelegramEmulator } from "../sim/telegram-api.js";
import { queueKit } from "./queues.js";
import {
  BENCH_REDIS_URL,
  COORDINATORS,
  deleteRedisPrefix,
  freshDatabase,
  percentile,
  settledRssMb,
  sleep,
  SLACK_SECRET,
  SLACK_TOKEN,
  startProduct,
  startScript,
  TELEGRAM_TOKEN,
  type Figure,
  type MemorySample,
} from "./support.js";

const run = promisify(execFile);
const CHANNEL = "C0BENCHNET";
const WARM = 20;

/**
 * `members` vote on one poll at the same moment, each click a signed request: every one acknowledged
 * within Slack's 3 s, p99 < 300 ms, and the tally exact. The baseline is a bare Bolt app that only
 * acknowledges, hit the same way.
 */
export async function votes(members: number): Promise<{ figures: Figure[]; memory: MemorySample[] }> {
  const slack = await SlackEmulator.start({ token: SLACK_TOKEN });
  const telegram = await TelegramEmulator.start({ token: TELEGRAM_TOKEN });
  const database = await freshDatabase();
  const prefix = `brbbench-votes-${Date.now()}`;
  const voters = Array.from({ length: members }, (_, i) => `U0VOTE${String(i).padStart(4, "0")}`);
  const warm = Array.from({ length: WARM }, (_, i) => `U0WARM${String(i).padStart(2, "0")}`);
  for (const id of [...voters, ...warm]) slack.member(id, id.toLowerCase());
  slack.join(COORDINATORS, "U0COORD");
  slack.makePrivate(COORDINATORS);
  const product = await startProduct({
    DATABASE_URL: database.url,
    REDIS_URL: BENCH_REDIS_URL,
    QUEUE_PREFIX: prefix,
    TELEGRAM_API_ROOT: telegram.url,
    SLACK_API_URL: slack.apiUrl,
  });
  const bare = await startScript("bare-slack", { SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_SIGNING_SECRET: SLACK_SECRET });
  try {
    // The poll, posted by the product as if a member had just created it.
    const queue = queueKit({ backend: "redis", prefix }).queue<{ outboxId: string }>(OUTBOUND_SLACK);
    database.db.relayTo((told) => enqueueOutboundSlack(queue, told.filter((t) => t.channel === "SLACK")));
    // The product created its network at start and linked it to the emulator's workspace.
    const network = await database.prisma.network.findUniqueOrThrow({ where: { slug: "beckum" }, select: { id: true } });
    const poll = await createPoll(database.db, network.id, { question: "Wann treffen wir uns?", options: [{ label: "Mo" }, { label: "Di" }, { label: "Mi" }], multiple: false, anonymous: false, datePoll: false }, CHANNEL, "U0CREATOR");
    await queue.close();
    const message = await slack.waitFor(() => slack.channelMessages(CHANNEL).find((m) => m.text?.includes("Wann treffen wir uns?")), 15_000);
    const options = await database.prisma.pollOption.findMany({ where: { pollId: poll.id }, orderBy: { position: "asc" } });
    const optionOf = (i: number) => options[i % options.length]?.id ?? "";
    const value = (i: number) => `${poll.id}:${optionOf(i)}`;
    const actionOf = (i: number) => choice(ACTIONS.vote, optionOf(i));

    // The bare app first, then the product; each warmed by a few clicks, as a running server is.
    slack.connect(`${bare.url}/slack/events`, SLACK_SECRET);
    await Promise.all(warm.map((member, i) => slack.clickButton(member, message, actionOf(i), { value: value(i) })));
    const baseline = await burst(slack, message, voters, value, actionOf);
    slack.connect(`${product.url}/slack/events`, SLACK_SECRET);
    await Promise.all(warm.map((member, i) => slack.clickButton(member, message, actionOf(i), { value: value(i) })));
    await sleep(2000);
    const measured = await burst(slack, message, voters, value, actionOf);

    const tally = async () => Promise.all(options.map((o) => database.prisma.pollVote.count({ where: { optionId: o.id } })));
    let counted = await tally();
    const deadline = Date.now() + 20_000;
    while (JSON.stringify(counted) !== JSON.stringify(expectedFor(options.length, voters.length, warm.length)) && Date.now() < deadline) {
      await sleep(250);
      counted = await tally();
    }
    const exact = JSON.stringify(counted) === JSON.stringify(expectedFor(options.length, voters.length, warm.length));
    const productMb = await settledRssMb(product.child.pid ?? 0);
    // Steady: once the burst's after-work is done and V8's memory reducer, which starts some 20 s after
    // allocation calms down, has given the burst's heap back (observed: 232 MB until 21 s, 169 MB from 23 s).
    const steadyMb = await settledRssMb(product.child.pid ?? 0, 35_000);

    const p99 = percentile(measured.ms, 0.99);
    const baseP99 = percentile(baseline.ms, 0.99);
    return {
      figures: [
        {
          name: `4. Slack votes: ${members} members at once, ack p99`,
          value: Math.round(p99),
          unit: "ms",
          baseline: { value: Math.round(baseP99), label: "bare Bolt app, ack only" },
          ratio: p99 / baseP99,
          target: "p99 < 300 ms, all < 3 s, tally exact",
          pass: p99 < 300 && measured.max < 3000 && measured.failed === 0 && exact,
          notes: `p50 ${Math.round(percentile(measured.ms, 0.5))} ms, max ${Math.round(measured.max)} ms, ${measured.failed} not 200 (bare p50 ${Math.round(percentile(baseline.ms, 0.5))}, max ${Math.round(baseline.max)} ms); tally ${counted.join("/")} ${exact ? "exact" : "WRONG"}`,
        },
      ],
      memory: [{ after: "votes", productMb, steadyMb }],
    };
  } finally {
    await product.stop();
    await bare.stop();
    await slack.close();
    await telegram.close();
    await database.drop();
    await deleteRedisPrefix(prefix);
  }
}

/** Voter i (warm-up voters after the others) chose option i mod n. */
function expectedFor(options: number, voters: number, warm: number): number[] {
  return Array.from({ length: options }, (_, o) => countMod(voters, options, o) + countMod(warm, options, o));
}
const countMod = (total: number, n: number, r: number) => Math.floor(total / n) + (r < total % n ? 1 : 0);

/** Every voter clicks at the same moment: signed requests sent all at once by a separate process. */
async function burst(slack: SlackEmulator, message: SlackSimMessage, voters: string[], value: (i: number) => string, actionOf: (i: number) => string) {
  const requests = voters.map((member, i) => slack.prepareClick(member, message, actionOf(i), { value: value(i) }));
  const file = path.join(tmpdir(), `brb-clicks-${process.pid}-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(requests));
  try {
    const { stdout } = await run(process.execPath, ["dist/bench/clicker.js", file], { maxBuffer: 10_000_000 });
    const answers = JSON.parse(stdout) as { status: number; ms: number }[];
    return { ms: answers.map((a) => a.ms), max: Math.max(...answers.map((a) => a.ms)), failed: answers.filter((a) => a.status !== 200).length };
  } finally {
    await rm(file, { force: true });
  }
}
