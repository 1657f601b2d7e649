import { METHOD_NAMES, METHODS, OPAQUE_TYPES, TYPE_SENTENCES, TYPES, type FieldSpec } from "./telegram-spec/bot-api.js";

/**
 * The rules of the Telegram Bot API that the emulator enforces, built once at load from the table in
 * `telegram-spec/bot-api.ts`: the method exists, required parameters are there, no parameter or field is
 * unknown, values have the documented types (objects checked field by field), and the limits that the
 * documentation states are kept. Answers use Telegram's own wording where it is on record; each is
 * cited where it is written.
 */

/** Which rule a call broke. */
export type Rule =
  | "unknown-method"
  | "missing-parameter"
  | "unknown-parameter"
  | "wrong-type"
  | "unparsable-json"
  | "missing-field"
  | "unknown-field"
  | "wrong-value"
  | "length"
  | "button-type"
  | "button-text"
  | "command-name";

/** A call Telegram refuses, with the HTTP status and description Telegram answers it with. */
export type Violation = { status: 400 | 404; rule: Rule; description: string };

type Scalar = "Integer" | "Float" | "String" | "Boolean" | "InputFile";
type TypeExpr =
  | { kind: "scalar"; name: Scalar }
  | { kind: "array"; of: TypeExpr }
  | { kind: "object"; name: string }
  | { kind: "union"; of: readonly TypeExpr[] };
type Limit = { min: number; max: number; unit: "characters" | "bytes" | "items" };
type FieldRule = {
  name: string;
  /** The method or type the field belongs to. */
  owner: string;
  required: boolean;
  type: TypeExpr;
  text: string;
  limit?: Limit;
  /** The one value the field may hold (the `type` of a BotCommandScope). */
  is?: string;
  afterEntities: boolean;
};
type ObjectRule = {
  name: string;
  fields: ReadonlyMap<string, FieldRule>;
  required: readonly FieldRule[];
  /** The field whose value tells the members of a union apart (`type` of a BotCommandScope). */
  tag?: FieldRule;
  /** Fields of which one ("exactly") or at most one may be set: the kind of a button. */
  kinds?: { fields: readonly string[]; exactly: boolean };
  /** A plain string may stand for the object (a simple reply keyboard button). */
  stringAllowed: boolean;
  opaque: boolean;
};
/**
 * What is wrong, in Telegram's words: `bare` messages stand alone, the others get the prefix of the
 * outermost object they were found in (`within`) or of their parameter (`param`).
 */
type Problem = { rule: Rule; message: string; bare: boolean; within?: string; param?: string };

const SCALARS = new Set<string>(["Integer", "Float", "String", "Boolean", "InputFile"]);

// ---- the table, compiled once ----

function parseType(text: string): TypeExpr {
  const members = text.split(" or ").map(parseMember);
  return members.length === 1 && members[0] ? members[0] : { kind: "union", of: members };
}

function parseMember(text: string): TypeExpr {
  if (text.startsWith("Array of ")) return { kind: "array", of: parseMember(text.slice("Array of ".length)) };
  if (SCALARS.has(text)) return { kind: "scalar", name: text as Scalar };
  const alias = TYPES[text];
  return typeof alias === "string" ? parseType(alias) : { kind: "object", name: text };
}

/** Reads a limit from the documentation's sentence: "1-4096 characters", "1-64 bytes", "At most 100". */
function limitOf(says: string): Limit | undefined {
  const range = /(\d+)-(\d+) (characters|bytes)/.exec(says);
  if (range) return { min: Number(range[1]), max: Number(range[2]), unit: range[3] === "bytes" ? "bytes" : "characters" };
  const most = /At most (\d+)/.exec(says);
  return most ? { min: 0, max: Number(most[1]), unit: "items" } : undefined;
}

function compileField(owner: string, name: string, spec: FieldSpec): FieldRule {
  const text = typeof spec === "string" ? spec : spec.type;
  const required = text.startsWith("required ");
  const typeText = required ? text.slice("required ".length) : text;
  const says = typeof spec !== "string" && "says" in spec ? spec.says : "";
  const limit = limitOf(says);
  return {
    name,
    owner,
    required,
    type: parseType(typeText),
    text: typeText,
    ...(limit ? { limit } : {}),
    ...(typeof spec !== "string" && "is" in spec ? { is: spec.is } : {}),
    afterEntities: /after entit(y|ies) parsing/.test(says),
  };
}

function compileFields(owner: string, specs: Readonly<Record<string, FieldSpec>>): ReadonlyMap<string, FieldRule> {
  return new Map(Object.entries(specs).map(([name, spec]) => [name, compileField(owner, name, spec)]));
}

/** "Exactly one of the fields other than text, icon_custom_emoji_id, and style must be used …" */
function kindsOf(fields: ReadonlyMap<string, FieldRule>, sentence: string): ObjectRule["kinds"] {
  const rule = /(Exactly|At most) one of the fields other than (.+?) must be used/.exec(sentence);
  if (!rule?.[2]) return undefined;
  const others = new Set(rule[2].split(/,\s*(?:and\s+)?|\s+and\s+/));
  return { fields: [...fields.keys()].filter((f) => !others.has(f)), exactly: rule[1] === "Exactly" };
}

function compileObjects(): ReadonlyMap<string, ObjectRule> {
  const objects = new Map<string, ObjectRule>();
  for (const [name, spec] of Object.entries(TYPES)) {
    if (typeof spec === "string") continue;
    const fields = compileFields(name, spec);
    const sentence = TYPE_SENTENCES[name] ?? "";
    const kinds = kindsOf(fields, sentence);
    const tag = [...fields.values()].find((f) => f.is !== undefined);
    objects.set(name, {
      name,
      fields,
      required: [...fields.values()].filter((f) => f.required),
      ...(tag ? { tag } : {}),
      ...(kinds ? { kinds } : {}),
      stringAllowed: sentence.includes("String can be used instead of this object"),
      opaque: false,
    });
  }
  for (const name of OPAQUE_TYPES) objects.set(name, { name, fields: new Map(), required: [], stringAllowed: false, opaque: true });
  return objects;
}

/** Every object type a field names must be in the table: a gap shows when the module loads. */
function assertResolvable(type: TypeExpr): void {
  if (type.kind === "array") assertResolvable(type.of);
  else if (type.kind === "union") type.of.forEach(assertResolvable);
  else if (type.kind === "object") objectRule(type.name);
}

const OBJECTS = compileObjects();
const METHOD_RULES: ReadonlyMap<string, ReadonlyMap<string, FieldRule>> = new Map(
  Object.entries(METHODS).map(([method, params]) => [method, compileFields(method, params)]),
);
for (const fields of [...METHOD_RULES.values(), ...[...OBJECTS.values()].map((o) => o.fields)]) {
  for (const f of fields.values()) assertResolvable(f.type);
}
/** Telegram reads method names without regard to case (the Bot API server lower-cases them). */
const CANONICAL = new Map(METHOD_NAMES.map((name) => [name.toLowerCase(), name]));

// ---- Telegram's wording ----

/**
 * Telegram's prefixes for a value it could not read inside these objects; in the Bot API server
 * (tdlib/telegram-bot-api, Client.cpp): "Can't parse inline keyboard button: …", "Can't parse
 * keyboard button: …", "Can't parse BotCommand: …", "Can't parse MessageEntity: …".
 */
const PREFIXES: Readonly<Record<string, string>> = {
  InlineKeyboardButton: "can't parse inline keyboard button",
  KeyboardButton: "can't parse keyboard button",
  BotCommand: "can't parse BotCommand",
  MessageEntity: "can't parse MessageEntity",
};

/** Client.cpp: "Can't parse reply keyboard markup JSON object", "Can't parse commands JSON object", … */
const JSON_NAMES: Readonly<Record<string, string>> = {
  reply_markup: "reply keyboard markup",
  scope: "BotCommandScope",
  link_preview_options: "link preview options",
  reply_parameters: "reply parameters",
  entities: "entities",
  caption_entities: "entities",
};

/**
 * What Telegram answers when a required parameter is missing. Client.cpp: "Bad Request: chat_id is
 * empty", "Message text is empty", "Message identifier is not specified", and for the rest
 * `Parameter "…" is required`; a missing callback_query_id reads as query id 0 (QUERY_ID_INVALID).
 */
const MISSING: Readonly<Record<string, string>> = {
  chat_id: "chat_id is empty",
  text: "message text is empty",
  message_id: "message identifier is not specified",
  callback_query_id: "query is too old and response timeout expired or query ID is invalid",
};

/**
 * What Telegram answers when a value breaks a documented limit ({max} is the limit). Sources:
 * - "message is too long", "message text is empty": tdlib/telegram-bot-api#353, tucnak/telebot#518;
 *   TDLib counts the text in Unicode code points (utf8_length), and a live probe confirmed 4,096
 *   emoji (8,192 UTF-16 units) pass while 4,097 fail (FerroxLabs/wayland#934).
 * - "message caption is too long": tactilenews/100eyes#1594.
 * - "MESSAGE_TOO_LONG" for a callback answer over 200 characters: eternnoir/pyTelegramBotAPI#500.
 * - "BUTTON_DATA_INVALID" for callback_data over 64 bytes: telegraf/telegraf#79.
 * - TDLib's set_commands: "Command must be non-empty", "Command length must not exceed 32",
 *   "Command description must be non-empty", "Command description length must not exceed 256";
 *   "BOT_COMMANDS_TOO_MUCH" over 100 commands: openclaw/openclaw#15309, zeroclaw-labs/zeroclaw#8950.
 * - "secret token is too long": Client.cpp (setWebhook).
 * - The two bot descriptions: no wording on record; these are the emulator's own.
 */
/** Telegram reads these as absent when empty (Client.cpp: get_inline_keyboard_button_type, setWebhook). */
const EMPTY_MEANS_ABSENT = new Set(["InlineKeyboardButton.callback_data", "setWebhook.secret_token"]);

const LIMIT_WORDING: Readonly<Record<string, { short?: string; long: string }>> = {
  "sendMessage.text": { short: "message text is empty", long: "message is too long" },
  "editMessageText.text": { short: "message text is empty", long: "message is too long" },
  "copyMessage.caption": { long: "message caption is too long" },
  "answerCallbackQuery.text": { long: "MESSAGE_TOO_LONG" },
  "InlineKeyboardButton.callback_data": { long: "BUTTON_DATA_INVALID" },
  "BotCommand.command": { short: "command must be non-empty", long: "command length must not exceed {max}" },
  "BotCommand.description": { short: "command description must be non-empty", long: "command description length must not exceed {max}" },
  "setMyCommands.commands": { long: "BOT_COMMANDS_TOO_MUCH" },
  "setWebhook.secret_token": { long: "secret token is too long" },
  "setMyDescription.description": { long: "description is too long" },
  "setMyShortDescription.short_description": { long: "short description is too long" },
};

/**
 * Telegram's description of a 400: "Bad Request: " and the message with its first letter in lower
 * case, unless the message is an upper-case error code (Client.cpp, fail_query_with_error).
 */
function badRequest(rule: Rule, message: string): Violation {
  const second = message[1] ?? "";
  const keep = second === "_" || (second >= "A" && second <= "Z");
  const text = keep ? message : message.charAt(0).toLowerCase() + message.slice(1);
  return { status: 400, rule, description: `Bad Request: ${text}` };
}

// ---- reading values ----

const problem = (rule: Rule, message: string, bare = false): Problem => ({ rule, message, bare });

/** Counts as Telegram does: Unicode code points, an emoji outside the BMP being one. */
export function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i++;
    count++;
  }
  return count;
}

/**
 * The text a reader sees once Telegram has parsed the markup of `parseMode` (an approximation good for
 * counting: tags, markup characters and link targets removed, escapes and HTML entities resolved).
 */
export function visibleText(text: string, parseMode: string): string {
  const mode = parseMode.toLowerCase();
  if (mode === "html") {
    return text
      .replace(/<[^>]*>/g, "")
      .replace(/&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => HTML_ENTITIES[e.toLowerCase()] ?? String.fromCodePoint(Number(`0${e.slice(1)}`)));
  }
  if (mode !== "markdown" && mode !== "markdownv2") return text;
  const linked = text.replace(/!?\[((?:\\.|[^\]\\])*)\]\((?:\\.|[^)\\])*\)/g, "$1");
  return mode === "markdownv2" ? linked.replace(/\\([\s\S])|[*_~|`]|^>/gm, (_, escaped?: string) => escaped ?? "") : linked.replace(/[*_`]/g, "");
}
const HTML_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"' };

function isScalar(value: unknown, name: Scalar, topLevel: boolean): boolean {
  switch (name) {
    case "String":
      // Telegram reads a JSON number where it wants text; a whole number is what a client would mean.
      return typeof value === "string" || Number.isSafeInteger(value);
    case "InputFile":
      return typeof value === "string";
    case "Integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^-?\d+$/.test(value));
    case "Float":
      return (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)));
    case "Boolean":
      // Parameters come as text when form-encoded (Client.cpp, to_bool); inside JSON objects Telegram wants true or false.
      return typeof value === "boolean" || (topLevel && typeof value === "string" && /^\s*(true|false|yes|no|1|0)\s*$/i.test(value));
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function needsJson(type: TypeExpr): boolean {
  return type.kind === "union" ? type.of.some(needsJson) : type.kind === "array" || type.kind === "object";
}

// ---- checking ----

function checkValue(value: unknown, field: FieldRule, type: TypeExpr, topLevel: boolean): Problem | undefined {
  switch (type.kind) {
    case "scalar":
      return isScalar(value, type.name, topLevel) ? undefined : problem("wrong-type", `Field "${field.name}" must be of type ${field.text}`);
    case "array":
      if (!Array.isArray(value)) return problem("wrong-type", `Field "${field.name}" must be of type ${field.text}`);
      for (const item of value) {
        const found = checkValue(item, field, type.of, false);
        if (found) return found;
      }
      return undefined;
    case "object":
      return checkObject(value, objectRule(type.name), field);
    case "union":
      return checkUnion(value, field, type.of, topLevel);
  }
}

function objectRule(name: string): ObjectRule {
  const rule = OBJECTS.get(name);
  if (!rule) throw new Error(`telegram-spec: type ${name} is neither described nor opaque`);
  return rule;
}

/** A union of objects is read as the member the value fits: by its `type`, else by its required fields. */
function checkUnion(value: unknown, field: FieldRule, members: readonly TypeExpr[], topLevel: boolean): Problem | undefined {
  if (members.every((m) => m.kind === "scalar")) {
    return members.some((m) => m.kind === "scalar" && isScalar(value, m.name, topLevel))
      ? undefined
      : problem("wrong-type", `Field "${field.name}" must be of type ${field.text}`);
  }
  const objects = members.flatMap((m) => (m.kind === "object" ? [objectRule(m.name)] : []));
  if (!isRecord(value)) return problem("wrong-type", `Field "${field.name}" must be of type ${field.text}`);
  if (objects.some((o) => o.tag)) {
    const match = objects.find((o) => o.tag && value[o.tag.name] === o.tag.is);
    return match ? checkObject(value, match, field) : problem("wrong-value", `Unsupported type "${String(value.type)}" specified`);
  }
  const fits = objects.find((o) => o.required.every((f) => value[f.name] !== undefined));
  const chosen = fits ?? objects[0];
  return chosen ? checkObject(value, chosen, field) : undefined;
}

function checkObject(value: unknown, rule: ObjectRule, field: FieldRule): Problem | undefined {
  if (rule.stringAllowed && typeof value === "string") return undefined;
  if (!isRecord(value)) return problem("wrong-type", `Field "${field.name}" must be of type ${rule.name}`);
  if (rule.opaque) return undefined;
  const found = checkFields(value, rule.fields, false) ?? checkObjectRules(value, rule);
  if (found && !found.bare && PREFIXES[rule.name]) found.within = rule.name;
  return found;
}

/** Missing and unknown fields, then each field's type and limit. */
function checkFields(value: Readonly<Record<string, unknown>>, fields: ReadonlyMap<string, FieldRule>, topLevel: boolean): Problem | undefined {
  for (const f of fields.values()) {
    if (f.required && value[f.name] === undefined) return problem("missing-field", `Can't find field "${f.name}"`);
  }
  for (const name of Object.keys(value)) {
    // Telegram ignores unknown fields; the emulator refuses them so that a misspelt field shows.
    if (value[name] !== undefined && !fields.has(name)) return problem("unknown-field", `Unknown field "${name}" (Telegram would ignore it)`);
  }
  for (const [name, f] of fields) {
    const field = value[name];
    if (field === undefined) continue;
    const found = checkValue(field, f, f.type, topLevel) ?? checkLimit(field, f, value) ?? checkWording(field, f);
    if (found && topLevel) found.param ??= name;
    if (found) return found;
  }
  return undefined;
}

function checkLimit(value: unknown, field: FieldRule, siblings: Readonly<Record<string, unknown>>): Problem | undefined {
  const { limit } = field;
  if (!limit) return undefined;
  const size = measure(value, field, limit, siblings);
  if (size === undefined || (size >= limit.min && size <= limit.max)) return undefined;
  const key = `${field.owner}.${field.name}`;
  if (size === 0 && EMPTY_MEANS_ABSENT.has(key)) return undefined;
  const wording = LIMIT_WORDING[key];
  if (size < limit.min && wording?.short) return problem("length", wording.short, true);
  if (size > limit.max && wording) return problem("length", wording.long.replace("{max}", String(limit.max)), true);
  return problem("length", `${field.name} must be ${limit.min}-${limit.max} ${limit.unit} long`, true);
}

function measure(value: unknown, field: FieldRule, limit: Limit, siblings: Readonly<Record<string, unknown>>): number | undefined {
  if (limit.unit === "items") return Array.isArray(value) ? value.length : undefined;
  let text = String(value);
  // TDLib trims a command and drops its leading slash, and trims a description, before it measures.
  if (field.owner === "BotCommand") text = field.name === "command" ? text.trim().replace(/^\//, "") : text.trim();
  if (limit.unit === "bytes") return Buffer.byteLength(text);
  if (!field.afterEntities) return codePoints(text);
  const visible = visibleText(text, String(siblings[field.name === "quote" ? "quote_parse_mode" : "parse_mode"] ?? ""));
  // TDLib trims the text before it measures; a blank text is left to its own rule (checkWording).
  return visible.trim() === "" ? visible.length : codePoints(visible.trim());
}

/** Rules the documentation states in words rather than as a type or a range. */
function checkWording(value: unknown, field: FieldRule): Problem | undefined {
  const key = `${field.owner}.${field.name}`;
  const text = String(value);
  // TDLib: a text of only white space is "Message must be non-empty" (m1guelpf/chatgpt-telegram#54).
  if ((key === "sendMessage.text" || key === "editMessageText.text") && text.trim() === "") return problem("length", "Message must be non-empty", true);
  // "Can contain only lowercase English letters, digits and underscores"; Telegram: BOT_COMMAND_INVALID (yagop/node-telegram-bot-api#1008).
  if (key === "BotCommand.command" && !/^[a-z0-9_]+$/.test(text.trim().replace(/^\//, ""))) return problem("command-name", "BOT_COMMAND_INVALID", true);
  // "Only characters A-Z, a-z, 0-9, _ and - are allowed." Client.cpp: "secret token contains unallowed characters".
  if (key === "setWebhook.secret_token" && !/^[A-Za-z0-9_-]*$/.test(text)) return problem("wrong-value", "secret token contains unallowed characters", true);
  if (field.name.endsWith("parse_mode") && !/^(|none|markdown|markdownv2|html)$/i.test(text)) return problem("wrong-value", "Unsupported parse_mode", true);
  if (field.is !== undefined && value !== field.is) return problem("wrong-value", `Field "${field.name}" must be "${field.is}"`);
  return undefined;
}

function checkObjectRules(value: Readonly<Record<string, unknown>>, rule: ObjectRule): Problem | undefined {
  // MTProto's BUTTON_TEXT_INVALID ("The specified button text is invalid") for an empty or blank label.
  if (rule.name === "InlineKeyboardButton" && String(value.text).trim() === "") return problem("button-text", "BUTTON_TEXT_INVALID", true);
  if (!rule.kinds) return undefined;
  // Telegram reads an empty url or callback_data as absent (Client.cpp, get_inline_keyboard_button_type).
  const used = rule.kinds.fields.filter((f) => value[f] !== undefined && !((f === "url" || f === "callback_data") && value[f] === ""));
  if (used.length > 1) return problem("button-type", `Only one of ${used.join(", ")} may be used (Telegram would take the first)`);
  if (used.length === 0 && rule.kinds.exactly) {
    // kotlin-telegram-bot/kotlin-telegram-bot#113: "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard".
    return problem("button-type", "Text buttons are unallowed in the inline keyboard");
  }
  return undefined;
}

// ---- a call ----

/**
 * The method as Telegram knows it (its spelling in the documentation), or undefined for a method that
 * does not exist. Telegram ignores the case of method names.
 */
export function canonicalMethod(method: string): string | undefined {
  return CANONICAL.get(method.toLowerCase());
}

/** Whether the emulator knows the parameters of this (canonical) method and so can check a call. */
export function describesMethod(method: string): boolean {
  return METHOD_RULES.has(method);
}

/**
 * Checks one Bot API call as Telegram would, before anything is done with it. Form-encoded parameters
 * (strings, JSON-serialised objects) and JSON bodies are both understood. Returns what Telegram
 * answers when it refuses the call, or undefined when it would accept it (also for methods that exist
 * but that the table does not describe: see `describesMethod`).
 *
 * Stricter than Telegram on purpose: unknown parameters and fields (Telegram ignores them silently),
 * values of the wrong type (Telegram reads most as text), a button with two kinds, and a missing
 * `commands` (Telegram then sets an empty menu).
 *
 * @example
 * checkCall("sendMessage", { chat_id: 42, text: "x".repeat(4097) });
 * // { status: 400, rule: "length", description: "Bad Request: message is too long" }
 */
export function checkCall(method: string, params: Readonly<Record<string, unknown>>): Violation | undefined {
  const name = canonicalMethod(method);
  if (!name) return { status: 404, rule: "unknown-method", description: "Not Found: method not found" };
  const fields = METHOD_RULES.get(name);
  if (!fields) return undefined;
  for (const f of fields.values()) {
    if (f.required && params[f.name] === undefined) return badRequest("missing-parameter", MISSING[f.name] ?? `Parameter "${f.name}" is required`);
  }
  for (const key of Object.keys(params)) {
    if (params[key] !== undefined && !fields.has(key)) return badRequest("unknown-parameter", `Unknown parameter "${key}" (Telegram would ignore it silently)`);
  }
  const decoded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const f = fields.get(key);
    if (!f || value === undefined) continue;
    const json = decodeJson(value, f);
    if (json === UNPARSABLE) return badRequest("unparsable-json", `Can't parse ${JSON_NAMES[key] ?? key} JSON object`);
    decoded[key] = json;
  }
  const found = checkFields(decoded, fields, true) ?? checkTargets(name, decoded);
  return found ? badRequest(found.rule, describe(found, fields)) : undefined;
}

const UNPARSABLE = Symbol("unparsable");

/** JSON-serialised parameters arrive as text when form-encoded, as JSON values in a JSON body. */
function decodeJson(value: unknown, field: FieldRule): unknown {
  if (typeof value !== "string" || !needsJson(field.type)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return UNPARSABLE;
  }
}

/** Methods that edit need their message: chat and message id, or an inline message id. */
function checkTargets(method: string, params: Readonly<Record<string, unknown>>): Problem | undefined {
  if (method !== "editMessageText" && method !== "editMessageReplyMarkup") return undefined;
  if (method === "editMessageText" && params.text === undefined && params.rich_message === undefined) return problem("missing-parameter", "Message text is empty", true);
  if (params.chat_id === undefined && params.inline_message_id === undefined) return problem("missing-parameter", "Message identifier is not specified", true);
  return undefined;
}

function describe(found: Problem, fields: ReadonlyMap<string, FieldRule>): string {
  if (found.bare) return found.message;
  if (found.within) return `${PREFIXES[found.within]}: ${found.message}`;
  const field = found.param === undefined ? undefined : fields.get(found.param);
  if (!field) return found.message;
  if (!needsJson(field.type)) return found.message.replace(/^Field/, "Parameter");
  return `Can't parse ${JSON_NAMES[field.name] ?? field.name}: ${found.message}`;
}
