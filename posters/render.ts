import type { PDFDocument } from "@napi-rs/canvas";
import QRCode from "qrcode";
import { LOCALE_NAMES, RTL_LOCALES, type I18n, type Locale } from "../core/i18n.js";
import { FONT_FAMILIES, registerFonts } from "./fonts.js";

/** What a poster is for: one town (network), one language, one bot. */
export type PosterRequest = {
  /** The network's name as people know it, e.g. "Beckum". */
  networkName: string;
  /** The network's deep-link start parameter, e.g. "beckum". */
  slug: string;
  /** The Telegram bot's username, without "@". */
  botUsername: string;
  locale: Locale;
  /** The name printed in large letters; "Brückenbot" unless a deployment calls its bot otherwise. */
  botName?: string;
};

export type Poster = { pdf: Buffer; png: Buffer };

/** A4 in PostScript points (210 × 297 mm). */
export const A4 = { width: 595.28, height: 841.89 } as const;
/** Pixels per point of the PNG: 1191 × 1684 pixels, 144 dpi, sharp on screens and fine for a print-out. */
export const PNG_SCALE = 2;

/** Telegram's deep-link start parameter: 1–64 characters of A–Z, a–z, 0–9, _ and -. */
export const START_PARAMETER = /^[A-Za-z0-9_-]{1,64}$/;
const BOT_USERNAME = /^[A-Za-z][A-Za-z0-9_]{4,31}$/;

/**
 * The link that opens the bot with the town as start parameter.
 *
 * @example
 * posterLink("brueckenbot_demo_bot", "beckum"); // "https://t.me/brueckenbot_demo_bot?start=beckum"
 */
export function posterLink(botUsername: string, slug: string): string {
  if (!START_PARAMETER.test(slug)) throw new RangeError(`"${slug}" cannot be a Telegram start parameter (1–64 of A–Z a–z 0–9 _ -)`);
  if (!BOT_USERNAME.test(botUsername)) throw new RangeError(`"${botUsername}" is not a Telegram bot username`);
  return `https://t.me/${botUsername}?start=${slug}`;
}

/**
 * A printable poster (PDF, one A4 page, fonts embedded) and the same poster as a PNG: the bot's name, the
 * town, an invitation in the reader's language and in German, and a QR code of the town's deep link.
 * Skia (@napi-rs/canvas) draws both from one layout; it shapes Arabic script and Ethiopic with HarfBuzz and
 * orders mixed-direction lines by the Unicode bidi algorithm. About a quarter of a second per poster.
 *
 * @example
 * const { pdf, png } = await renderPoster(i18n, { networkName: "Beckum", slug: "beckum", botUsername: "brueckenbot_bot", locale: "ar" });
 */
export async function renderPoster(i18n: I18n, request: PosterRequest): Promise<Poster> {
  const link = posterLink(request.botUsername, request.slug);
  // Loaded on the first poster only: the process that never renders one does not carry Skia.
  const skia = await import("@napi-rs/canvas");
  registerFonts(skia.GlobalFonts);

  const canvas = skia.createCanvas(Math.round(A4.width * PNG_SCALE), Math.round(A4.height * PNG_SCALE));
  const context = canvas.getContext("2d");
  const plan = layout(context, request, link, i18n);
  context.fillStyle = COLORS.paper;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.scale(PNG_SCALE, PNG_SCALE);
  draw(context, plan);
  const png = await canvas.encode("png");

  const document = new skia.PDFDocument({
    title: `${request.botName ?? BOT_NAME} – ${request.networkName} – ${LOCALE_NAMES[request.locale]}`,
    subject: link,
    creator: BOT_NAME,
  });
  const page = document.beginPage(A4.width, A4.height);
  draw(page, plan);
  for (const [left, top, right, bottom] of plan.links) page.annotateLinkUrl(left, top, right, bottom, link);
  document.endPage();
  return { pdf: document.close(), png };
}

const BOT_NAME = "Brückenbot";
const COLORS = { paper: "#ffffff", band: "#0b5563", onBand: "#ffffff", title: "#0b5563", ink: "#1c2b30", muted: "#4f6269", rule: "#c5d3d6", code: "#000000" };
const MARGIN = 48;
const BAND_HEIGHT = 116;
/** Room kept free at the foot of the page for the German line about the network. */
const FOOT = 44;

type Context = ReturnType<InstanceType<typeof PDFDocument>["beginPage"]>;
type Style = { size: number; bold?: boolean; color: string; locale: Locale; maxLines: number };
type Line = { text: string; y: number; size: number; bold: boolean; color: string; locale: Locale };
type Plan = { lines: Line[]; qr: { x: number; y: number; module: number; size: number; dark: boolean[] }; rules: number[]; links: [number, number, number, number][] };

/**
 * Where everything goes, measured with `measure`: top to bottom, centred. When the texts of a language do
 * not fit the page, everything is laid out again a little smaller; room left over makes the QR code larger
 * and goes above it and above the German text.
 */
function layout(measure: Context, request: PosterRequest, link: string, i18n: I18n): Plan {
  const bottom = A4.height - FOOT;
  let scale = 1;
  let first = place(measure, request, link, i18n, scale);
  while (first.end > bottom && scale > 0.6) {
    scale *= 0.94;
    first = place(measure, request, link, i18n, scale);
  }
  const spare = Math.max(0, bottom - first.end);
  const larger = Math.min(spare / 2, 64);
  return place(measure, request, link, i18n, scale, Math.min((spare - larger) / 2, 56), larger).plan;
}

function place(measure: Context, request: PosterRequest, link: string, i18n: I18n, scale: number, flex = 0, larger = 0): { plan: Plan; end: number } {
  const { locale, networkName: town } = request;
  const text = (lang: Locale, key: string) => i18n.t(lang, `poster.${key}`, { town });
  const lines: Line[] = [];
  const rules: number[] = [];
  let y = 16;
  const block = (content: string, style: Style) => {
    const fitted = fit(measure, content, { ...style, size: style.size * scale });
    const height = fitted.size * LINE_HEIGHT;
    for (const line of fitted.lines) {
      lines.push({ text: line, y: y + height / 2, size: fitted.size, bold: style.bold ?? false, color: style.color, locale: style.locale });
      y += height;
    }
  };

  block(request.botName ?? BOT_NAME, { size: 42, bold: true, color: COLORS.onBand, locale: "de", maxLines: 1 });
  block(text(locale, "network"), { size: 14, color: COLORS.onBand, locale, maxLines: 2 });
  y = BAND_HEIGHT + 30 * scale;
  block(text(locale, "headline"), { size: 40, bold: true, color: COLORS.title, locale, maxLines: 2 });
  y += 6 * scale;
  block(text(locale, "invitation"), { size: 20, color: COLORS.ink, locale, maxLines: 6 });
  y += 20 * scale + flex;
  const qr = qrCode(link, A4.width / 2, y, 236 * scale + larger);
  y += qr.size + 2;
  const linkTop = y;
  block(link.replace(/^https:\/\//, ""), { size: 11, color: COLORS.muted, locale: "en", maxLines: 1 });
  const links: Plan["links"] = [[qr.x, qr.y, qr.x + qr.size, qr.y + qr.size], [MARGIN, linkTop, A4.width - MARGIN, y]];
  y += 6 * scale;
  block(text(locale, "scan"), { size: 16, bold: true, color: COLORS.ink, locale, maxLines: 3 });
  if (locale !== "de") {
    y += 16 * scale + flex;
    rules.push(y);
    y += 16 * scale;
    block(text("de", "headline"), { size: 17, bold: true, color: COLORS.muted, locale: "de", maxLines: 1 });
    block(text("de", "invitation"), { size: 12.5, color: COLORS.muted, locale: "de", maxLines: 4 });
    y += 3 * scale;
    block(text("de", "scan"), { size: 11, color: COLORS.muted, locale: "de", maxLines: 2 });
    const foot = fit(measure, text("de", "network"), { size: 9.5, color: COLORS.muted, locale: "de", maxLines: 1 });
    lines.push({ text: foot.lines.join(" "), y: A4.height - FOOT / 2, size: foot.size, bold: false, color: COLORS.muted, locale: "de" });
  }
  return { plan: { lines, qr, rules, links }, end: y };
}

const LINE_HEIGHT = 1.42;
const TEXT_WIDTH = A4.width - 2 * MARGIN;

function font(size: number, bold: boolean): string {
  return `${bold ? "bold" : "normal"} ${size.toFixed(2)}px ${FONT_FAMILIES}`;
}

function setText(context: Context, style: { size: number; bold?: boolean; locale: Locale }): void {
  const rtl = RTL_LOCALES.has(style.locale);
  context.font = font(style.size, style.bold ?? false);
  context.direction = rtl ? "rtl" : "ltr";
  context.lang = style.locale;
  // "ff" and "fi" drawn as one glyph would drop out of the PDF's text ("Der Chat ö net"): copying and
  // searching need each letter. Arabic script keeps its ligatures, which it needs.
  if ("fontVariantLigatures" in context) context.fontVariantLigatures = rtl ? "normal" : "no-common-ligatures";
}

/**
 * The text broken into lines that fit the width, at its size or up to a quarter smaller; the lines are
 * balanced (as CSS `text-wrap: balance`): the narrowest width that needs no more lines, so that a
 * headline does not leave one word alone on its second line.
 */
function fit(measure: Context, text: string, style: Style): { lines: string[]; size: number } {
  let size = style.size;
  for (;;) {
    setText(measure, { ...style, size });
    const width = (line: string) => measure.measureText(line).width;
    const breakAt = (limit: number) => text.split("\n").flatMap((paragraph) => wrap(paragraph, (candidate) => width(candidate) <= limit));
    const lines = breakAt(TEXT_WIDTH);
    if ((lines.length <= style.maxLines && lines.every((line) => width(line) <= TEXT_WIDTH)) || size < style.size * 0.75) {
      if (lines.length < 2) return { lines, size };
      let [narrow, wide] = [TEXT_WIDTH / 2, TEXT_WIDTH];
      while (wide - narrow > 2) {
        const middle = (narrow + wide) / 2;
        if (breakAt(middle).length > lines.length) narrow = middle;
        else wide = middle;
      }
      return { lines: breakAt(wide), size };
    }
    size *= 0.95;
  }
}

/**
 * Greedy line breaking at spaces, never inside a direction isolate (U+2066–U+2069): a Latin name inside
 * Arabic text keeps its isolate together, so that each line is reordered correctly on its own.
 */
export function wrap(paragraph: string, fits: (line: string) => boolean): string[] {
  const words: string[] = [];
  let depth = 0;
  let word = "";
  for (const char of paragraph) {
    if (char >= "\u2066" && char <= "\u2068") depth++;
    if (char === "\u2069") depth = Math.max(0, depth - 1);
    if (char === " " && depth === 0) {
      words.push(word);
      word = "";
    } else word += char;
  }
  words.push(word);
  const lines: string[] = [];
  let line = "";
  for (const next of words.filter((w) => w !== "")) {
    const candidate = line === "" ? next : `${line} ${next}`;
    if (line === "" || fits(candidate)) line = candidate;
    else {
      lines.push(line);
      line = next;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** The QR code's modules, error correction M (15 %), with the quiet zone of four modules, placed on whole pixels of the PNG. */
function qrCode(link: string, centre: number, top: number, size: number): Plan["qr"] {
  const { modules } = QRCode.create(link, { errorCorrectionLevel: "M" });
  const span = modules.size + 8;
  const module = Math.floor((size * PNG_SCALE) / span) / PNG_SCALE;
  const onPixels = (value: number) => Math.round(value * PNG_SCALE) / PNG_SCALE;
  const dark = Array.from({ length: modules.size * modules.size }, (_, i) => modules.data[i] === 1);
  return { x: onPixels(centre - (span * module) / 2), y: onPixels(top), module, size: span * module, dark };
}

function draw(context: Context, plan: Plan): void {
  context.fillStyle = COLORS.band;
  context.fillRect(0, 0, A4.width, BAND_HEIGHT);
  context.strokeStyle = COLORS.rule;
  context.lineWidth = 0.8;
  for (const y of plan.rules) {
    context.beginPath();
    context.moveTo(A4.width / 2 - 110, y);
    context.lineTo(A4.width / 2 + 110, y);
    context.stroke();
  }
  context.textAlign = "center";
  context.textBaseline = "middle";
  for (const line of plan.lines) {
    setText(context, line);
    context.fillStyle = line.color;
    context.fillText(line.text, A4.width / 2, line.y, TEXT_WIDTH);
  }
  drawQrCode(context, plan.qr);
}

/** One path of dark runs per row: adjacent modules join without the hairline seams of single squares. */
function drawQrCode(context: Context, qr: Plan["qr"]): void {
  const count = Math.round(Math.sqrt(qr.dark.length));
  const origin = { x: qr.x + 4 * qr.module, y: qr.y + 4 * qr.module };
  context.fillStyle = COLORS.paper;
  context.fillRect(qr.x, qr.y, qr.size, qr.size);
  context.beginPath();
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < count; ) {
      if (!qr.dark[row * count + column]) {
        column++;
        continue;
      }
      const start = column;
      while (column < count && qr.dark[row * count + column]) column++;
      context.rect(origin.x + start * qr.module, origin.y + row * qr.module, (column - start) * qr.module, qr.module);
    }
  }
  context.fillStyle = COLORS.code;
  context.fill();
}
