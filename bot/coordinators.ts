import type { webApi } from "@slack/bolt";
import type { Authority } from "../core/authority.js";
import type { Logger } from "../ops/log.js";

/** How long a channel's member list is trusted: a member removed from the coordinators' channel loses their powers within this time. */
const MEMBERS_FRESH_MS = 10_000;

/** The Web API client of a workspace (its bot token), or undefined when the app is not installed there. */
export type ClientFor = (teamId: string) => Promise<webApi.WebClient | undefined> | webApi.WebClient | undefined;

/**
 * Who is in which Slack channel, as Slack says: a network's coordinators are the members of its
 * coordinators' channel; App Home shows a member the polls and meetings of their channels only. Lists are
 * asked of the member's own workspace at most every ten seconds, forgotten at once when Slack reports
 * someone joining or leaving, and when Slack cannot be asked, nobody is a coordinator and nobody sees
 * another channel's items (fail closed).
 */
export type ChannelDirectory = Authority & {
  /** A member joined or left a channel of a workspace: its list is asked again. */
  forget: (teamId: string, channel: string) => void;
  /** Whether a channel is private (invitation only); undefined when Slack cannot tell. */
  isPrivate: (teamId: string, channel: string) => Promise<boolean | undefined>;
};

export function channelDirectory(clientFor: ClientFor, log: Logger): ChannelDirectory {
  const lists = new Map<string, { members: Set<string>; at: number }>();
  const key = (teamId: string, channel: string) => `${teamId}:${channel}`;
  const membersOf = async (teamId: string, channel: string): Promise<Set<string> | undefined> => {
    const known = lists.get(key(teamId, channel));
    if (known && Date.now() - known.at < MEMBERS_FRESH_MS) return known.members;
    try {
      const client = await clientFor(teamId);
      if (!client) return undefined;
      const members = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await client.conversations.members({ channel, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const m of page.members ?? []) members.add(m);
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      lists.set(key(teamId, channel), { members, at: Date.now() });
      return members;
    } catch (error) {
      log.warn({ err: error, channel }, "channel members unknown: nobody is let in for now");
      lists.delete(key(teamId, channel));
      return undefined;
    }
  };
  return {
    isMember: async (teamId, channel, slackUserId) => (await membersOf(teamId, channel))?.has(slackUserId) ?? false,
    forget: (teamId, channel) => void lists.delete(key(teamId, channel)),
    isPrivate: async (teamId, channel) => {
      try {
        const info = await (await clientFor(teamId))?.conversations.info({ channel });
        return info?.channel?.is_private ?? undefined;
      } catch (error) {
        log.warn({ err: error }, "channel unknown");
        return undefined;
      }
    },
  };
}
