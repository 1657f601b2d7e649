/**
 * The vocabulary of Slack's Block Kit validation: JSON values, problems with a JSON pointer, and the
 * field checks every block and element is made of. Messages use Slack's own wording where it is on
 * record (each quoted in a comment with where it was seen); the rest follows the same pattern.
 */

/** A JSON value as Slack parses it. */
export type Json = string | number | boolean | null | Json[] | JsonObject;
/** A JSON object; `undefined` only because a key may be absent. */
export type JsonObject = { readonly [key: string]: Json | undefined };

/** One thing Slack refuses: its message and the JSON pointer of the offending value. */
export type Problem = { message: string; pointer: string };

/** Where Block Kit is rendered: the limits and the allowed blocks differ per surface. */
export type Surface = "message" | "modal" | "home";

/** What a check needs while it walks one payload. */
export type Walk = {
  readonly problems: Problem[];
  readonly surface: Surface;
  /** `block_id`s seen so far: they are unique per message or view. */
  readonly blockIds: Set<string>;
  /** `action_id`s seen so far in the current block: they are unique within it. */
  actionIds: Set<string>;
};

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function report(walk: Walk, pointer: string, message: string): void {
  walk.problems.push({ message, pointer });
}

/** Characters as Slack counts them (code points), computed only when the UTF-16 length could exceed the limit. */
export function characters(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

// Slack: "invalid additional property: emoji [json-pointer:/blocks/3/text]" (slack-go/slack misc_test.go).
export function onlyKeys(walk: Walk, object: JsonObject, allowed: ReadonlySet<string>, at: string): void {
  for (const key of Object.keys(object)) if (!allowed.has(key)) report(walk, at, `invalid additional property: ${key}`);
}

// Slack: "missing required field: title [json-pointer:/view]" (slackapi/java-slack-sdk#302).
export function requireKey(walk: Walk, object: JsonObject, key: string, at: string): boolean {
  if (object[key] !== undefined) return true;
  report(walk, at, `missing required field: ${key}`);
  return false;
}

/** Length limits of a string field: Slack's `minLength`/`maxLength`. */
export type Length = { min?: number; max?: number };

// Slack: "must be less than 3001 characters [json-pointer:/blocks/1/text/text]" (metabase/metabase#74943),
// "must be more than 0 characters [json-pointer:/blocks/1/text/text]", "must provide a string [json-pointer:…]".
export function checkString(walk: Walk, value: Json | undefined, at: string, length: Length = {}): value is string {
  if (typeof value !== "string") {
    report(walk, at, "must provide a string");
    return false;
  }
  const min = length.min ?? 0;
  if (min > 0 && value.length < min) report(walk, at, `must be more than ${min - 1} characters`);
  if (length.max !== undefined && characters(value, length.max) > length.max) report(walk, at, `must be less than ${length.max + 1} characters`);
  return true;
}

export function checkBoolean(walk: Walk, value: Json | undefined, at: string): void {
  if (typeof value !== "boolean") report(walk, at, "must provide a boolean");
}

/** Emulator wording for integer ranges (Slack's own wording for them is not on record). */
export function checkInteger(walk: Walk, value: Json | undefined, at: string, range: { min?: number; max?: number } = {}): void {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    report(walk, at, "must provide an integer");
    return;
  }
  if (range.min !== undefined && value < range.min) report(walk, at, `must be greater than or equal to ${range.min}`);
  if (range.max !== undefined && value > range.max) report(walk, at, `must be less than or equal to ${range.max}`);
}

// Slack: "must be a valid enum value [json-pointer:/status]" (agents.sessions.setStatus, seen in several apps' notes).
export function checkEnum(walk: Walk, value: Json | undefined, at: string, values: readonly string[]): value is string {
  if (typeof value === "string" && values.includes(value)) return true;
  report(walk, at, "must be a valid enum value");
  return false;
}

/** Item limits of an array field: Slack's `minItems`/`maxItems`. */
export type Items = { min?: number; max?: number };

// Slack: "no more than 50 items allowed [json-pointer:/blocks]" (symfony/slack-notifier tests, many apps' notes);
// the minimum is emulator wording by analogy.
export function checkArray(walk: Walk, value: Json | undefined, at: string, items: Items = {}): value is Json[] {
  if (!Array.isArray(value)) {
    report(walk, at, "must provide an array");
    return false;
  }
  if (items.max !== undefined && value.length > items.max) report(walk, at, `no more than ${items.max} items allowed`);
  if (items.min !== undefined && value.length < items.min) report(walk, at, `no less than ${items.min} items allowed`);
  return true;
}

export function checkObject(walk: Walk, value: Json | undefined, at: string): value is JsonObject {
  if (isObject(value)) return true;
  report(walk, at, "must provide an object");
  return false;
}

// Slack: "[ERROR] `action_id` \"trigger_disambiguate\" already exists [json-pointer:/blocks/1/elements/1/action_id]".
export function checkUnique(walk: Walk, seen: Set<string>, field: "action_id" | "block_id", value: string, at: string): void {
  if (seen.has(value)) report(walk, at, `\`${field}\` "${value}" already exists`);
  else seen.add(value);
}

/** Extends a JSON pointer by one key or index (RFC 6901 escaping). */
export function under(at: string, key: string | number): string {
  if (typeof key === "number" || !(key.includes("~") || key.includes("/"))) return `${at}/${key}`;
  return `${at}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
}
