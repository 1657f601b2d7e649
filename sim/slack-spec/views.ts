import { checkEnum, checkObject, isObject, report, requireKey, under, type Json, type JsonObject, type Problem, type Walk } from "./check.js";
import { checkBlocks } from "./blocks.js";
import { checkFields, type Fields } from "./fields.js";

/** The two kinds of view: a modal (views.open, views.push, views.update) or a member's Home tab (views.publish). */
export type ViewKind = "modal" | "home";

// https://docs.slack.dev/reference/views/modal-views: title, submit and close plain_text ≤ 24,
// private_metadata ≤ 3000, callback_id ≤ 255, submit required when the view has input blocks.
const MODAL: Fields = {
  title: { kind: "text", plain: true, max: 24, required: true },
  blocks: { kind: "any", required: true },
  close: { kind: "text", plain: true, max: 24 },
  submit: { kind: "text", plain: true, max: 24 },
  private_metadata: { kind: "string", max: 3000 },
  callback_id: { kind: "string", max: 255 },
  clear_on_close: { kind: "boolean" },
  notify_on_close: { kind: "boolean" },
  external_id: { kind: "string", min: 1 },
  submit_disabled: { kind: "boolean" },
};

// https://docs.slack.dev/reference/views/home-tab-views: private_metadata ≤ 3000, callback_id ≤ 255.
const HOME: Fields = {
  blocks: { kind: "any", required: true },
  private_metadata: { kind: "string", max: 3000 },
  callback_id: { kind: "string", max: 255 },
  external_id: { kind: "string", min: 1 },
};

/**
 * Checks a view object the way views.open/push/update (modal) and views.publish (home) do; pointers
 * start at `/view`, as in Slack's "[ERROR] missing required field: title [json-pointer:/view]".
 *
 * @example
 * checkView({ type: "modal", title: { type: "plain_text", text: "x".repeat(25) }, blocks: [] }, "modal")
 * // → [{ message: "failed to match all allowed schemas", pointer: "/view/title" },
 * //    { message: "must be less than 25 characters", pointer: "/view/title/text" }]
 */
export function checkView(view: Json | undefined, kind: ViewKind, at = "/view"): Problem[] {
  const walk: Walk = { problems: [], surface: kind, blockIds: new Set(), actionIds: new Set() };
  if (!checkObject(walk, view, at) || !requireKey(walk, view, "type", at)) return walk.problems;
  if (!checkEnum(walk, view.type, under(at, "type"), [kind])) return walk.problems;
  checkFields(walk, view, kind === "modal" ? MODAL : HOME, at);
  if (kind === "modal") submitWhenInputs(walk, view, at);
  if (view.blocks !== undefined) checkBlocks(view.blocks, kind, under(at, "blocks"), walk.problems);
  return walk.problems;
}

// Docs: "submit is required when an input block is within the blocks array" (wording by analogy).
function submitWhenInputs(walk: Walk, view: JsonObject, at: string): void {
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((block) => isObject(block) && block.type === "input");
  if (view.submit === undefined && hasInput) report(walk, at, "missing required field: submit");
}
