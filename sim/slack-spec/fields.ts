import {
  checkArray,
  checkBoolean,
  checkEnum,
  checkInteger,
  checkObject,
  checkString,
  onlyKeys,
  report,
  requireKey,
  under,
  type Json,
  type JsonObject,
  type Length,
  type Walk,
} from "./check.js";

/**
 * What one field of a block, element or composition object may hold. A spec's field table is also its
 * list of allowed keys: Slack's Block Kit schema has `additionalProperties: false` everywhere.
 */
export type Field = { required?: boolean } & (
  | ({ kind: "string" } & Length)
  | { kind: "boolean" }
  | { kind: "integer"; min?: number; max?: number }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "text"; plain: boolean; max: number }
  | { kind: "options"; min: number; max: number; mrkdwn?: boolean; url?: boolean }
  | { kind: "option"; mrkdwn?: boolean }
  | { kind: "optionGroups" }
  | { kind: "confirm" }
  | { kind: "strings"; max?: number }
  | { kind: "pattern"; pattern: RegExp; format: string }
  | { kind: "any" }
);

/** A table of fields; `type` is implied. */
export type Fields = Readonly<Record<string, Field>>;

/** A field table's allowed keys and entries, worked out once per table (the emulator checks hundreds of calls a second). */
const compiled = new WeakMap<Fields, { keys: ReadonlySet<string>; entries: [string, Field][] }>();

function compile(fields: Fields): { keys: ReadonlySet<string>; entries: [string, Field][] } {
  let table = compiled.get(fields);
  if (!table) {
    table = { keys: new Set(["type", ...Object.keys(fields)]), entries: Object.entries(fields) };
    compiled.set(fields, table);
  }
  return table;
}

/** Checks an object against a field table: unknown keys, required keys, each present field. */
export function checkFields(walk: Walk, object: JsonObject, fields: Fields, at: string): void {
  const { keys, entries } = compile(fields);
  onlyKeys(walk, object, keys, at);
  for (const [key, field] of entries) {
    const value = object[key];
    if (value === undefined) {
      if (field.required) requireKey(walk, object, key, at);
      continue;
    }
    checkField(walk, value, field, under(at, key));
  }
}

function checkField(walk: Walk, value: Json, field: Field, at: string): void {
  switch (field.kind) {
    case "string":
      checkString(walk, value, at, field);
      return;
    case "boolean":
      checkBoolean(walk, value, at);
      return;
    case "integer":
      checkInteger(walk, value, at, field);
      return;
    case "enum":
      checkEnum(walk, value, at, field.values);
      return;
    case "text":
      checkText(walk, value, at, field);
      return;
    case "options":
      if (checkArray(walk, value, at, field)) value.forEach((option, i) => checkOption(walk, option, under(at, i), field));
      return;
    case "option":
      checkOption(walk, value, at, field);
      return;
    case "optionGroups":
      checkOptionGroups(walk, value, at);
      return;
    case "confirm":
      checkConfirm(walk, value, at);
      return;
    case "strings":
      if (checkArray(walk, value, at, field)) value.forEach((item, i) => checkString(walk, item, under(at, i)));
      return;
    case "pattern":
      // Emulator wording: Slack's message for a malformed date or time is not on record.
      if (checkString(walk, value, at) && !field.pattern.test(value)) report(walk, at, `must match the format ${field.format}`);
      return;
    case "any":
      return;
  }
}

const PLAIN_ONLY = ["plain_text"];
const TEXT_TYPES = ["plain_text", "mrkdwn"];
const PLAIN_KEYS: Fields = { text: { kind: "string", required: true }, emoji: { kind: "boolean" } };
const MRKDWN_KEYS: Fields = { text: { kind: "string", required: true }, verbatim: { kind: "boolean" } };

/**
 * A text object: `type` plain_text or mrkdwn, `text` 1 to `max` characters, `emoji` only on plain_text,
 * `verbatim` only on mrkdwn. Slack reports a bad text object twice, as in
 * "failed to match all allowed schemas [json-pointer:/blocks/1/text]" followed by
 * "must be less than 3001 characters [json-pointer:/blocks/1/text/text]" (metabase/metabase#74943).
 * https://docs.slack.dev/reference/block-kit/composition-objects/text-object
 */
export function checkText(walk: Walk, value: Json | undefined, at: string, rule: { plain: boolean; max: number }): void {
  const before = walk.problems.length;
  if (checkObject(walk, value, at) && requireKey(walk, value, "type", at)) {
    const types = rule.plain ? PLAIN_ONLY : TEXT_TYPES;
    if (checkEnum(walk, value.type, under(at, "type"), types)) {
      checkFields(walk, value, value.type === "plain_text" ? PLAIN_KEYS : MRKDWN_KEYS, at);
      if (typeof value.text === "string") checkString(walk, value.text, under(at, "text"), { min: 1, max: rule.max });
    }
  }
  if (walk.problems.length > before) walk.problems.splice(before, 0, { message: "failed to match all allowed schemas", pointer: at });
}

/**
 * An option: text ≤ 75 (plain_text in selects and overflow menus, mrkdwn allowed in checkboxes and radio
 * buttons), value ≤ 150, description ≤ 75, url ≤ 3000 only in overflow menus.
 * https://docs.slack.dev/reference/block-kit/composition-objects/option-object
 */
export function checkOption(walk: Walk, value: Json | undefined, at: string, rule: { mrkdwn?: boolean; url?: boolean }): void {
  if (!checkObject(walk, value, at)) return;
  const plain = !rule.mrkdwn;
  checkFields(walk, value, rule.url ? (plain ? OPTION_URL : OPTION_MRKDWN_URL) : plain ? OPTION : OPTION_MRKDWN, at);
}

const optionFields = (plain: boolean, url: boolean): Fields => ({
  text: { kind: "text", plain, max: 75, required: true },
  value: { kind: "string", max: 150, required: true },
  description: { kind: "text", plain, max: 75 },
  ...(url ? { url: { kind: "string", max: 3000 } as const } : {}),
});
const OPTION = optionFields(true, false);
const OPTION_URL = optionFields(true, true);
const OPTION_MRKDWN = optionFields(false, false);
const OPTION_MRKDWN_URL = optionFields(false, true);

// https://docs.slack.dev/reference/block-kit/composition-objects/option-group-object: label ≤ 75, options ≤ 100.
const OPTION_GROUP: Fields = {
  label: { kind: "text", plain: true, max: 75, required: true },
  options: { kind: "options", min: 1, max: 100, required: true },
};

/** `option_groups` of a select menu: at most 100 groups. */
function checkOptionGroups(walk: Walk, value: Json, at: string): void {
  if (!checkArray(walk, value, at, { max: 100 })) return;
  value.forEach((group, i) => {
    if (checkObject(walk, group, under(at, i))) checkFields(walk, group, OPTION_GROUP, under(at, i));
  });
}

// https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object:
// title ≤ 100, text ≤ 300, confirm ≤ 30, deny ≤ 30, style primary or danger.
const CONFIRM: Fields = {
  title: { kind: "text", plain: true, max: 100, required: true },
  text: { kind: "text", plain: false, max: 300, required: true },
  confirm: { kind: "text", plain: true, max: 30, required: true },
  deny: { kind: "text", plain: true, max: 30, required: true },
  style: { kind: "enum", values: ["primary", "danger"] },
};

function checkConfirm(walk: Walk, value: Json, at: string): void {
  if (checkObject(walk, value, at)) checkFields(walk, value, CONFIRM, at);
}

/** True when a select menu carries exactly one of `options` and `option_groups`, as Slack requires. */
export function oneOptionSource(element: JsonObject): boolean {
  return (element.options !== undefined) !== (element.option_groups !== undefined);
}

