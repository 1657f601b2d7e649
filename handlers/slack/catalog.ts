import type { AllMiddlewareArgs, App, BlockButtonAction, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, webApi } from "@slack/bolt";
import { CONTACT_CATEGORIES, contactPointSchema, FREE_TIMES, INTERESTS, leisureOfferSchema, type ContactPointView, type LeisureOfferView } from "../../core/catalog.js";
import { ACTIONS } from "./action-ids.js";
import { actions, button, context, escape, header, section, type Block } from "./blocks.js";
import type { Member } from "../../core/index.js";
import { acknowledged, localeOf, memberOf, slackT, type ActionArgs, type SlackDeps, type T } from "./context.js";

type Option = { text: { type: "plain_text"; text: string }; value: string };
const option = (text: string, value: string): Option => ({ text: { type: "plain_text", text: text.slice(0, 75) }, value });
const input = (blockId: string, text: string, element: Record<string, unknown>, optional = true) => ({
  type: "input" as const,
  block_id: blockId,
  optional,
  label: { type: "plain_text" as const, text },
  element: { action_id: "value", ...element },
});
const textInput = (initial: string | undefined, extra: Record<string, unknown> = {}) => ({ type: "plain_text_input", ...(initial ? { initial_value: initial } : {}), ...extra });

function catalogBlocks(points: ContactPointView[], offers: LeisureOfferView[], t: T): Block[] {
  const blocks: Block[] = [header(t("slack.catalog.title")), section(`*${t("slack.catalog.contacts")}*`)];
  for (const point of points.slice(0, 20)) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: `*${escape(point.name)}*${point.exampleData ? ` _(${t("slack.catalog.example")})_` : ""}\n${point.categories.map((c) => t(`contacts.category.${c}`)).join(", ")}` },
      accessory: button(t("slack.catalog.edit"), ACTIONS.editContact, point.id),
    });
  }
  blocks.push(section(`*${t("slack.catalog.offers")}*`));
  for (const offer of offers.slice(0, 20)) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: `*${escape(offer.title)}*${offer.exampleData ? ` _(${t("slack.catalog.example")})_` : ""}\n${offer.interests.map((i) => t(`leisure.interest.${i}`)).join(", ")}` },
      accessory: button(t("slack.catalog.edit"), ACTIONS.editOffer, offer.id),
    });
  }
  blocks.push(actions("catalog-new", [button(t("slack.catalog.newContact"), ACTIONS.newContact, "new"), button(t("slack.catalog.newOffer"), ACTIONS.newOffer, "new")]));
  blocks.push(context(t("slack.catalog.importHint")));
  return blocks.slice(0, 50);
}

function contactModal(t: T, point?: ContactPointView): webApi.ViewsOpenArguments["view"] {
  const categories = CONTACT_CATEGORIES.map((c) => option(t(`contacts.category.${c}`), c));
  const chosen = categories.filter((o) => point?.categories.includes(o.value as never));
  return {
    type: "modal",
    callback_id: ACTIONS.contactModal,
    private_metadata: point?.id ?? "",
    title: { type: "plain_text", text: t("slack.catalog.contactTitle") },
    submit: { type: "plain_text", text: t("slack.meeting.submit") },
    close: { type: "plain_text", text: t("slack.cancel") },
    blocks: [
      input("name", t("slack.ag.name"), textInput(point?.name, { max_length: 120 }), false),
      input("categories", t("slack.catalog.categories"), { type: "multi_static_select", options: categories, ...(chosen.length ? { initial_options: chosen } : {}) }, false),
      input("description", t("slack.ag.description"), textInput(point?.description, { multiline: true, max_length: 1000 })),
      input("address", t("slack.catalog.address"), textInput(point?.address)),
      input("openingHours", t("slack.catalog.hours"), textInput(point?.openingHours)),
      input("phone", t("slack.catalog.phone"), textInput(point?.phone)),
      input("web", t("slack.catalog.web"), textInput(point?.web)),
      input("languages", t("slack.catalog.languages"), textInput(point?.languages.join(", "))),
    ],
  };
}

function offerModal(t: T, offer?: LeisureOfferView): webApi.ViewsOpenArguments["view"] {
  const interests = INTERESTS.map((i) => option(t(`leisure.interest.${i}`), i));
  const times = FREE_TIMES.map((f) => option(t(`leisure.time.${f}`), f));
  const chosenInterests = interests.filter((o) => offer?.interests.includes(o.value as never));
  const chosenTimes = times.filter((o) => offer?.times.includes(o.value as never));
  return {
    type: "modal",
    callback_id: ACTIONS.offerModal,
    private_metadata: offer?.id ?? "",
    title: { type: "plain_text", text: t("slack.catalog.offerTitle") },
    submit: { type: "plain_text", text: t("slack.meeting.submit") },
    close: { type: "plain_text", text: t("slack.cancel") },
    blocks: [
      input("title", t("slack.ag.name"), textInput(offer?.title, { max_length: 120 }), false),
      input("interests", t("slack.catalog.interests"), { type: "multi_static_select", options: interests, ...(chosenInterests.length ? { initial_options: chosenInterests } : {}) }, false),
      input("times", t("slack.catalog.times"), { type: "checkboxes", options: times, ...(chosenTimes.length ? { initial_options: chosenTimes } : {}) }, false),
      input("description", t("slack.ag.description"), textInput(offer?.description, { multiline: true, max_length: 1000 })),
      input("place", t("slack.catalog.address"), textInput(offer?.place)),
      input("contact", t("slack.catalog.contact"), textInput(offer?.contact)),
    ],
  };
}

type Values = ViewSubmitAction["view"]["state"]["values"];
/** An entry found for a coordinator, or nothing (another network's, gone, or not a coordinator). */
const found = <T extends object>(result: T | { kind: "not-coordinator" } | undefined): T | undefined => (result && !("kind" in result && result.kind === "not-coordinator") ? (result as T) : undefined);
const text = (values: Values, block: string) => values[block]?.value?.value?.trim() || undefined;
const selected = (values: Values, block: string) => (values[block]?.value?.selected_options ?? []).map((o) => o.value);

export function register(app: App, deps: SlackDeps): void {
  app.command("/catalog", async ({ ack, context: ctx }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const member = memberOf(ctx);
    const [points, offers] = await Promise.all([member.catalog.contactPoints(), member.catalog.leisureOffers()]);
    if (!Array.isArray(points) || !Array.isArray(offers)) {
      await ack({ response_type: "ephemeral", text: t("slack.coordinatorsOnly") });
      return;
    }
    await ack({ response_type: "ephemeral", text: t("slack.catalog.title"), blocks: catalogBlocks(points, offers, t) });
  });

  const open = (make: (t: T, id: string, member: Member) => Promise<webApi.ViewsOpenArguments["view"]>) =>
    acknowledged(async ({ action, body, client, context: ctx }: ActionArgs) => {
      const member = memberOf(ctx);
      if (!(await member.isCoordinator())) return;
      await client.views.open({ trigger_id: body.trigger_id, view: await make(slackT(deps, localeOf(ctx)), action.value ?? "", member) });
    });
  app.action<BlockButtonAction>(ACTIONS.editContact, open(async (t, id, member) => contactModal(t, found(await member.catalog.contactPoint(id)))));
  app.action<BlockButtonAction>(ACTIONS.newContact, open(async (t) => contactModal(t)));
  app.action<BlockButtonAction>(ACTIONS.editOffer, open(async (t, id, member) => offerModal(t, found(await member.catalog.leisureOffer(id)))));
  app.action<BlockButtonAction>(ACTIONS.newOffer, open(async (t) => offerModal(t)));

  app.view<ViewSubmitAction>(ACTIONS.contactModal, async ({ ack, view, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const member = memberOf(ctx);
    const values = view.state.values;
    const existing = view.private_metadata ? found(await member.catalog.contactPoint(view.private_metadata)) : undefined;
    const parsed = contactPointSchema.safeParse({
      name: text(values, "name"),
      categories: selected(values, "categories"),
      description: text(values, "description"),
      address: text(values, "address"),
      openingHours: text(values, "openingHours"),
      phone: text(values, "phone"),
      web: text(values, "web"),
      languages: (text(values, "languages") ?? "").split(/[,\s]+/).filter(Boolean),
      translations: existing?.translations,
      exampleData: false,
    });
    if (!parsed.success || !(await member.isCoordinator())) {
      const field = parsed.success ? "name" : String(parsed.error.issues[0]?.path[0] ?? "name");
      await ack({ response_action: "errors", errors: { [field]: parsed.success ? t("slack.coordinatorsOnly") : t("slack.catalog.invalid") } });
      return;
    }
    await ack();
    await member.catalog.saveContactPoint(parsed.data, existing?.id);
  });

  app.view<ViewSubmitAction>(ACTIONS.offerModal, async ({ ack, view, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const member = memberOf(ctx);
    const values = view.state.values;
    const existing = view.private_metadata ? found(await member.catalog.leisureOffer(view.private_metadata)) : undefined;
    const parsed = leisureOfferSchema.safeParse({
      title: text(values, "title"),
      interests: selected(values, "interests"),
      times: selected(values, "times"),
      description: text(values, "description"),
      place: text(values, "place"),
      contact: text(values, "contact"),
      translations: existing?.translations,
      exampleData: false,
    });
    if (!parsed.success || !(await member.isCoordinator())) {
      const field = parsed.success ? "title" : String(parsed.error.issues[0]?.path[0] ?? "title");
      await ack({ response_action: "errors", errors: { [field]: parsed.success ? t("slack.coordinatorsOnly") : t("slack.catalog.invalid") } });
      return;
    }
    await ack();
    await member.catalog.saveLeisureOffer(parsed.data, existing?.id);
  });
}
