import type { DbOrTx } from "./db.js";
import { upcomingMeetings, type MeetingView } from "./meetings.js";
import { openPolls, pollView, type PollView } from "./polls.js";

/**
 * What a member may see of their network outside its channels (App Home, `/digest`): the meetings and polls
 * of the channels they are in – a poll in the coordinators' channel stays there – and nothing of another
 * network.
 */

/** Whether the member is in a channel (of their own workspace): asked of Slack, cached, failing closed. */
export type CanSee = (channel: string) => Promise<boolean>;

/** The items whose `allowed` says yes, in their order (asked one after another: the answers are cached). */
export async function visible<T>(items: T[], allowed: (item: T) => Promise<boolean>): Promise<T[]> {
  const shown: T[] = [];
  for (const item of items) if (await allowed(item)) shown.push(item);
  return shown;
}

/** The member's next meetings in their network, with their answers. */
export async function meetingsFor(db: DbOrTx, networkId: string, member: { slackUserId: string; canSee: CanSee }, limit: number): Promise<MeetingView[]> {
  const meetings = await upcomingMeetings(db, [networkId], { limit: limit * 4, slackUserId: member.slackUserId });
  return (await visible(meetings, (m) => member.canSee(m.channel))).slice(0, limit);
}

/** The open polls of the member's channels in their network, each with the member's vote. */
export async function pollsFor(db: DbOrTx, networkId: string, member: { slackUserId: string; canSee: CanSee }, limit: number, ballotSecret: string): Promise<PollView[]> {
  const views: PollView[] = [];
  for (const { id } of await openPolls(db, networkId, limit * 4)) {
    if (views.length >= limit) break;
    const poll = await pollView(db, networkId, id, { slackUserId: member.slackUserId, ballotSecret });
    if (poll && (await member.canSee(poll.channel))) views.push(poll);
  }
  return views;
}
