import type { Actor, Authority } from "./authority.js";
import type { DbOrTx } from "./db.js";
import { upcomingMeetings, type MeetingView } from "./meetings.js";
import { openPolls, pollView, type PollView } from "./polls.js";

/**
 * What a member may see of the network outside its channels (App Home, `/digest`): the meetings and polls of
 * the channels they are in – a poll in the coordinators' channel stays there.
 */

/** The items whose `allowed` says yes, in their order (asked one after another: the answers are cached). */
export async function visible<T>(items: T[], allowed: (item: T) => Promise<boolean>): Promise<T[]> {
  const shown: T[] = [];
  for (const item of items) if (await allowed(item)) shown.push(item);
  return shown;
}

/** The member's next meetings, with their answers. */
export async function meetingsFor(db: DbOrTx, authority: Authority, actor: Actor, limit: number): Promise<MeetingView[]> {
  const meetings = await upcomingMeetings(db, { limit: limit * 4, slackUserId: actor.slackUserId });
  return (await visible(meetings, (m) => authority.isMember(m.channel, actor.slackUserId))).slice(0, limit);
}

/** The open polls of the member's channels, each with the member's vote. */
export async function pollsFor(db: DbOrTx, authority: Authority, actor: Actor, limit: number, ballotSecret: string): Promise<PollView[]> {
  const views: PollView[] = [];
  for (const { id } of await openPolls(db, limit * 4)) {
    if (views.length >= limit) break;
    const poll = await pollView(db, id, { slackUserId: actor.slackUserId, ballotSecret });
    if (poll && (await authority.isMember(poll.channel, actor.slackUserId))) views.push(poll);
  }
  return views;
}
