import type { Express, Response } from "express";
import { isLocale, LOCALE_NAMES, LOCALES, RTL_LOCALES, type I18n, type Locale } from "../core/i18n.js";
import { renderPoster, START_PARAMETER, type Poster } from "./render.js";

export const POSTERS_PATH = "/posters";

/** A network as the posters need it: its name and its deep-link start parameter. */
export type PosterNetwork = { slug: string; name: string };

export type PosterDeps = {
  i18n: I18n;
  /** The bot's username once it is known (after `bot.init()`); until then posters answer 503. */
  botUsername: () => string | undefined;
  /** The network with this slug, if there is one. */
  network: (slug: string) => PosterNetwork | undefined | Promise<PosterNetwork | undefined>;
  /** Posters kept rendered (one per town, language and bot username); the oldest goes first. */
  cacheSize?: number;
};

/**
 * Posters to print and hang up, one per town and language, each with a QR code of the town's deep link:
 * `GET /posters/<slug>` lists the languages, `GET /posters/<slug>/<lang>.pdf` is the A4 poster and
 * `GET /posters/<slug>/<lang>.png` the same as an image (for messengers and screens). Public: they show
 * nothing but the bot's public link. Rendered on the first request and kept.
 *
 * @example
 * installPosters(http, { i18n, botUsername: () => (bot.isInited() ? bot.botInfo.username : undefined), network: (slug) => (slug === "beckum" ? { slug, name: "Beckum" } : undefined) });
 */
export function installPosters(http: Express, deps: PosterDeps): void {
  const rendered = new Map<string, Promise<Poster>>();
  const limit = deps.cacheSize ?? 48;
  const poster = (network: PosterNetwork, locale: Locale, botUsername: string): Promise<Poster> => {
    const key = `${botUsername}/${network.slug}/${network.name}/${locale}`;
    let entry = rendered.get(key);
    if (!entry) {
      entry = renderPoster(deps.i18n, { networkName: network.name, slug: network.slug, botUsername, locale });
      // A failed render is not kept: the next request tries again.
      entry.catch(() => {
        if (rendered.get(key) === entry) rendered.delete(key);
      });
      rendered.set(key, entry);
      for (const oldest of rendered.keys()) {
        if (rendered.size <= limit) break;
        rendered.delete(oldest);
      }
    }
    return entry;
  };

  const find = async (slug: string, res: Response): Promise<PosterNetwork | undefined> => {
    const network = START_PARAMETER.test(slug) ? await deps.network(slug) : undefined;
    if (!network) res.status(404).json({ error: "no such network" });
    return network;
  };

  http.get(`${POSTERS_PATH}/:slug`, async (req, res) => {
    const network = await find(req.params.slug, res);
    if (!network) return;
    res.type("html").set("cache-control", "public, max-age=300").send(posterIndex(network));
  });

  http.get(`${POSTERS_PATH}/:slug/:file`, async (req, res) => {
    const match = /^([a-z]{2})\.(pdf|png)$/.exec(req.params.file);
    const locale = match?.[1];
    const format = match?.[2] === "pdf" ? "pdf" : "png";
    if (!isLocale(locale)) {
      res.status(404).json({ error: "no such poster" });
      return;
    }
    const network = await find(req.params.slug, res);
    if (!network) return;
    const botUsername = deps.botUsername();
    if (!botUsername) {
      res.status(503).set("retry-after", "5").json({ error: "the bot is starting" });
      return;
    }
    const { pdf, png } = await poster(network, locale, botUsername);
    res
      .type(format)
      .set("cache-control", "public, max-age=3600")
      .set("content-disposition", `inline; filename="poster-${network.slug}-${locale}.${format}"`)
      .send(format === "pdf" ? pdf : png);
  });
}

/** The languages of a town's posters, each by its own name, with its PDF and PNG. */
function posterIndex(network: PosterNetwork): string {
  const base = `${POSTERS_PATH}/${encodeURIComponent(network.slug)}`;
  const items = LOCALES.map((locale) => {
    const dir = RTL_LOCALES.has(locale) ? "rtl" : "ltr";
    return `<li><span lang="${locale}" dir="${dir}">${escapeHtml(LOCALE_NAMES[locale])}</span> <a href="${base}/${locale}.pdf">PDF</a> <a href="${base}/${locale}.png">PNG</a></li>`;
  });
  const title = `Brückenbot · ${escapeHtml(network.name)}`;
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;line-height:1.8}li span{display:inline-block;min-width:9rem}a{margin-inline-start:.75rem}</style></head>
<body><h1>${title}</h1><ul>
${items.join("\n")}
</ul></body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
