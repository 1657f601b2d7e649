// npm run posters:screenshots: the README's pictures of the Arabic and the Tigrinya poster for Beckum
// (docs/poster-ar.png, docs/poster-ti.png), 600 pixels wide; run again when the poster's texts or look change.
import { writeFileSync } from "node:fs";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { createI18n, type Locale } from "../core/i18n.js";
import { projectPath } from "../core/paths.js";
import { renderPoster } from "../posters/render.js";

const WIDTH = 600;
const i18n = createI18n({ timeZone: "Europe/Berlin" });

for (const locale of ["ar", "ti"] satisfies Locale[]) {
  const { png } = await renderPoster(i18n, { networkName: "Beckum", slug: "beckum", botUsername: "brueckenbot_demo_bot", locale });
  const image = await loadImage(png);
  const height = Math.round((image.height * WIDTH) / image.width);
  const canvas = createCanvas(WIDTH, height);
  const context = canvas.getContext("2d");
  context.imageSmoothingQuality = "high";
  context.drawImage(image, 0, 0, WIDTH, height);
  const file = projectPath("docs", `poster-${locale}.png`);
  writeFileSync(file, await canvas.encode("png"));
  console.log(`${file}: ${WIDTH} × ${height}`);
}
