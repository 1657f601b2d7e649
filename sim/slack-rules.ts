import { characters, type Json, type JsonObject, type Problem } from "./slack-spec/check.js";
import { checkBlocks, inputBlocks } from "./slack-spec/blocks.js";
import { checkView, type ViewKind } from "./slack-spec/views.js";

/**
 * Slack's rules for what the Web API accepts, as pure functions: the emulator asks them before it
 * accepts a message or a view, and answers a refusal the way Slack does. Every limit names the page of
 * Slack's documentation it comes from (in `slack-spec/`); error wording is Slack's where it is on record.
 *
 * Unknown argument names are not refused: Slack's Web API methods ignore arguments they do not define
 * (no method documents an error for one, and @slack/web-api's typings accept arbitrary extra keys), so
 * the emulator ignores them too. What Slack does validate strictly is the Block Kit inside `blocks` and
 * `view`: its JSON schema allows no additional properties, so neither does the emulator.
 */

export type { Json, JsonObject, Problem } from "./slack-spec/check.js";
export { checkBlocks } from "./slack-spec/blocks.js";
export { checkView, type ViewKind } from "./slack-spec/views.js";

/** Slack's answer to a call it refuses (HTTP 200, `ok: false`). */
export type SlackRefusal = {
  ok: false;
  error: string;
  /** Present on `invalid_blocks`: each problem as "message [json-pointer:/blocks/…]". */
  errors?: string[];
  response_metadata?: { messages: string[] };
};

/** Whether Slack accepts a call, or how it refuses it. */
export type Verdict = { ok: true } | SlackRefusal;

const ACCEPTED: Verdict = { ok: true };

/** Slack truncates a message's text past 40,000 characters; the emulator refuses it as `msg_too_long`. */
// https://docs.slack.dev/reference/methods/chat.postMessage ("truncating content": 40,000 characters; error msg_too_long)
export const MAX_TEXT = 40_000;

const pointed = (problem: Problem): string => `${problem.message} [json-pointer:${problem.pointer}]`;

/**
 * `invalid_blocks` as chat.postMessage answers it, e.g.
 * `{"ok":false,"error":"invalid_blocks","errors":["invalid_url [json-pointer:/blocks/0/slack_file.url]"],
 *   "response_metadata":{"messages":["[ERROR] invalid_url [json-pointer:/blocks/0/slack_file.url]"]}}`
 * (slackapi/bolt-python#1016, slack-go/slack misc_test.go).
 */
export function invalidBlocks(problems: Problem[]): SlackRefusal {
  const errors = problems.map(pointed);
  return { ok: false, error: "invalid_blocks", errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}

/**
 * `invalid_arguments` as the views methods answer a bad view: only response_metadata messages, e.g.
 * "[ERROR] missing required field: title [json-pointer:/view]" (slackapi/java-slack-sdk#302) or
 * "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks/0/element/options]".
 */
export function invalidArguments(problems: Problem[]): SlackRefusal {
  return { ok: false, error: "invalid_arguments", response_metadata: { messages: problems.map((p) => `[ERROR] ${pointed(p)}`) } };
}

/** The problems of a refusal as one list of strings (for the emulator's record of violations). */
export function problemsOf(refusal: SlackRefusal): string[] {
  return refusal.errors ?? refusal.response_metadata?.messages ?? [refusal.error];
}

/** A form-encoded argument holds JSON as a string; a JSON body holds it as a value. */
function jsonArgument(value: unknown): { ok: true; value: Json | undefined } | { ok: false } {
  if (value === undefined) return { ok: true, value: undefined };
  if (typeof value !== "string") return { ok: true, value: value as Json };
  try {
    return { ok: true, value: JSON.parse(value) as Json };
  } catch {
    return { ok: false };
  }
}

const present = (value: unknown): boolean => value !== undefined && value !== null && value !== "";

/**
 * chat.postMessage, chat.postEphemeral and chat.update: `blocks` must be a JSON array
 * (`invalid_blocks_format`), there must be text, blocks or attachments (`no_text`), text at most 40,000
 * characters (`msg_too_long`), and the blocks must pass Block Kit's rules (`invalid_blocks`). Blocks
 * without a top-level `text` are accepted, as Slack accepts them (it recommends a fallback text; only
 * the SDKs warn about it).
 * https://docs.slack.dev/reference/methods/chat.postMessage
 */
export function checkMessageArguments(params: Record<string, unknown>): Verdict {
  const blocks = jsonArgument(params.blocks);
  if (!blocks.ok || (blocks.value !== undefined && !Array.isArray(blocks.value))) return { ok: false, error: "invalid_blocks_format" };
  if (!present(params.text) && !present(params.blocks) && !present(params.attachments)) return { ok: false, error: "no_text" };
  if (typeof params.text === "string" && characters(params.text, MAX_TEXT) > MAX_TEXT) return { ok: false, error: "msg_too_long" };
  if (blocks.value === undefined) return ACCEPTED;
  const problems = checkBlocks(blocks.value, "message", "/blocks");
  return problems.length === 0 ? ACCEPTED : invalidBlocks(problems);
}

/**
 * views.open, views.push, views.update (a modal) and views.publish (a Home tab): the view must parse
 * and pass the view's and Block Kit's rules; Slack answers `invalid_arguments` with its messages.
 * https://docs.slack.dev/reference/methods/views.open
 */
export function checkViewArguments(params: Record<string, unknown>, kind: ViewKind): Verdict {
  const view = jsonArgument(params.view);
  if (!view.ok) return invalidArguments([{ message: "must provide an object", pointer: "/view" }]);
  if (view.value === undefined) return invalidArguments([{ message: "missing required field: view", pointer: "" }]);
  const problems = checkView(view.value, kind);
  return problems.length === 0 ? ACCEPTED : invalidArguments(problems);
}

const VIEW_METHODS: Readonly<Record<string, ViewKind>> = { "views.open": "modal", "views.push": "modal", "views.update": "modal", "views.publish": "home" };
const MESSAGE_METHODS = new Set(["chat.postMessage", "chat.postEphemeral", "chat.update"]);

/**
 * Checks a Web API call the emulator serves before it is carried out; methods without Block Kit
 * arguments are accepted as they are.
 *
 * @example
 * checkWebApiCall("chat.postMessage", { channel: "C1", text: "Poll", blocks: JSON.stringify(blocksWithTwoButtonsSharingAnActionId) })
 * // → { ok: false, error: "invalid_blocks", errors: ['`action_id` "poll_vote" already exists [json-pointer:/blocks/1/elements/1/action_id]'], … }
 */
export function checkWebApiCall(method: string, params: Record<string, unknown>): Verdict {
  if (MESSAGE_METHODS.has(method)) return checkMessageArguments(params);
  const kind = VIEW_METHODS[method];
  if (!kind) return ACCEPTED;
  // views.update replaces any view by its id, a Home tab's too.
  return checkViewArguments(params, method === "views.update" && viewType(params.view) === "home" ? "home" : kind);
}

function viewType(view: unknown): unknown {
  const parsed = jsonArgument(view);
  return parsed.ok && typeof parsed.value === "object" && parsed.value !== null && !Array.isArray(parsed.value) ? parsed.value.type : undefined;
}

/**
 * A message sent to a response URL, or returned as a slash command's immediate answer: the same
 * message rules as chat.postMessage, except that deleting the original needs no content. Slack answers
 * a response URL like an incoming webhook: HTTP 400 with the error as plain text, e.g. `invalid_blocks`
 * (slackapi/java-slack-sdk#1017, sourcegraph/sourcegraph#49979).
 * https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
 */
export function checkResponseMessage(body: Record<string, unknown>): Verdict {
  if (body.delete_original === true) return ACCEPTED;
  return checkMessageArguments(body);
}

/** A required input Slack's client would not let a member submit, and why. */
export type RefusedInput = { blockId: string; reason: "required" | "too_short" | "too_long"; limit?: number };

/** The state of one input as a view_submission carries it, e.g. `{ type: "plain_text_input", value: "…" }`. */
export type InputState = Record<string, unknown>;

const STATE_FIELDS = [
  "value",
  "selected_option",
  "selected_options",
  "selected_date",
  "selected_time",
  "selected_date_time",
  "selected_user",
  "selected_users",
  "selected_conversation",
  "selected_conversations",
  "selected_channel",
  "selected_channels",
  "files",
  "rich_text_value",
];

const isState = (value: unknown): value is InputState => typeof value === "object" && value !== null && !Array.isArray(value);

const filled = (value: unknown): boolean => value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

/** Whether an element starts with a value that Slack would submit untouched. */
function hasInitialValue(element: JsonObject): boolean {
  if (element.default_to_current_conversation === true) return true;
  return Object.keys(element).some((key) => key.startsWith("initial_") && filled(element[key]));
}

function refusal(blockId: string, element: JsonObject, state: InputState | undefined, optional: boolean): RefusedInput | undefined {
  const given = state !== undefined && STATE_FIELDS.some((field) => filled(state[field]));
  if (!given) return optional || (state === undefined && hasInitialValue(element)) ? undefined : { blockId, reason: "required" };
  const text = state.value;
  if (element.type !== "plain_text_input" || typeof text !== "string") return undefined;
  if (typeof element.max_length === "number" && characters(text, element.max_length) > element.max_length) return { blockId, reason: "too_long", limit: element.max_length };
  if (typeof element.min_length === "number" && [...text].length < element.min_length) return { blockId, reason: "too_short", limit: element.min_length };
  return undefined;
}

/**
 * What Slack's client refuses to submit: a non-optional input left empty ("This field is required"),
 * or a plain-text input outside its min_length/max_length. Slack sends no view_submission then.
 * An input the submission leaves out counts as untouched: filled if its element has an initial value.
 * https://docs.slack.dev/reference/block-kit/blocks/input-block ("optional … Defaults to false")
 *
 * @example
 * refusedInputs(view, { note: { note_input: { type: "plain_text_input", value: "" } } })
 * // → [{ blockId: "note", reason: "required" }]
 */
export function refusedInputs(view: JsonObject, values: Record<string, Record<string, unknown>>): RefusedInput[] {
  return inputBlocks(view.blocks).flatMap(({ blockId, element, optional }) => {
    const states = values[blockId];
    const actionId = typeof element.action_id === "string" ? element.action_id : Object.keys(states ?? {})[0];
    const state = actionId === undefined ? undefined : states?.[actionId];
    const refused = refusal(blockId, element, isState(state) ? state : undefined, optional);
    return refused ? [refused] : [];
  });
}

/** The message Slack's client shows under a refused input (emulator wording for the length limits). */
export function refusalText(refused: RefusedInput): string {
  if (refused.reason === "required") return "This field is required";
  return refused.reason === "too_long" ? `Must be at most ${refused.limit} characters` : `Must be at least ${refused.limit} characters`;
}
