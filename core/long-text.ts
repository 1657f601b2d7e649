/**
 * Splitting texts that are longer than a platform takes in one piece: Telegram's 4096 characters per
 * message, Slack's 3000 per section. Pieces are measured in UTF-16 code units, at least as many as the
 * characters (code points) the platforms count, so a piece never exceeds a limit. What people type is
 * measured with {@link characters}, as the platforms count it and as people are told ("at most 500 characters").
 */

/** Telegram: "Text of the message to be sent, 1-4096 characters after entities parsing" (Bot API, sendMessage). */
export const TELEGRAM_TEXT_MAX = 4096;
/** Slack Block Kit: a section's text, "Maximum length for the text in this field is 3000 characters". */
export const SLACK_SECTION_MAX = 3000;

/**
 * A text's length in characters as Telegram and Slack count it: Unicode code points, an emoji outside the
 * Basic Multilingual Plane being one (not two, as `String.length` counts it).
 *
 * @example
 * characters("Hallo 🙂"); // 7 ("Hallo 🙂".length is 8)
 */
export function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * The first `max` characters (code points) of `text`, as the platforms count them: a cap that never keeps
 * half an emoji (a lone surrogate is not UTF-8, which both platforms require).
 *
 * @example
 * truncate("ab🙂c", 3); // "ab🙂" ("ab🙂c".slice(0, 3) would end in half the emoji)
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  let count = 0;
  for (const character of text) {
    if (count === max) break;
    end += character.length;
    count++;
  }
  return text.slice(0, end);
}

const ISOLATE_OPENERS = new Set([0x2066, 0x2067, 0x2068]);
const POP_DIRECTIONAL_ISOLATE = 0x2069;
const RIGHT_TO_LEFT_MARK = "\u200f";
/** Where a cut is best made, in order of preference. */
const SEPARATORS = ["\n\n", "\n", " "] as const;

/**
 * Splits `text` into pieces of at most `max` code units: at a paragraph break if one is in the second half
 * of the piece, else at a line break, else between words, else anywhere. A cut never falls inside a
 * surrogate pair (an emoji) or inside a bidi isolate (an inserted name or value keeps its direction and
 * stays whole); the whitespace at a cut is dropped. Texts that fit come back as they are.
 *
 * @example
 * splitText("a".repeat(5000), 4096).map((p) => p.length); // [4096, 904]
 */
export function splitText(text: string, max: number): string[] {
  if (max < 2) throw new Error("splitText needs room for a surrogate pair");
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    const piece = rest.slice(0, cut).replace(/\s+$/, "");
    if (piece.length > 0) pieces.push(piece);
    const lineStart = rest.lastIndexOf("\n", cut - 1) + 1;
    const next = rest.slice(cut).replace(/^[ \n]+/, "");
    // A right-to-left line cut in the middle: its second half starts with the mark its line started with.
    rest = rest.charAt(lineStart) === RIGHT_TO_LEFT_MARK && !next.startsWith(RIGHT_TO_LEFT_MARK) && rest.charAt(cut) !== "\n" ? RIGHT_TO_LEFT_MARK + next : next;
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** Where to end the first piece of `text` (at most `max` code units long). */
function cutPoint(text: string, max: number): number {
  const depth = isolateDepths(text, max);
  const clean = (i: number) => i > 0 && depth[i] === 0 && !isLowSurrogate(text.charCodeAt(i));
  let fallback = 0;
  for (const separator of SEPARATORS) {
    for (let i = text.lastIndexOf(separator, max - 1); i > 0; i = text.lastIndexOf(separator, i - 1)) {
      if (!clean(i)) continue;
      if (i >= max / 2) return i;
      fallback = Math.max(fallback, i);
      break;
    }
  }
  if (fallback > 0) return fallback;
  for (let i = max; i > 0; i--) if (clean(i)) return i;
  // One isolate longer than a whole piece: cut it, but still not inside a surrogate pair.
  return isLowSurrogate(text.charCodeAt(max)) ? max - 1 : max;
}

/** For each index up to `max`: how many bidi isolates are open before it. */
function isolateDepths(text: string, max: number): number[] {
  const depths: number[] = [0];
  let depth = 0;
  for (let i = 0; i < Math.min(max, text.length); i++) {
    const code = text.charCodeAt(i);
    if (ISOLATE_OPENERS.has(code)) depth++;
    else if (code === POP_DIRECTIONAL_ISOLATE && depth > 0) depth--;
    depths.push(depth);
  }
  return depths;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * `text` cut to at most `max` code units with "…" at the end when it is longer (a header, a button label),
 * at a clean point as {@link splitText} chooses it.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${splitText(text, max - 1)[0] ?? ""}…`;
}
