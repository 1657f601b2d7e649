import { checkArray, checkEnum, checkObject, checkString, checkUnique, isObject, report, requireKey, under, type Json, type JsonObject, type Problem, type Surface, type Walk } from "./check.js";
import { checkElement, checkImageElement } from "./elements.js";
import { checkFields, checkText, type Fields } from "./fields.js";

type BlockSpec = { fields: Fields; check?: (walk: Walk, block: JsonObject, at: string) => void };

const blockId = { kind: "any" } as const;

/** Blocks Slack accepts that the emulator does not model field by field (none is used by the product). */
const UNMODELLED = ["alert", "card", "carousel", "container", "context_actions", "data_table", "table", "task_card", "plan"];

function eachElement(walk: Walk, block: JsonObject, at: string, check: (element: Json, at: string) => void): void {
  if (Array.isArray(block.elements)) block.elements.forEach((element, i) => check(element, under(under(at, "elements"), i)));
}

const BLOCKS: Readonly<Record<string, BlockSpec>> = {
  // https://docs.slack.dev/reference/block-kit/blocks/section-block: text 1–3000, fields ≤ 10 each ≤ 2000, text or fields.
  section: {
    fields: {
      text: { kind: "text", plain: false, max: 3000 },
      block_id: blockId,
      fields: { kind: "any" },
      accessory: { kind: "any" },
      expand: { kind: "boolean" },
    },
    check: (walk, block, at) => {
      // Slack: "must define either `…" (slackapi/java-slack-sdk#1017, cut off there).
      if (block.text === undefined && block.fields === undefined) report(walk, at, "must define either `text` or `fields`");
      const fields = block.fields;
      if (fields !== undefined && checkArray(walk, fields, under(at, "fields"), { min: 1, max: 10 })) {
        fields.forEach((field, i) => checkText(walk, field, under(under(at, "fields"), i), { plain: false, max: 2000 }));
      }
      if (block.accessory !== undefined) checkElement(walk, block.accessory, under(at, "accessory"), "accessory");
    },
  },
  // https://docs.slack.dev/reference/block-kit/blocks/actions-block: 1 to 25 interactive elements.
  actions: {
    fields: { elements: { kind: "any", required: true }, block_id: blockId },
    check: (walk, block, at) => {
      if (checkArray(walk, block.elements, under(at, "elements"), { min: 1, max: 25 })) eachElement(walk, block, at, (element, where) => checkElement(walk, element, where, "actions"));
    },
  },
  // https://docs.slack.dev/reference/block-kit/blocks/context-block: 1 to 10 images and text objects.
  context: {
    fields: { elements: { kind: "any", required: true }, block_id: blockId },
    check: (walk, block, at) => {
      if (checkArray(walk, block.elements, under(at, "elements"), { min: 1, max: 10 })) eachElement(walk, block, at, (element, where) => contextElement(walk, element, where));
    },
  },
  // https://docs.slack.dev/reference/block-kit/blocks/header-block: plain_text ≤ 150.
  header: { fields: { text: { kind: "text", plain: true, max: 150, required: true }, block_id: blockId } },
  // https://docs.slack.dev/reference/block-kit/blocks/divider-block
  divider: { fields: { block_id: blockId } },
  // https://docs.slack.dev/reference/block-kit/blocks/input-block: label and hint plain_text ≤ 2000, optional boolean.
  input: {
    fields: {
      label: { kind: "text", plain: true, max: 2000, required: true },
      element: { kind: "any", required: true },
      dispatch_action: { kind: "boolean" },
      block_id: blockId,
      hint: { kind: "text", plain: true, max: 2000 },
      optional: { kind: "boolean" },
    },
    check: (walk, block, at) => {
      if (block.element !== undefined) checkElement(walk, block.element, under(at, "element"), "input");
    },
  },
  // https://docs.slack.dev/reference/block-kit/blocks/image-block: image_url ≤ 3000, alt_text ≤ 2000, title ≤ 2000.
  image: {
    fields: {
      image_url: { kind: "string", min: 1, max: 3000 },
      slack_file: { kind: "any" },
      alt_text: { kind: "string", min: 1, max: 2000, required: true },
      title: { kind: "text", plain: true, max: 2000 },
      block_id: blockId,
    },
    check: (walk, block, at) => {
      if (block.image_url === undefined && block.slack_file === undefined) report(walk, at, "must define either `image_url` or `slack_file`");
    },
  },
  // https://docs.slack.dev/reference/block-kit/blocks/rich-text-block (its elements are not modelled further).
  rich_text: { fields: { elements: { kind: "any", required: true }, block_id: blockId } },
  // https://docs.slack.dev/reference/block-kit/blocks/markdown-block: text ≤ 12,000 (messages).
  markdown: { fields: { text: { kind: "string", min: 1, max: 12_000, required: true }, block_id: blockId } },
  // https://docs.slack.dev/reference/block-kit/blocks/file-block
  file: { fields: { external_id: { kind: "string", required: true }, source: { kind: "string", required: true }, block_id: blockId } },
  // https://docs.slack.dev/reference/block-kit/blocks/video-block
  video: {
    fields: {
      alt_text: { kind: "string", required: true },
      title: { kind: "text", plain: true, max: 200, required: true },
      thumbnail_url: { kind: "string", required: true },
      video_url: { kind: "string", required: true },
      author_name: { kind: "string", max: 50 },
      description: { kind: "text", plain: true, max: 200 },
      provider_icon_url: { kind: "string" },
      provider_name: { kind: "string" },
      title_url: { kind: "string" },
      block_id: blockId,
    },
  },
};

/** Context elements are image elements and text objects. */
function contextElement(walk: Walk, element: Json, at: string): void {
  if (!checkObject(walk, element, at) || !requireKey(walk, element, "type", at)) return;
  if (element.type === "image") checkImageElement(walk, element, at);
  else if (element.type === "plain_text" || element.type === "mrkdwn") checkText(walk, element, at, { plain: false, max: 3000 });
  else {
    report(walk, at, "failed to match all allowed schemas");
    checkEnum(walk, element.type, under(at, "type"), ["image", "plain_text", "mrkdwn"]);
  }
}

/**
 * How many blocks a surface holds: https://docs.slack.dev/reference/block-kit/blocks ("You can include up
 * to 50 blocks in each message, and 100 blocks in modals or Home tabs").
 */
export const MAX_BLOCKS: Readonly<Record<Surface, number>> = { message: 50, modal: 100, home: 100 };

/**
 * Checks an array of blocks for a surface: the count, each block's type and fields, the elements in it,
 * `block_id` (1–255 characters, unique in the message or view) and `action_id`s unique per block.
 *
 * @example
 * checkBlocks([{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }], "message", "/blocks")
 * // → [{ message: "failed to match all allowed schemas", pointer: "/blocks/0/text" },
 * //    { message: "must be less than 151 characters", pointer: "/blocks/0/text/text" }]
 */
export function checkBlocks(blocks: Json | undefined, surface: Surface, at: string, problems: Problem[] = []): Problem[] {
  const walk: Walk = { problems, surface, blockIds: new Set(), actionIds: new Set() };
  if (!checkArray(walk, blocks, at, { max: MAX_BLOCKS[surface] })) return problems;
  blocks.forEach((block, i) => checkBlock(walk, block, under(at, i)));
  return problems;
}

function checkBlock(walk: Walk, block: Json, at: string): void {
  if (!checkObject(walk, block, at) || !requireKey(walk, block, "type", at)) return;
  walk.actionIds = new Set();
  const type = typeof block.type === "string" ? block.type : "";
  const spec = BLOCKS[type];
  if (spec) {
    checkFields(walk, block, spec.fields, at);
    spec.check?.(walk, block, at);
  } else if (!UNMODELLED.includes(type)) {
    // An unknown block type fails every schema of the blocks array, and the enum of `type`.
    report(walk, at, "failed to match all allowed schemas");
    checkEnum(walk, block.type, under(at, "type"), [...Object.keys(BLOCKS), ...UNMODELLED]);
    return;
  }
  checkBlockId(walk, block, at);
}

// https://docs.slack.dev/reference/block-kit/blocks/section-block: "Maximum length for this field is 255 characters. block_id should be unique for each message".
function checkBlockId(walk: Walk, block: JsonObject, at: string): void {
  const id = block.block_id;
  if (id === undefined) return;
  const where = under(at, "block_id");
  if (checkString(walk, id, where, { min: 1, max: 255 })) checkUnique(walk, walk.blockIds, "block_id", id, where);
}

/** The input blocks of a view, for submissions: block id, action id, the element and whether it may be empty. */
export function inputBlocks(blocks: Json | undefined): { blockId: string; element: JsonObject; optional: boolean }[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((block) =>
    isObject(block) && block.type === "input" && typeof block.block_id === "string" && isObject(block.element)
      ? [{ blockId: block.block_id, element: block.element, optional: block.optional === true }]
      : [],
  );
}
