import { webApi } from "@slack/bolt";

/**
 * A Web API client per Slack workspace, for what the product does outside a Slack request (posting the outbox's
 * messages, asking who is in a channel). Inside a request Bolt hands listeners the workspace's client itself.
 */
export type SlackClients = {
  /**
   * Single-workspace mode: the one client, whatever the team (null included). Distributed: a client with the
   * bot token of the workspace's installation; undefined when the app is not installed there, or for null.
   */
  forTeam: (teamId: string | null) => Promise<webApi.WebClient | undefined>;
};

/** Where the bot tokens come from: the configuration (one workspace), or the installations (distributed). */
export type SlackTokens = { kind: "single"; token: string } | { kind: "distributed"; botToken: (teamId: string) => Promise<string | undefined> };

/**
 * Clients with the given options, one per workspace, kept while the workspace's token stays the same: a
 * reinstall's new token gets a new client, an uninstalled workspace none.
 *
 * @example
 * const clients = slackClients({ kind: "single", token: "xoxb-…" }, { slackApiUrl });
 * await (await clients.forTeam(null))?.chat.postMessage({ channel, text });
 */
export function slackClients(tokens: SlackTokens, options: webApi.WebClientOptions): SlackClients {
  if (tokens.kind === "single") {
    const client = new webApi.WebClient(tokens.token, options);
    return { forTeam: async () => client };
  }
  const clients = new Map<string, { token: string; client: webApi.WebClient }>();
  return {
    forTeam: async (teamId) => {
      if (teamId === null) return undefined;
      const token = await tokens.botToken(teamId);
      if (!token) {
        clients.delete(teamId);
        return undefined;
      }
      const known = clients.get(teamId);
      if (known?.token === token) return known.client;
      const client = new webApi.WebClient(token, { ...options, teamId });
      clients.set(teamId, { token, client });
      return client;
    },
  };
}
