import { OUTBOUND_SLACK } from "./outbound-slack.js";
import { OUTBOUND_TELEGRAM } from "./outbound-telegram.js";
import { OUTBOX_SWEEP } from "./outbox.js";
import { DIGEST, RETENTION } from "./schedules.js";
import { DISPATCH, MEETINGS, POLLS, SLACK_REFRESH } from "./wake-ups.js";

/** Every queue of the product, once: the workers are started for these, and Bull Board shows them. */
export const QUEUE_NAMES = [OUTBOUND_TELEGRAM, OUTBOUND_SLACK, DISPATCH, MEETINGS, POLLS, SLACK_REFRESH, DIGEST, OUTBOX_SWEEP, RETENTION] as const;
