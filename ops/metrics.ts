import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The figures the product exposes on /metrics, in one registry per process. */
export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "brb_" });
  return {
    registry,
    updates: new Counter({
      name: "brb_telegram_updates_total",
      help: "Telegram updates received, by outcome (handled, duplicate, error; held, refused or lost in an outage)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    updatesHeld: new Gauge({
      name: "brb_telegram_updates_held",
      help: "Telegram updates kept in memory until the database answers again (long polling)",
      registers: [registry],
    }),
    updateSeconds: new Histogram({
      name: "brb_telegram_update_seconds",
      help: "Time to handle one Telegram update",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    outbound: new Counter({
      name: "brb_outbound_messages_total",
      help: "Messages handed to a platform, by channel and outcome",
      labelNames: ["channel", "outcome"] as const,
      registers: [registry],
    }),
    jobs: new Counter({
      name: "brb_jobs_total",
      help: "Queue jobs finished in this process, by queue and outcome",
      labelNames: ["queue", "outcome"] as const,
      registers: [registry],
    }),
    slackRequests: new Counter({
      name: "brb_slack_requests_total",
      help: "Slack requests handled, by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
  };
}
