import type { BlockButtonAction } from "@slack/bolt";
import { ACTIONS } from "./action-ids.js";
import type { Member } from "../../core/index.js";
import { type ActionArgs, type NetworkView, type SlackDeps, type T, acknowledged, localeOf, memberOf, slackT, type SlackListeners } from "./context.js";
import { publishHome } from "./home.js";
import { changeBlocks, registrationBlocks } from "./volunteer-cards.js";

export const APPROVE_VOLUNTEER = ACTIONS.approveVolunteer;
export const REJECT_VOLUNTEER = ACTIONS.rejectVolunteer;

/** The outcome of a coordinator's click, said to them alone. */
function outcome(kind: string, t: T, params: Record<string, string | number> = {}): string {
  if (kind === "not-coordinator") return t("slack.coordinatorsOnly");
  if (kind === "not-found") return t("slack.volunteer.gone");
  return t(`slack.volunteer.outcome.${kind}`, params);
}

export function register(app: SlackListeners, deps: SlackDeps): void {
  /** A coordinator's decision on a volunteer; the card shows the new state, the coordinator hears the outcome. */
  const decide = (kind: string, act: (member: Member, volunteerId: string) => Promise<{ kind: string; reopened?: number }>, card: "registration" | "changes") =>
    acknowledged(async ({ body, action, respond, client, context: ctx }: ActionArgs) => {
      deps.metrics.slackRequests.inc({ kind });
      const t = slackT(deps, localeOf(ctx));
      const member = memberOf(ctx);
      const volunteerId = action.value ?? "";
      const result = await act(member, volunteerId);
      // From App Home (no message to answer in): the Home tab shows the new state.
      if (body.container.type === "view") return publishHome(deps, client, member, localeOf(ctx));
      const volunteer = await member.volunteers.view(volunteerId);
      if (result.kind === "not-coordinator" || result.kind === "not-found" || !volunteer || "kind" in volunteer) {
        await respond({ response_type: "ephemeral", replace_original: false, text: outcome(result.kind, t) });
        return;
      }
      const cardT = slackT(deps);
      const blocks = card === "registration" ? registrationBlocks(volunteer, cardT) : changeBlocks(volunteer, cardT);
      await respond({ replace_original: true, text: cardT(card === "registration" ? "slack.volunteer.title" : "slack.volunteer.changesTitle", { name: volunteer.firstName }), blocks });
      await respond({ response_type: "ephemeral", replace_original: false, text: outcome(result.kind, t, { name: volunteer.firstName, count: result.reopened ?? 0 }) });
    });
  app.action<BlockButtonAction>(APPROVE_VOLUNTEER, decide("volunteer_approved", (member, id) => member.volunteers.decide(id, "APPROVED"), "registration"));
  app.action<BlockButtonAction>(REJECT_VOLUNTEER, decide("volunteer_rejected", (member, id) => member.volunteers.decide(id, "REJECTED"), "registration"));
  app.action<BlockButtonAction>(ACTIONS.suspendVolunteer, decide("volunteer_suspended", (member, id) => member.volunteers.suspend(id), "registration"));
  app.action<BlockButtonAction>(ACTIONS.reactivateVolunteer, decide("volunteer_reactivated", (member, id) => member.volunteers.reactivate(id), "registration"));
  app.action<BlockButtonAction>(ACTIONS.applyChanges, decide("volunteer_changes_applied", (member, id) => member.volunteers.decideChange(id, true), "changes"));
  app.action<BlockButtonAction>(ACTIONS.declineChanges, decide("volunteer_changes_declined", (member, id) => member.volunteers.decideChange(id, false), "changes"));
}

/** The cards the outbound sender renders: a registration and a requested change. */
export async function renderRegistration(deps: SlackDeps, network: NetworkView, id: string) {
  const volunteer = await network.volunteer(id);
  if (!volunteer) return undefined;
  const t = slackT(deps);
  return { text: t("slack.volunteer.title", { name: volunteer.firstName }), blocks: registrationBlocks(volunteer, t) };
}

export async function renderChanges(deps: SlackDeps, network: NetworkView, id: string) {
  const volunteer = await network.volunteer(id);
  if (!volunteer) return undefined;
  const t = slackT(deps);
  return { text: t("slack.volunteer.changesTitle", { name: volunteer.firstName }), blocks: changeBlocks(volunteer, t) };
}
