import { checkEnum, checkObject, checkUnique, report, requireKey, under, type Json, type JsonObject, type Walk } from "./check.js";
import { checkFields, oneOptionSource, type Field, type Fields } from "./fields.js";

/** Where an element sits: each place allows its own element types. */
export type Container = "actions" | "accessory" | "input";

type ElementSpec = { fields: Fields; check?: (walk: Walk, element: JsonObject, at: string) => void };

const actionId: Field = { kind: "string", min: 1, max: 255 };
const placeholder: Field = { kind: "text", plain: true, max: 150 };
const focus: Field = { kind: "boolean" };
const confirm: Field = { kind: "confirm" };
const maxSelected: Field = { kind: "integer", min: 1 };

/** A select menu's options: `options` ≤ 100 or `option_groups` ≤ 100, exactly one of them. */
const staticOptions: Fields = { options: { kind: "options", min: 1, max: 100 }, option_groups: { kind: "optionGroups" } };

function oneSource(walk: Walk, element: JsonObject, at: string): void {
  // Emulator wording: Slack wants exactly one of the two.
  if (!oneOptionSource(element)) report(walk, at, "must define either `options` or `option_groups`");
}

/** The options of an element, flattened out of option groups. */
function optionsOf(element: JsonObject): Json[] {
  const groups = Array.isArray(element.option_groups) ? element.option_groups : [];
  const grouped = groups.flatMap((group) => (checkableGroup(group) ? group.options : []));
  return [...(Array.isArray(element.options) ? element.options : []), ...grouped];
}

function checkableGroup(group: Json): group is JsonObject & { options: Json[] } {
  return typeof group === "object" && group !== null && !Array.isArray(group) && Array.isArray(group.options);
}

const optionKey = (option: Json | undefined): string =>
  typeof option === "object" && option !== null && !Array.isArray(option) ? JSON.stringify([option.value, option.text]) : "";

// Slack: "[ERROR] must be one of the provided options [json-pointer:view/blocks/4/elements/0/initial_options]".
function initialAmongOptions(walk: Walk, element: JsonObject, at: string): void {
  const known = new Set(optionsOf(element).map(optionKey));
  const initial = element.initial_options ?? (element.initial_option === undefined ? undefined : [element.initial_option]);
  if (!Array.isArray(initial)) return;
  if (initial.some((option) => !known.has(optionKey(option)))) {
    report(walk, under(at, element.initial_options === undefined ? "initial_option" : "initial_options"), "must be one of the provided options");
  }
}

function staticSelect(walk: Walk, element: JsonObject, at: string): void {
  oneSource(walk, element, at);
  initialAmongOptions(walk, element, at);
}

const DATE = { kind: "pattern", pattern: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, format: "YYYY-MM-DD" } as const;
const TIME = { kind: "pattern", pattern: /^([01]\d|2[0-3]):[0-5]\d$/, format: "HH:mm" } as const;

/** Every element type Slack knows, with its fields; links are the reference pages the limits come from. */
const ELEMENTS: Readonly<Record<string, ElementSpec>> = {
  // https://docs.slack.dev/reference/block-kit/block-elements/button-element: text ≤ 75 plain_text, value ≤ 2000, url ≤ 3000, style primary|danger.
  button: {
    fields: {
      text: { kind: "text", plain: true, max: 75, required: true },
      action_id: actionId,
      url: { kind: "string", min: 1, max: 3000 },
      value: { kind: "string", max: 2000 },
      style: { kind: "enum", values: ["primary", "danger"] },
      confirm,
      accessibility_label: { kind: "string", max: 75 },
    },
  },
  // https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element: up to 10 options, mrkdwn allowed.
  checkboxes: {
    fields: {
      action_id: actionId,
      options: { kind: "options", min: 1, max: 10, mrkdwn: true, required: true },
      initial_options: { kind: "options", min: 1, max: 10, mrkdwn: true },
      confirm,
      focus_on_load: focus,
    },
    check: initialAmongOptions,
  },
  // https://docs.slack.dev/reference/block-kit/block-elements/radio-button-group-element: up to 10 options, mrkdwn allowed.
  radio_buttons: {
    fields: {
      action_id: actionId,
      options: { kind: "options", min: 1, max: 10, mrkdwn: true, required: true },
      initial_option: { kind: "option", mrkdwn: true },
      confirm,
      focus_on_load: focus,
    },
    check: initialAmongOptions,
  },
  // https://docs.slack.dev/reference/block-kit/block-elements/date-picker-element: initial_date YYYY-MM-DD, placeholder ≤ 150.
  datepicker: { fields: { action_id: actionId, initial_date: DATE, confirm, focus_on_load: focus, placeholder } },
  // https://docs.slack.dev/reference/block-kit/block-elements/time-picker-element: initial_time HH:mm (24-hour), placeholder ≤ 150.
  timepicker: { fields: { action_id: actionId, initial_time: TIME, confirm, focus_on_load: focus, placeholder, timezone: { kind: "string" } } },
  // https://docs.slack.dev/reference/block-kit/block-elements/datetime-picker-element: initial_date_time in UNIX seconds.
  datetimepicker: { fields: { action_id: actionId, initial_date_time: { kind: "integer", min: 0 }, confirm, focus_on_load: focus } },
  // https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element: min_length 0–3000, max_length 1–3000, placeholder ≤ 150.
  plain_text_input: {
    fields: {
      action_id: actionId,
      initial_value: { kind: "string" },
      multiline: { kind: "boolean" },
      min_length: { kind: "integer", min: 0, max: 3000 },
      max_length: { kind: "integer", min: 1, max: 3000 },
      dispatch_action_config: { kind: "any" },
      focus_on_load: focus,
      placeholder,
    },
  },
  // https://docs.slack.dev/reference/block-kit/block-elements/email-input-element and https://docs.slack.dev/reference/block-kit/block-elements/url-input-element.
  email_text_input: { fields: { action_id: actionId, initial_value: { kind: "string" }, dispatch_action_config: { kind: "any" }, focus_on_load: focus, placeholder } },
  url_text_input: { fields: { action_id: actionId, initial_value: { kind: "string" }, dispatch_action_config: { kind: "any" }, focus_on_load: focus, placeholder } },
  // https://docs.slack.dev/reference/block-kit/block-elements/number-input-element: is_decimal_allowed is required.
  number_input: {
    fields: {
      is_decimal_allowed: { kind: "boolean", required: true },
      action_id: actionId,
      initial_value: { kind: "string" },
      min_value: { kind: "string" },
      max_value: { kind: "string" },
      dispatch_action_config: { kind: "any" },
      focus_on_load: focus,
      placeholder,
    },
  },
  // https://docs.slack.dev/reference/block-kit/block-elements/file-input-element: max_files 1–10.
  file_input: { fields: { action_id: actionId, filetypes: { kind: "strings" }, max_files: { kind: "integer", min: 1, max: 10 } } },
  // https://docs.slack.dev/reference/block-kit/block-elements/rich-text-input-element.
  rich_text_input: { fields: { action_id: actionId, initial_value: { kind: "any" }, dispatch_action_config: { kind: "any" }, focus_on_load: focus, placeholder } },
  // https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element: 2 to 5 options, which may carry a url.
  overflow: { fields: { action_id: actionId, options: { kind: "options", min: 2, max: 5, url: true, required: true }, confirm } },
  // https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element: options ≤ 100 or option_groups ≤ 100, placeholder ≤ 150.
  static_select: { fields: { action_id: actionId, ...staticOptions, initial_option: { kind: "option" }, confirm, focus_on_load: focus, placeholder }, check: staticSelect },
  external_select: { fields: { action_id: actionId, initial_option: { kind: "option" }, min_query_length: { kind: "integer", min: 0 }, confirm, focus_on_load: focus, placeholder } },
  users_select: { fields: { action_id: actionId, initial_user: { kind: "string" }, confirm, focus_on_load: focus, placeholder } },
  conversations_select: {
    fields: {
      action_id: actionId,
      initial_conversation: { kind: "string" },
      default_to_current_conversation: { kind: "boolean" },
      response_url_enabled: { kind: "boolean" },
      filter: { kind: "any" },
      confirm,
      focus_on_load: focus,
      placeholder,
    },
  },
  channels_select: { fields: { action_id: actionId, initial_channel: { kind: "string" }, response_url_enabled: { kind: "boolean" }, confirm, focus_on_load: focus, placeholder } },
  // https://docs.slack.dev/reference/block-kit/block-elements/multi-select-menu-element: the same, with initial values as lists and max_selected_items ≥ 1.
  multi_static_select: {
    fields: { action_id: actionId, ...staticOptions, initial_options: { kind: "options", min: 1, max: 100 }, max_selected_items: maxSelected, confirm, focus_on_load: focus, placeholder },
    check: staticSelect,
  },
  multi_external_select: {
    fields: { action_id: actionId, initial_options: { kind: "options", min: 1, max: 100 }, min_query_length: { kind: "integer", min: 0 }, max_selected_items: maxSelected, confirm, focus_on_load: focus, placeholder },
  },
  multi_users_select: { fields: { action_id: actionId, initial_users: { kind: "strings" }, max_selected_items: maxSelected, confirm, focus_on_load: focus, placeholder } },
  multi_conversations_select: {
    fields: {
      action_id: actionId,
      initial_conversations: { kind: "strings" },
      default_to_current_conversation: { kind: "boolean" },
      max_selected_items: maxSelected,
      filter: { kind: "any" },
      confirm,
      focus_on_load: focus,
      placeholder,
    },
  },
  multi_channels_select: { fields: { action_id: actionId, initial_channels: { kind: "strings" }, max_selected_items: maxSelected, confirm, focus_on_load: focus, placeholder } },
  // https://docs.slack.dev/reference/block-kit/block-elements/image-element: image_url ≤ 3000 or slack_file, alt_text ≤ 2000.
  image: { fields: { image_url: { kind: "string", min: 1, max: 3000 }, slack_file: { kind: "any" }, alt_text: { kind: "string", min: 1, max: 2000, required: true } } },
  // https://docs.slack.dev/reference/block-kit/block-elements/workflow-button-element.
  workflow_button: {
    fields: {
      text: { kind: "text", plain: true, max: 75, required: true },
      workflow: { kind: "any", required: true },
      action_id: actionId,
      style: { kind: "enum", values: ["primary", "danger"] },
      accessibility_label: { kind: "string", max: 75 },
    },
  },
};

const SELECTS = ["static_select", "external_select", "users_select", "conversations_select", "channels_select"];
const MULTI_SELECTS = SELECTS.map((type) => `multi_${type}`);

/** Which element types each container accepts (actions block, section accessory, input block). */
const ALLOWED: Readonly<Record<Container, readonly string[]>> = {
  // https://api.slack.com/reference/messaging/blocks (actions block: "Button Checkboxes Date picker Datetime picker
  // Multi-select menus Overflow menu Radio button Select menu Time picker Workflow buttons")
  actions: ["button", "checkboxes", "datepicker", "datetimepicker", "timepicker", "overflow", "radio_buttons", "workflow_button", ...SELECTS, ...MULTI_SELECTS],
  // https://docs.slack.dev/reference/block-kit/blocks/section-block (compatible accessories)
  accessory: ["button", "checkboxes", "datepicker", "image", "overflow", "radio_buttons", "timepicker", "workflow_button", ...SELECTS, ...MULTI_SELECTS],
  // https://docs.slack.dev/reference/block-kit/blocks/input-block
  input: [
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "radio_buttons",
    "rich_text_input",
    "timepicker",
    "url_text_input",
    ...SELECTS,
    ...MULTI_SELECTS,
  ],
};

/**
 * Checks one interactive element where it sits: its type is allowed there, its fields, and its
 * `action_id` is unique among the elements of its block.
 */
export function checkElement(walk: Walk, value: Json | undefined, at: string, container: Container): void {
  if (!checkObject(walk, value, at) || !requireKey(walk, value, "type", at)) return;
  const spec = ELEMENTS[typeof value.type === "string" ? value.type : ""];
  if (!spec || !ALLOWED[container].includes(String(value.type))) {
    // Slack answers an element it cannot place with the schema's anyOf failure and the enum failure of `type`.
    report(walk, at, "failed to match all allowed schemas");
    checkEnum(walk, value.type, under(at, "type"), ALLOWED[container]);
    return;
  }
  checkFields(walk, value, spec.fields, at);
  spec.check?.(walk, value, at);
  if (typeof value.action_id === "string") checkUnique(walk, walk.actionIds, "action_id", value.action_id, under(at, "action_id"));
}

/** An image element, as context blocks hold it next to text objects. */
export function checkImageElement(walk: Walk, value: JsonObject, at: string): void {
  checkFields(walk, value, ELEMENTS.image?.fields ?? {}, at);
  // Emulator wording: an image needs one of its two sources.
  if (value.image_url === undefined && value.slack_file === undefined) report(walk, at, "must define either `image_url` or `slack_file`");
}
