import { seedWorkingGroups } from "../prisma/seed.js";
import type { SlackEmulator, SlackWorkspace } from "../sim/slack-api.js";
import { installInBrowser, linkWithSetupCode } from "../sim/slack-install.js";
import type { SlackChannel, SlackPersona, TelegramPersona } from "../sim/simulator.js";
import type { Brueckenbot } from "./app.js";
import { DEMO, type Config } from "./config.js";

/** A town of the demo: its network, and its own Slack workspace with two channels, a coordinator and a member. */
export type DemoTown = {
  slug: string;
  name: string;
  /** The districts of a town the demo adds (the configured town brings its own). */
  districts: Record<string, string>;
  workspace: SlackWorkspace;
  channels: { network: SlackChannel; coordinators: SlackChannel };
  coordinator: SlackPersona;
  member: SlackPersona;
};

/**
 * The demo's two towns side by side: the configured one (Beckum) in the emulator's first workspace, and Ahlen
 * with a workspace of its own – as two towns of a county share one deployment.
 */
export function demoTowns(config: Config, slack: SlackEmulator): [DemoTown, DemoTown] {
  return [
    {
      slug: config.network.slug,
      name: config.network.name,
      districts: {},
      workspace: slack,
      channels: { network: { id: DEMO.networkChannel, name: "netzwerk-integration" }, coordinators: { id: DEMO.coordinatorChannel, name: "koordination" } },
      coordinator: { id: "U0SCHULTE", name: "Frau Schulte", role: "coordinator" },
      member: { id: "U0DEMIR", name: "Herr Demir", role: "member" },
    },
    {
      slug: "ahlen",
      name: "Ahlen",
      districts: { AHLEN: "Ahlen", VORHELM: "Vorhelm", DOLBERG: "Dolberg" },
      workspace: slack.workspace("T0AHLEN", { name: "Integration Ahlen", domain: "integration-ahlen" }),
      channels: { network: { id: "C0AHLENNETZ", name: "netzwerk-ahlen" }, coordinators: { id: "C0AHLENKOORD", name: "koordination" } },
      coordinator: { id: "U0YILMAZ", name: "Frau Yılmaz", role: "coordinator" },
      member: { id: "U0BECKER", name: "Herr Becker", role: "member" },
    },
  ];
}

/** The demo's Telegram people, and the towns they live or help in (a phone is shown with the first). */
export const DEMO_PEOPLE = {
  dawit: { id: 7002, name: "Dawit", role: "newcomer", language: "ti", towns: ["beckum"] },
  leyla: { id: 7102, name: "Leyla", role: "volunteer", language: "tr", towns: ["beckum"] },
  amina: { id: 7001, name: "Amina", role: "newcomer", language: "ar", towns: ["ahlen"] },
  yusuf: { id: 7101, name: "Yusuf", role: "volunteer", language: "de", towns: ["ahlen", "beckum"] },
} as const satisfies Record<string, TelegramPersona>;

/**
 * Sets the two towns up as an operator and the towns' coordinators would: Ahlen is added as from a networks file
 * (with the seed document's working groups, not Beckum's example catalogue), each workspace adds the app through
 * Slack's OAuth flow at `/slack/install`, and a coordinator links it to the town with a setup code in its Home
 * tab. The emulator forgets its workspaces at every start, so the app is added again each time; a link made
 * before stays in the database. Then Leyla, Beckum's volunteer, is registered and approved there.
 */
export async function prepareDemo(app: Brueckenbot, slack: SlackEmulator, productUrl: string): Promise<void> {
  const { core } = app;
  const towns = demoTowns(app.config, slack);
  const added = towns.filter((town) => town.slug !== app.config.network.slug);
  const imported = await core.networks.import({ networks: added.map(({ slug, name, districts }) => ({ slug, name, districts })) });
  if (imported.kind !== "imported") throw new Error(`the demo towns could not be added: ${imported.problems.join("; ")}`);
  for (const town of towns) {
    const network = await core.networks.bySlug(town.slug);
    if (!network) throw new Error(`no network ${town.slug}`);
    if (added.includes(town)) await seedWorkingGroups(app.database.prisma, network.id);
    for (const person of [town.coordinator, town.member]) town.workspace.member(person.id, person.name);
    town.workspace.join(town.channels.coordinators.id, town.coordinator.id);
    town.workspace.makePrivate(town.channels.coordinators.id);
    const installed = await installInBrowser(productUrl, slack, town.workspace.teamId, town.coordinator.id);
    if (installed.status !== 200) throw new Error(`the app could not be added to ${town.workspace.teamName} (HTTP ${installed.status})`);
    if (network.slackTeamId === town.workspace.teamId) continue;
    const code = await core.networks.newSetupCode(town.slug);
    const linked = await linkWithSetupCode(town.workspace, { coordinator: town.coordinator.id, coordinators: town.channels.coordinators.id, channel: town.channels.network.id }, code ?? "");
    if ((await core.networks.bySlug(town.slug))?.slackTeamId !== town.workspace.teamId) {
      throw new Error(`${town.workspace.teamName} could not be linked to ${town.name}: ${JSON.stringify(linked.body)}`);
    }
  }
  await prepareLeyla(app, towns[0]);
}

/** Leyla interprets Arabic in Beckum only: registered, and approved by Beckum's coordinator. Runs again harmlessly. */
async function prepareLeyla(app: Brueckenbot, beckum: DemoTown): Promise<void> {
  const { core } = app;
  const { id } = DEMO_PEOPLE.leyla;
  if ((await core.volunteers.of(id))?.status === "APPROVED") return;
  const town = await core.networks.bySlug(beckum.slug);
  const coordinator = await core.member({ slackUserId: beckum.coordinator.id, teamId: beckum.workspace.teamId });
  if (!town || !coordinator) throw new Error(`${beckum.name} is not linked to its workspace`);
  await core.users.chooseLocale(id, "tr");
  await core.users.giveConsent(id);
  await core.users.placeIn(id, town.id);
  const registered = await core.volunteers.register(id, {
    firstName: DEMO_PEOPLE.leyla.name,
    roles: ["INTERPRETER"],
    languages: [
      { language: "ar", level: "FLUENT" },
      { language: "tr", level: "NATIVE" },
    ],
    germanLevel: "C1_C2",
    districts: town.districts.slice(0, 2).map((d) => d.code),
    remoteOnly: false,
    weeklyCapacity: 50,
    networks: [town.id],
  });
  if ("volunteerId" in registered) await coordinator.volunteers.decide(registered.volunteerId, "APPROVED");
}
