import { ESCALATION_TEMPLATE } from "../../core/dispatch.js";
import { REGISTRATION_TEMPLATE, volunteerById } from "../../core/volunteers.js";
import { renderEscalation } from "./alerts.js";
import { slackT, type SlackDeps } from "./context.js";
import { registrationBlocks } from "./volunteers.js";

/** Renders the Slack messages that core asks to post, by template, from the entity's current state. */
export function createSlackRenderer(deps: SlackDeps) {
  const templates: Record<string, (id: string) => Promise<{ text: string; blocks?: ReturnType<typeof registrationBlocks> } | undefined>> = {
    [REGISTRATION_TEMPLATE]: async (id) => {
      const volunteer = await volunteerById(deps.db, id);
      if (!volunteer) return undefined;
      const t = slackT(deps);
      return { text: t("slack.volunteer.title", { name: volunteer.firstName }), blocks: registrationBlocks(volunteer, t) };
    },
    [ESCALATION_TEMPLATE]: (id) => renderEscalation(deps, id),
  };
  return async (template: string, id: string) => {
    const render = templates[template];
    if (!render) throw new Error(`no Slack template ${template}`);
    return render(id);
  };
}
