import type { Logger } from "../ops/log.js";
import type { SlackClients } from "./slack-clients.js";

/** How long a channel's member list is trusted: a member removed from the coordinators' channel loses their powers within this time. */
const MEMBERS_FRESH_MS = 10_000;

/**
 * Who is in which Slack channel of which workspace, as Slack says: coordinators are the members of their
 * network's coordinators' channel; App Home shows a member the polls and meetings of their channels only.
 * Lists are asked of Slack (with the workspace's own client) at most every ten seconds, forgotten at once when
 * Slack reports someone joining or leaving, and when Slack cannot be asked – or the app is not installed in the
 * workspace – nobody is a coordinator and nobody sees another channel's items (fail closed).
 *
 * `teamId` null is the single workspace of single-workspace mode (see {@link SlackClients.forTeam}).
 */
export type ChannelDirectory = {
  /** Whether `slackUserId` is a member of `channel` in the workspace (fails closed). */
  isMember: (teamId: string | null, channel: string, slackUserId: string) => Promise<boolean>;
  /** A member joined or left: the channel's list is asked again. */
  forget: (teamId: string | null, channel: string) => void;
  /** Whether the channel is private (invitation only); undefined when Slack cannot tell. */
  isPrivate: (teamId: string | null, channel: string) => Promise<boolean | undefined>;
};

export function channelDirectory(clients: SlackClients, log: Logger): ChannelDirectory {
  const lists = new Map<string, { members: Set<string>; at: number }>();
  const keyOf = (teamId: string | null, channel: string) => `${teamId ?? "*"}/${channel}`;

  const membersOf = async (teamId: string | null, channel: string): Promise<Set<string> | undefined> => {
    const key = keyOf(teamId, channel);
    try {
      // Asked first, so that a workspace that removed the app has no members from then on, listed or not.
      const client = await clients.forTeam(teamId);
      if (!client) {
        log.debug({ teamId, channel }, "the app is not installed in the workspace: nobody is let in");
        lists.delete(key);
        return undefined;
      }
      const known = lists.get(key);
      if (known && Date.now() - known.at < MEMBERS_FRESH_MS) return known.members;
      const members = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await client.conversations.members({ channel, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const m of page.members ?? []) members.add(m);
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      lists.set(key, { members, at: Date.now() });
      return members;
    } catch (error) {
      log.warn({ err: error, teamId, channel }, "channel members unknown: nobody is let in for now");
      lists.delete(key);
      return undefined;
    }
  };

  return {
    isMember: async (teamId, channel, slackUserId) => (await membersOf(teamId, channel))?.has(slackUserId) ?? false,
    forget: (teamId, channel) => {
      lists.delete(keyOf(teamId, channel));
      // Slack's events name the workspace; single-workspace mode may have asked without naming it.
      lists.delete(keyOf(null, channel));
    },
    isPrivate: async (teamId, channel) => {
      try {
        const client = await clients.forTeam(teamId);
        const info = await client?.conversations.info({ channel });
        return info?.channel?.is_private ?? undefined;
      } catch (error) {
        log.warn({ err: error, teamId, channel }, "channel unknown");
        return undefined;
      }
    },
  };
}
