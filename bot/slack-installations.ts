import { createHash } from "node:crypto";
import type { Installation, InstallationQuery, InstallationStore, InstallURLOptions, StateStore } from "@slack/bolt";
import oauth from "@slack/oauth";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { TokenCipher } from "./token-cipher.js";

/**
 * How long a process trusts the installation it read: another process may have deleted it (an uninstall it
 * heard) or replaced it (a reinstall); this one notices within this time.
 */
const INSTALLATION_FRESH_MS = 60_000;

/** The app's installations in Slack workspaces, as Bolt's installer and `authorize` use them, kept in PostgreSQL. */
export type SlackInstallations = InstallationStore & {
  /** The bot token of the app's installation in a workspace; undefined when the app is not installed there. */
  botToken: (teamId: string) => Promise<string | undefined>;
  /** The app left a workspace (uninstalled, or its bot token revoked): the installation and its token are deleted. */
  remove: (teamId: string) => Promise<void>;
};

const select = { teamId: true, teamName: true, botToken: true, botUserId: true, botId: true, scopes: true, appId: true, installedBy: true } as const;

/**
 * Bolt's installation store (storeInstallation, fetchInstallation, deleteInstallation) on the `SlackInstallation`
 * table: one row per workspace, the bot token encrypted with `cipher` (bound to the workspace id). Only
 * workspace installations with a bot token are kept; org-wide (Enterprise Grid) installations are refused.
 *
 * @example
 * const installations = slackInstallations(prisma, tokenCipher(key));
 * await installations.botToken("T0123"); // "xoxb-…" once the workspace installed the app
 */
export function slackInstallations(prisma: PrismaClient, cipher: TokenCipher): SlackInstallations {
  const read = new Map<string, { installation: Installation; at: number }>();

  const load = async (teamId: string): Promise<Installation | undefined> => {
    const known = read.get(teamId);
    if (known && Date.now() - known.at < INSTALLATION_FRESH_MS) return known.installation;
    const row = await prisma.slackInstallation.findUnique({ where: { teamId }, select });
    if (!row) {
      read.delete(teamId);
      return undefined;
    }
    const installation: Installation<"v2", false> = {
      team: { id: row.teamId, ...(row.teamName ? { name: row.teamName } : {}) },
      enterprise: undefined,
      user: { id: row.installedBy, token: undefined, scopes: undefined },
      bot: { token: cipher.decrypt(row.botToken, row.teamId), userId: row.botUserId, id: row.botId, scopes: row.scopes },
      ...(row.appId ? { appId: row.appId } : {}),
      tokenType: "bot",
      isEnterpriseInstall: false,
      authVersion: "v2",
    };
    read.set(teamId, { installation, at: Date.now() });
    return installation;
  };

  const remove = async (teamId: string) => {
    read.delete(teamId);
    await prisma.slackInstallation.deleteMany({ where: { teamId } });
  };

  return {
    storeInstallation: async (installation) => {
      const teamId = installation.team?.id;
      if (installation.isEnterpriseInstall || !teamId) throw new Error("org-wide installations are not supported: install the app in a workspace");
      if (!installation.bot) throw new Error("the installation has no bot token (the bot scopes were not granted)");
      const fields = {
        teamName: installation.team?.name ?? null,
        botToken: cipher.encrypt(installation.bot.token, teamId),
        botUserId: installation.bot.userId,
        botId: installation.bot.id,
        scopes: installation.bot.scopes,
        appId: installation.appId ?? null,
        installedBy: installation.user.id,
      };
      read.delete(teamId);
      // A reinstall replaces the token (and restarts installedAt): the old one stops working at Slack anyway.
      await prisma.slackInstallation.upsert({ where: { teamId }, create: { teamId, ...fields }, update: { ...fields, installedAt: new Date() } });
    },
    fetchInstallation: async (query: InstallationQuery<boolean>) => {
      const installation = query.teamId ? await load(query.teamId) : undefined;
      if (!installation) throw new Error(`the app is not installed in workspace ${query.teamId ?? query.enterpriseId ?? "?"}`);
      return installation;
    },
    deleteInstallation: async (query: InstallationQuery<boolean>) => {
      if (query.teamId) await remove(query.teamId);
    },
    botToken: async (teamId) => (await load(teamId))?.bot?.token,
    remove,
  };
}

/**
 * The state of an install link: Bolt's own (`ClearStateStore`: signed with `SLACK_STATE_SECRET`, so a forged one
 * is refused, and good for ten minutes), and good for one installation only – a replayed redirect is refused
 * even within those minutes, in every process (the used states are kept in PostgreSQL until they expire).
 */
export function singleUseStates(prisma: PrismaClient, stateSecret: string, lifetimeSeconds = 600): StateStore {
  const signed = new oauth.ClearStateStore(stateSecret, lifetimeSeconds);
  return {
    generateStateParam: (options: InstallURLOptions, now: Date) => signed.generateStateParam(options, now),
    verifyStateParam: async (now: Date, state: string) => {
      const options = await signed.verifyStateParam(now, state);
      const stateHash = createHash("sha256").update(state).digest("hex");
      await prisma.slackOAuthState.deleteMany({ where: { expiresAt: { lt: now } } });
      const used = await prisma.slackOAuthState.createMany({ data: [{ stateHash, expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000) }], skipDuplicates: true });
      if (used.count === 0) throw new oauth.InvalidStateError("The state parameter was used already");
      return options;
    },
  };
}
