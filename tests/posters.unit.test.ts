import type { AddressInfo } from "node:net";
import express from "express";
import jsQRModule from "jsqr";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createI18n, LOCALES, RTL_LOCALES, withoutDirectionMarks, type Locale } from "../core/i18n.js";
import { FACES } from "../posters/fonts.js";
import { installPosters } from "../posters/http.js";
import { A4, posterLink, renderPoster, wrap, type Poster } from "../posters/render.js";

// jsqr is CommonJS with its function as `default` too: the types know only that one.
const jsQR = jsQRModule.default;
const i18n = createI18n({ timeZone: "Europe/Berlin" });
const BECKUM = { networkName: "Beckum", slug: "beckum", botUsername: "brueckenbot_demo_bot" };
const LINK = "https://t.me/brueckenbot_demo_bot?start=beckum";

/** The link in the PNG's QR code, read from its pixels as a phone's scanner would. */
function qrLink(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
}

/** The PDF's pages (size in points) and text, as a PDF reader extracts it. */
async function readPdf(pdf: Buffer): Promise<{ pages: number; size: number[]; text: string }> {
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  const page = await document.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? " " : "") : "")).join("");
  const result = { pages: document.numPages, size: page.view.slice(2), text: text.replace(/\s+/g, " ") };
  await document.destroy();
  return result;
}

const plain = (text: string) => withoutDirectionMarks(text).replace(/\s+/g, " ");

describe("posters for a town, one per language", () => {
  const posters = new Map<Locale, Poster>();
  const poster = (locale: Locale): Poster => {
    const found = posters.get(locale);
    if (!found) throw new Error(`no poster for ${locale}`);
    return found;
  };

  beforeAll(async () => {
    for (const locale of LOCALES) posters.set(locale, await renderPoster(i18n, { ...BECKUM, locale }));
  });

  it.each(LOCALES)("%s: an A4 PDF with the German invitation, the town and the link, and a PNG whose QR code opens the bot in Beckum", async (locale) => {
    const { pdf, png } = poster(locale);
    const read = await readPdf(pdf);
    expect(read.pages).toBe(1);
    expect(read.size.map(Math.round)).toEqual([595, 842]);
    expect(read.text).toContain(plain(i18n.t("de", "poster.invitation")));
    expect(read.text).toContain(plain(i18n.t("de", "poster.scan")));
    expect(read.text).toContain("Beckum");
    expect(read.text).toContain("Brückenbot");
    expect(read.text).toContain("t.me/brueckenbot_demo_bot?start=beckum");
    expect(pdf.length).toBeLessThan(100_000);

    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([Math.round(A4.width * 2), Math.round(A4.height * 2)]);
    expect(png.length).toBeLessThan(400_000);
    expect(qrLink(png)).toBe(LINK);
  });

  it.each(["en", "fr", "tr", "ku", "so", "uk", "ru"] as const)("%s: the poster's own language can be copied out of the PDF", async (locale) => {
    const { text } = await readPdf(poster(locale).pdf);
    expect(text).toContain(plain(i18n.t(locale, "poster.invitation")));
    expect(text).toContain(plain(i18n.t(locale, "poster.headline", { town: "Beckum" })));
  });

  it("embeds its fonts as TrueType subsets, Arabic and Ethiopic ones where the language needs them", () => {
    const fonts = (locale: Locale) => [...poster(locale).pdf.toString("latin1").matchAll(/\/BaseFont \/[A-Z]{6}\+([\w-]+)/g)].map((m) => m[1]);
    for (const locale of RTL_LOCALES) expect(fonts(locale)).toEqual(expect.arrayContaining(["NotoSansArabic-Regular", "NotoSansArabic-Bold", "NotoSans-Bold"]));
    expect(fonts("ti")).toEqual(expect.arrayContaining(["NotoSansEthiopic-Regular", "NotoSansEthiopic-Bold"]));
    expect(fonts("de").every((name) => name?.startsWith("NotoSans-"))).toBe(true);
    for (const locale of LOCALES) expect(poster(locale).pdf.toString("latin1")).not.toMatch(/\/Subtype\s*\/Type3/);
  });

  it("joins Arabic letters: the PDF's Arabic text is made of initial, medial and final forms", async () => {
    for (const locale of RTL_LOCALES) {
      const { text } = await readPdf(poster(locale).pdf);
      // Unshaped text would map every glyph to a letter's basic code point (U+0600–U+06FF) only.
      expect(text.match(/[\uFB50-\uFDFF\uFE70-\uFEFF]/g)?.length ?? 0, locale).toBeGreaterThan(40);
    }
  });
});

describe("what a poster can show", () => {
  it("has a glyph for every character of every poster text in the embedded fonts", async () => {
    const { readFileSync } = await import("node:fs");
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const ranges = FACES.flatMap((face) => {
      const [pkg, subset] = /^(@fontsource\/[\w-]+)\/files\/[\w-]+?-(latin-ext|latin|cyrillic|arabic|ethiopic)-\d+-normal/.exec(face.file(400))?.slice(1) ?? [];
      const table = JSON.parse(readFileSync(require.resolve(`${pkg}/unicode.json`), "utf8")) as Record<string, string>;
      return (table[subset ?? ""] ?? "").split(",").map((range) => range.replace("U+", "").split("-").map((hex) => parseInt(hex, 16)));
    });
    const covered = (code: number) => ranges.some(([from = 0, to = from]) => code >= from && code <= to);
    for (const locale of LOCALES) {
      for (const key of ["headline", "invitation", "scan", "network"]) {
        const text = withoutDirectionMarks(i18n.t(locale, `poster.${key}`, { town: "Bad Oeynhausen" })).replace(/[\u200c\u200d]/g, "");
        const missing = [...text].filter((c) => !covered(c.codePointAt(0) ?? 0));
        expect(missing, `${locale} poster.${key}`).toEqual([]);
      }
    }
  });

  it("links to the bot with the town as start parameter, which Telegram limits to 64 of A–Z a–z 0–9 _ -", async () => {
    expect(posterLink("brueckenbot_demo_bot", "beckum")).toBe(LINK);
    expect(() => posterLink("brueckenbot_demo_bot", "bad oeynhausen")).toThrow(RangeError);
    expect(() => posterLink("brueckenbot_demo_bot", "")).toThrow(RangeError);
    expect(() => posterLink("brueckenbot_demo_bot", "x".repeat(65))).toThrow(RangeError);
    expect(() => posterLink("evil.example/x", "beckum")).toThrow(RangeError);
    const longest = `kreis-warendorf_${"x".repeat(48)}`;
    const { png } = await renderPoster(i18n, { networkName: "Kreis Warendorf", slug: longest, botUsername: "a_rather_long_bot_username_bot", locale: "so" });
    expect(qrLink(png)).toBe(`https://t.me/a_rather_long_bot_username_bot?start=${longest}`);
  });

  it("breaks lines at spaces but never inside a direction isolate", () => {
    const fitsTwelve = (line: string) => [...line].length <= 12;
    expect(wrap("خدمة من شبكة \u2068Bad Oeynhausen\u2069 للاندماج", fitsTwelve)).toEqual(["خدمة من شبكة", "\u2068Bad Oeynhausen\u2069", "للاندماج"]);
  });
});

describe("posters over HTTP", () => {
  let base = "";
  let username: string | undefined;
  let close = () => undefined as void;

  beforeAll(async () => {
    const app = express();
    installPosters(app, { i18n, botUsername: () => username, network: (slug) => (slug === "beckum" ? { slug, name: "Beckum" } : undefined) });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => void server.close();
  });
  afterAll(() => close());

  it("serves a town's posters once the bot knows its username, and renders each only once", async () => {
    expect((await fetch(`${base}/posters/beckum/ar.pdf`)).status).toBe(503);
    username = "brueckenbot_demo_bot";
    const first = await fetch(`${base}/posters/beckum/ti.png`);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/png");
    const png = Buffer.from(await first.arrayBuffer());
    expect(qrLink(png)).toBe(LINK);
    const started = performance.now();
    const again = await fetch(`${base}/posters/beckum/ti.png`);
    expect(Buffer.from(await again.arrayBuffer()).equals(png)).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
    const pdf = await fetch(`${base}/posters/beckum/ti.pdf`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect((await readPdf(Buffer.from(await pdf.arrayBuffer()))).text).toContain("Beckum");
  });

  it("lists the languages of a town by their own names, and knows no other towns or languages", async () => {
    const index = await (await fetch(`${base}/posters/beckum`)).text();
    for (const locale of LOCALES) expect(index).toContain(`href="/posters/beckum/${locale}.pdf"`);
    expect(index).toContain('<span lang="ar" dir="rtl">العربية</span>');
    for (const path of ["/posters/ahlen", "/posters/ahlen/de.pdf", "/posters/beckum/xx.pdf", "/posters/beckum/de.svg", "/posters/beckum/..%2Fde.pdf"]) {
      expect((await fetch(base + path)).status, path).toBe(404);
    }
  });
});
