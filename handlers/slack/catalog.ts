import type { AllMiddlewareArgs, BlockButtonAction, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, webApi } from "@slack/bolt";
import { CATALOG_LIMITS, CONTACT_CATEGORIES, contactPointSchema, FREE_TIMES, INTERESTS, leisureOfferSchema, type ContactPointView, type LeisureOfferView } from "../../core/catalog.js";
import { ACTIONS } from "./action-ids.js";
import { actions, type Block, button, context, escape, header, modal, option, section, textInput, within } from "./blocks.js";
import type { Member } from "../../core/index.js";
import { acknowledged, localeOf, memberOf, slackT, type ActionArgs, type SlackDeps, type T, type SlackListeners } from "./context.js";

const input = (blockId: string, text: string, element: Record<string, unknown>, optional = true) => ({
  type: "input" as const,
  block_id: blockId,
  optional,
  label: { type: "plain_text" as const, text },
  element: { action_id: "value", ...element },
});
/** A field of an entry: Slack's form refuses more than the catalogue takes, with its own message under the field. */
const field = (initial: string | undefined, max: number, multiline = false) => textInput({ initial, max, multiline });

function catalogBlocks(points: ContactPointView[], offers: LeisureOfferView[], t: T): Block[] {
  const entry = (name: string, example: boolean, kinds: string, action: string, id: string): Block[] => [
    {
      type: "section",
      text: { type: "mrkdwn", text: `*${escape(name)}*${example ? ` _(${t("slack.catalog.example")})_` : ""}\n${kinds}` },
      accessory: button(t("slack.catalog.edit"), action, id),
    },
  ];
  // A message takes 50 blocks: 22 for each list, 6 for the headings, the buttons and the hint.
  return [
    header(t("slack.catalog.title")),
    section(`*${t("slack.catalog.contacts")}*`),
    ...within(22, points.map((p) => entry(p.name, p.exampleData, p.categories.map((c) => t(`contacts.category.${c}`)).join(", "), ACTIONS.editContact, p.id))),
    section(`*${t("slack.catalog.offers")}*`),
    ...within(22, offers.map((o) => entry(o.title, o.exampleData, o.interests.map((i) => t(`leisure.interest.${i}`)).join(", "), ACTIONS.editOffer, o.id))),
    actions("catalog-new", [button(t("slack.catalog.newContact"), ACTIONS.newContact, "new"), button(t("slack.catalog.newOffer"), ACTIONS.newOffer, "new")]),
    context(t("slack.catalog.importHint")),
  ];
}

function contactModal(t: T, point?: ContactPointView): webApi.ViewsOpenArguments["view"] {
  const categories = CONTACT_CATEGORIES.map((c) => option(t(`contacts.category.${c}`), c));
  const chosen = categories.filter((o) => point?.categories.includes(o.value as never));
  return modal({
    callbackId: ACTIONS.contactModal,
    metadata: point?.id ?? "",
    title: t("slack.catalog.contactTitle"),
    submit: t("slack.meeting.submit"),
    close: t("slack.cancel"),
    blocks: [
      input("name", t("slack.ag.name"), field(point?.name, CATALOG_LIMITS.name), false),
      input("categories", t("slack.catalog.categories"), { type: "multi_static_select", options: categories, ...(chosen.length ? { initial_options: chosen } : {}) }, false),
      input("description", t("slack.ag.description"), field(point?.description, CATALOG_LIMITS.description, true)),
      input("address", t("slack.catalog.address"), field(point?.address, CATALOG_LIMITS.address)),
      input("openingHours", t("slack.catalog.hours"), field(point?.openingHours, CATALOG_LIMITS.openingHours)),
      input("phone", t("slack.catalog.phone"), field(point?.phone, CATALOG_LIMITS.phone)),
      input("web", t("slack.catalog.web"), field(point?.web, CATALOG_LIMITS.web)),
      input("languages", t("slack.catalog.languages"), textInput({ initial: point?.languages.join(", ") })),
    ],
  });
}

function offerModal(t: T, offer?: LeisureOfferView): webApi.ViewsOpenArguments["view"] {
  const interests = INTERESTS.map((i) => option(t(`leisure.interest.${i}`), i));
  const times = FREE_TIMES.map((f) => option(t(`leisure.time.${f}`), f));
  const chosenInterests = interests.filter((o) => offer?.interests.includes(o.value as never));
  const chosenTimes = times.filter((o) => offer?.times.includes(o.value as never));
  return modal({
    callbackId: ACTIONS.offerModal,
    metadata: offer?.id ?? "",
    title: t("slack.catalog.offerTitle"),
    submit: t("slack.meeting.submit"),
    close: t("slack.cancel"),
    blocks: [
      input("title", t("slack.ag.name"), field(offer?.title, CATALOG_LIMITS.name), false),
      input("interests", t("slack.catalog.interests"), { type: "multi_static_select", options: interests, ...(chosenInterests.length ? { initial_options: chosenInterests } : {}) }, false),
      input("times", t("slack.catalog.times"), { type: "checkboxes", options: times, ...(chosenTimes.length ? { initial_options: chosenTimes } : {}) }, false),
      input("description", t("slack.ag.description"), field(offer?.description, CATALOG_LIMITS.description, true)),
      input("place", t("slack.catalog.address"), field(offer?.place, CATALOG_LIMITS.place)),
      input("contact", t("slack.catalog.contact"), field(offer?.contact, CATALOG_LIMITS.contact)),
    ],
  });
}

type Values = ViewSubmitAction["view"]["state"]["values"];
/** An entry found for a coordinator, or nothing (another network's, gone, or not a coordinator). */
const found = <T extends object>(result: T | { kind: "not-coordinator" } | undefined): T | undefined => (result && !("kind" in result && result.kind === "not-coordinator") ? (result as T) : undefined);
const text = (values: Values, block: string) => values[block]?.value?.value?.trim() || undefined;
const selected = (values: Values, block: string) => (values[block]?.value?.selected_options ?? []).map((o) => o.value);

export function register(app: SlackListeners, deps: SlackDeps): void {
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
