import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { GlobalFonts } from "@napi-rs/canvas";

/**
 * The poster's typefaces: Noto Sans from npm (@fontsource), one face per script subset and weight, so that
 * every language of the bot is drawn with a font embedded in the PDF (no system fonts: a server may have
 * none). Skia reads the WOFF2 files as they are and falls back from one family to the next per character,
 * so Latin names inside Arabic or Tigrinya text find their glyphs.
 */
export const FACES = [
  { family: "Poster Latin", file: (weight: Weight) => `@fontsource/noto-sans/files/noto-sans-latin-${weight}-normal.woff2` },
  { family: "Poster Latin Ext", file: (weight: Weight) => `@fontsource/noto-sans/files/noto-sans-latin-ext-${weight}-normal.woff2` },
  { family: "Poster Cyrillic", file: (weight: Weight) => `@fontsource/noto-sans/files/noto-sans-cyrillic-${weight}-normal.woff2` },
  { family: "Poster Arabic", file: (weight: Weight) => `@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-${weight}-normal.woff2` },
  { family: "Poster Ethiopic", file: (weight: Weight) => `@fontsource/noto-sans-ethiopic/files/noto-sans-ethiopic-ethiopic-${weight}-normal.woff2` },
] as const;

export const WEIGHTS = [400, 700] as const;
export type Weight = (typeof WEIGHTS)[number];

/** The CSS font-family list of every poster text. */
export const FONT_FAMILIES = FACES.map((face) => `'${face.family}'`).join(", ");

const require = createRequire(import.meta.url);

/**
 * Registers the faces with Skia's font collection of this process. Safe to call on every render: a family
 * that is already there is not registered twice.
 */
export function registerFonts(fonts: typeof GlobalFonts): void {
  for (const face of FACES) {
    if (fonts.has(face.family)) continue;
    for (const weight of WEIGHTS) {
      if (!fonts.register(readFileSync(require.resolve(face.file(weight))), face.family)) throw new Error(`font ${face.file(weight)} could not be read`);
    }
  }
}
