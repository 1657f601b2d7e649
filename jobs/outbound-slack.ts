import { DelayedError, Worker, type Job, type Queue } from "bullmq";
import type { types, webApi } from "@slack/bolt";
import type { Core } from "../core/index.js";
import type { ClaimedMessage } from "../core/outbox-sending.js";
import type { Logger } from "../ops/log.js";
import type { Metrics } from "../ops/metrics.js";
import { SLACK_TEMPLATES, type SlackIntent, type SlackTemplate } from "../core/outbox.js";
import type { Queues } from "./connection.js";

/** Messages the bot posts in Slack channels (coordinators' alerts, registrations, announcements). */
export const OUTBOUND_SLACK = "outbound-slack";

/** A job carries the outbox row's id and the network whose workspace the message goes to; never its content. */
export type OutboundSlackJob = { outboxId: string; network?: string };

/** A Slack message rendered from current data; undefined when the entity is gone. */
export type SlackMessage = { text: string; blocks?: types.KnownBlock[] };
/** Renders a template for an entity of a network (the network the outbox row names). */
export type SlackRenderer = (template: SlackTemplate, id: string, networkId: string) => Promise<SlackMessage | undefined>;

/** Job ids from outbox ids: a row is queued at most once while its job exists. */
export const outboundSlackJobId = (outboxId: bigint) => `slack-${outboxId}`;

export async function enqueueOutboundSlack(queue: Queue<OutboundSlackJob>, rows: { id: bigint; network?: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await queue.addBulk(
    rows.map(({ id, network }) => ({
      name: "post",
      data: { outboxId: String(id), ...(network ? { network } : {}) },
      opts: { jobId: outboundSlackJobId(id), attempts: 10, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
    })),
  );
}

/**
 * Posts and updates Slack messages in order per channel, at Slack's pace (about one message a second per
 * channel), waiting as long as Slack asks on 429. Each message goes out with the client of its workspace
 * (`teamOf`; null, the default, is the single workspace); a message for a workspace the app is not installed
 * in is marked failed, as one Slack refuses.
 */
export function startOutboundSlack(deps: {
  core: Core;
  queues: Queues;
  /** A client per workspace (bot/slack-clients.ts); undefined where the app is not installed. */
  clients: { forTeam: (teamId: string | null) => Promise<webApi.WebClient | undefined> };
  /** The Slack workspace a message goes to (its network's); null: the single workspace. */
  teamOf?: (message: ClaimedMessage) => Promise<string | null>;
  render: SlackRenderer;
  log: Logger;
  metrics: Metrics;
  channelIntervalMs: number;
}): Worker<OutboundSlackJob> {
  const pace = { leaseMs: 30_000, intervalMs: deps.channelIntervalMs };
  const worker: Worker<OutboundSlackJob> = deps.queues.worker<OutboundSlackJob>(
    OUTBOUND_SLACK,
    async (job: Job<OutboundSlackJob>, token?: string) => {
      const outboxId = BigInt(job.data.outboxId);
      const claim = await deps.core.outbox.claimNext(outboxId, pace);
      if (claim.kind === "done") return;
      if (claim.kind === "wait") return retryAt(job, Date.now() + claim.ms, token);
      const { message } = claim;
      const intent = message.payload as SlackIntent;
      if (!(SLACK_TEMPLATES as readonly string[]).includes(intent.template)) {
        // A row written by an older version with a template this one no longer has: retrying cannot help.
        await deps.core.outbox.markFailed(message.id, `no Slack template ${intent.template}`);
        deps.log.error({ outboxId: String(message.id), template: intent.template }, "slack message of an unknown template");
        if (message.id !== outboxId) return retryAt(job, Date.now(), token);
        return;
      }
      const workspace = await workspaceOf(deps, message).catch(async (error: unknown) => {
        await deps.core.outbox.release(message.id);
        throw error;
      });
      if (!workspace.client) {
        const reason = workspace.teamId ? `the Slack app is not installed in workspace ${workspace.teamId}` : "no Slack workspace is known for this message";
        await deps.core.outbox.markFailed(message.id, reason);
        deps.metrics.outbound.inc({ channel: "slack", outcome: "failed" });
        deps.log.warn({ outboxId: String(message.id), teamId: workspace.teamId }, "slack message for a workspace without the app");
        if (message.id !== outboxId) return retryAt(job, Date.now(), token);
        return;
      }
      const { client } = workspace;
      try {
        const sentRef = await deliver({ ...deps, client }, message, intent);
        await deps.core.outbox.markSent(message.id, sentRef);
        deps.metrics.outbound.inc({ channel: "slack", outcome: "sent" });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === "slack_webapi_rate_limited_error") {
          await deps.core.outbox.release(message.id);
          deps.metrics.outbound.inc({ channel: "slack", outcome: "rate_limited" });
          await worker.rateLimit(((error as { retryAfter?: number }).retryAfter ?? 1) * 1000);
          throw Worker.RateLimitError();
        }
        if (code === "slack_webapi_platform_error") {
          const reason = (error as { data?: { error?: string } }).data?.error ?? "platform error";
          await deps.core.outbox.markFailed(message.id, reason);
          deps.metrics.outbound.inc({ channel: "slack", outcome: "failed" });
          deps.log.warn({ outboxId: String(message.id), reason }, "slack refused a message");
        } else {
          await deps.core.outbox.release(message.id);
          throw error;
        }
      }
      if (message.id !== outboxId) return retryAt(job, Date.now(), token);
    },
    { concurrency: 4 },
  );
  return worker;
}

/** The message's workspace, and its client unless the app is not installed there. */
async function workspaceOf(
  deps: Pick<Parameters<typeof startOutboundSlack>[0], "clients" | "teamOf">,
  message: ClaimedMessage,
): Promise<{ teamId: string | null; client: webApi.WebClient | undefined }> {
  const teamId = (await deps.teamOf?.(message)) ?? null;
  return { teamId, client: await deps.clients.forTeam(teamId) };
}

async function retryAt(job: Job, timestamp: number, token: string | undefined): Promise<never> {
  await job.moveToDelayed(timestamp, token);
  throw new DelayedError();
}

async function deliver(deps: { core: Core; client: webApi.WebClient; render: SlackRenderer }, message: ClaimedMessage, intent: SlackIntent): Promise<string | undefined> {
  // A row of an older version without its network has nobody to render it for.
  const rendered = message.networkId ? await deps.render(intent.template, intent.id, message.networkId) : undefined;
  if (!rendered) return undefined;
  const channel = message.recipient;
  if (intent.kind === "update") {
    const ts = await deps.core.outbox.sentRefOf(BigInt(intent.outboxId));
    if (ts === undefined) return undefined;
    await deps.client.chat.update({ channel, ts, text: rendered.text, ...(rendered.blocks ? { blocks: rendered.blocks } : {}) });
    return ts;
  }
  const posted = await deps.client.chat.postMessage({ channel, text: rendered.text, ...(rendered.blocks ? { blocks: rendered.blocks } : {}) });
  return posted.ts;
}
