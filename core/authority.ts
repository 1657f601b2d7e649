/**
 * Who may do what a coordinator does. Coordinators are the members of the coordinators' Slack channel; the
 * edge that knows Slack answers the question, core asks it before every coordinator action – one check, in
 * one place, whichever handler calls.
 */
export type Authority = {
  /** Whether the Slack member may act as a coordinator now. Fails closed: when in doubt, no. */
  isCoordinator: (slackUserId: string) => Promise<boolean>;
  /** Whether the member is in a channel, so may see what was posted there (fails closed too). */
  isMember: (channel: string, slackUserId: string) => Promise<boolean>;
};

/** The member who acts, as Slack identified them (a signed request). */
export type Actor = { slackUserId: string };

export type NotCoordinator = { kind: "not-coordinator" };

/**
 * Runs a coordinator's action only for a coordinator.
 *
 * @example
 * const result = await asCoordinator(authority, { slackUserId: "U0123" }, () => offerToAll(db, id, settings));
 * if (result.kind === "not-coordinator") …
 */
export async function asCoordinator<T>(authority: Authority, actor: Actor, action: () => Promise<T>): Promise<T | NotCoordinator> {
  if (!(await authority.isCoordinator(actor.slackUserId))) return { kind: "not-coordinator" };
  return action();
}
