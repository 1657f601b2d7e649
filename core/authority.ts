/**
 * Who may do what in Slack. A member acts in the network their Slack workspace serves (one workspace, one
 * network); its coordinators are the members of its coordinators' channel. The edge that knows Slack answers
 * whether someone is in a channel; core asks before every coordinator action and every read of a channel's
 * items – one check, in one place, whichever handler calls.
 */
export type Authority = {
  /** Whether the member is in a channel of their workspace now. Fails closed: when in doubt, no. */
  isMember: (teamId: string, channel: string, slackUserId: string) => Promise<boolean>;
};

/** The member who acts, as Slack identified them in a signed request: who, and in which workspace. */
export type Actor = { slackUserId: string; teamId: string };

export type NotCoordinator = { kind: "not-coordinator" };
