import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { Digest } from "../../core/digest.js";
import type { Locale } from "../../core/i18n.js";
import { languageName } from "../../core/messages.js";
import { context, divider, escape, fields, header, section, type Block } from "./blocks.js";
import { localeOf, memberOf, slackT, type NetworkView, type SlackDeps, type T, type SlackListeners } from "./context.js";

/** The weekly digest: what newcomers asked for, what was matched, volunteer hours, what comes next. */
export function digestBlocks(digest: Digest, network: string, t: T, deps: Pick<SlackDeps, "i18n">, locale: Locale = "de"): Block[] {
  const period = `${deps.i18n.formatShortDate(locale, digest.from)} – ${deps.i18n.formatShortDate(locale, digest.to)}`;
  const languages = digest.byLanguage.length
    ? digest.byLanguage.map((l) => `${languageName(l.language, locale)}: ${l.count}`).join(", ")
    : t("slack.digest.none");
  const leisure = digest.leisureDemand.length ? digest.leisureDemand.map((d) => `${t(`leisure.interest.${d.interest}`)}: ${d.count}`).join(", ") : t("slack.digest.none");
  const blocks: Block[] = [
    header(`${t("slack.digest.title")} · ${network}`),
    context(period),
    fields([
      `*${t("slack.digest.requests")}*\n${digest.requests}`,
      `*${t("slack.digest.byKind")}*\n${t("requests.kind.MEDIATION")}: ${digest.byKind.MEDIATION} · ${t("requests.kind.LEISURE")}: ${digest.byKind.LEISURE} · ${t("requests.kind.MENTORING")}: ${digest.byKind.MENTORING}`,
      `*${t("slack.digest.matched")}*\n${digest.matchedShare === null ? "–" : `${Math.round(digest.matchedShare * 100)} %`}`,
      `*${t("slack.digest.timeToMatch")}*\n${digest.medianMinutesToMatch === null ? "–" : t("slack.digest.minutes", { count: digest.medianMinutesToMatch })}`,
      `*${t("slack.digest.unmet")}*\n${digest.unmet}`,
      `*${t("slack.digest.hours")}*\n${digest.volunteerHours.toLocaleString(locale)}`,
      `*${t("slack.digest.newVolunteers")}*\n${digest.newVolunteers}`,
    ]),
    section(`*${t("slack.digest.languages")}*\n${escape(languages)}`),
    section(`*${t("slack.digest.leisure")}*\n${escape(leisure)}`),
    divider(),
    section(
      `*${t("slack.digest.meetings")}*\n${
        digest.meetings.length
          ? digest.meetings.map((m) => `• ${deps.i18n.formatDateTime(locale, m.startsAt)} – ${escape(m.title)}`).join("\n")
          : t("slack.digest.none")
      }`,
    ),
    section(
      `*${t("slack.digest.events")}*\n${
        digest.events.length
          ? digest.events.map((e) => `• ${escape(e.name)} – ${e.startsAt ? deps.i18n.formatDate(locale, e.startsAt) : t("slack.home.dateToCome")}`).join("\n")
          : t("slack.digest.none")
      }`,
    ),
  ];
  return blocks;
}

export function register(app: SlackListeners, deps: SlackDeps): void {
  app.command("/digest", async ({ ack, context: ctx }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const locale = localeOf(ctx);
    const t = slackT(deps, locale);
    deps.metrics.slackRequests.inc({ kind: "command_digest" });
    const member = memberOf(ctx);
    const digest = await member.digest();
    await ack({ response_type: "ephemeral", text: t("slack.digest.title"), blocks: digestBlocks(digest, member.network.name, t, deps, locale) });
  });
}

/** The digest the weekly job posts (its id is the week; the figures are those of the moment of posting). */
export async function renderDigest(deps: SlackDeps, network: NetworkView) {
  const t = slackT(deps);
  const { network: about, digest } = await network.digest();
  if (!about) return undefined;
  return { text: t("slack.digest.title"), blocks: digestBlocks(digest, about.name, t, deps) };
}
