import type { webApi } from "@slack/bolt";
import type { Authority } from "../core/authority.js";
import type { Logger } from "../ops/log.js";

/** How long a channel's member list is trusted: a member removed from the coordinators' channel loses their powers within this time. */
const MEMBERS_FRESH_MS = 10_000;

/**
 * Who is in which Slack channel, as Slack says: coordinators are the members of the coordinators' channel;
 * App Home shows a member the polls and meetings of their channels only. Lists are asked of Slack at most
 * every ten seconds, forgotten at once when Slack reports someone joining or leaving, and when Slack cannot
 * be asked, nobody is a coordinator and nobody sees another channel's items (fail closed).
 */
export type ChannelDirectory = Authority & {
  /** Whether `slackUserId` is a member of `channel` (fails closed). */
  isMember: (channel: string, slackUserId: string) => Promise<boolean>;
  /** A member joined or left: the channel's list is asked again. */
  forget: (channel: string) => void;
  /** Whether the coordinators' channel is private (invitation only); undefined when Slack cannot tell. */
  coordinatorChannelIsPrivate: () => Promise<boolean | undefined>;
};

export function channelDirectory(client: webApi.WebClient, coordinatorChannel: string, log: Logger): ChannelDirectory {
  const lists = new Map<string, { members: Set<string>; at: number }>();
  const membersOf = async (channel: string): Promise<Set<string> | undefined> => {
    const known = lists.get(channel);
    if (known && Date.now() - known.at < MEMBERS_FRESH_MS) return known.members;
    try {
      const members = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await client.conversations.members({ channel, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const m of page.members ?? []) members.add(m);
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      lists.set(channel, { members, at: Date.now() });
      return members;
    } catch (error) {
      log.warn({ err: error, channel }, "channel members unknown: nobody is let in for now");
      lists.delete(channel);
      return undefined;
    }
  };
  const isMember = async (channel: string, slackUserId: string) => (await membersOf(channel))?.has(slackUserId) ?? false;
  return {
    isMember,
    isCoordinator: (slackUserId) => isMember(coordinatorChannel, slackUserId),
    forget: (channel) => void lists.delete(channel),
    coordinatorChannelIsPrivate: async () => {
      try {
        const info = await client.conversations.info({ channel: coordinatorChannel });
        return info.channel?.is_private ?? undefined;
      } catch (error) {
        log.warn({ err: error }, "coordinators' channel unknown");
        return undefined;
      }
    },
  };
}
