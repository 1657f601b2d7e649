import type { Locale } from "../../core/i18n.js";
import { languageName } from "../../core/messages.js";
import type { Vetted, VolunteerProfile } from "../../core/volunteers.js";
import { ACTIONS } from "./action-ids.js";
import { actions, button, context, escape, fields, header, section, type Block } from "./blocks.js";
import type { T } from "./context.js";

/** The coordinators' cards about a volunteer: a registration, a change asked for, and their buttons. */

const languagesOf = (vetted: Pick<Vetted, "languages">, t: T, locale: Locale) =>
  vetted.languages.map((l) => `${languageName(l.language, locale)} (${t(`volunteer.level.${l.level}`)})`).join(", ");
const rolesOf = (vetted: Pick<Vetted, "roles">, t: T) => vetted.roles.map((r) => t(`volunteer.role.${r}`)).join(", ");
const decidedBy = (volunteer: VolunteerProfile) => (volunteer.decidedBy ? `<@${volunteer.decidedBy}>` : "–");

/** What a coordinator may do with a volunteer in this state. */
export function volunteerButtons(volunteer: VolunteerProfile, t: T) {
  switch (volunteer.status) {
    case "PENDING":
      return [button(t("slack.volunteer.approve"), ACTIONS.approveVolunteer, volunteer.id, "primary"), button(t("slack.volunteer.reject"), ACTIONS.rejectVolunteer, volunteer.id, "danger")];
    case "APPROVED":
      return [button(t("slack.volunteer.suspend"), ACTIONS.suspendVolunteer, volunteer.id, "danger")];
    case "SUSPENDED":
      return [button(t("slack.volunteer.reactivate"), ACTIONS.reactivateVolunteer, volunteer.id, "primary")];
    case "REJECTED":
      return [];
  }
}

/** A registration as coordinators see it: what the volunteer offers, and what a coordinator can do now. */
export function registrationBlocks(volunteer: VolunteerProfile, t: T, locale: Locale = "de"): Block[] {
  const places = volunteer.remoteOnly ? t("volunteer.remoteOnly") : volunteer.districtNames.join(", ");
  const blocks: Block[] = [
    header(t("slack.volunteer.title", { name: volunteer.firstName })),
    fields([
      `*${t("slack.volunteer.roles")}*\n${rolesOf(volunteer, t)}`,
      `*${t("slack.volunteer.languages")}*\n${escape(languagesOf(volunteer, t, locale))}`,
      `*${t("slack.volunteer.german")}*\n${t(`volunteer.german.${volunteer.germanLevel}`)}`,
      `*${t("slack.volunteer.places")}*\n${escape(places)}`,
      `*${t("slack.volunteer.capacity")}*\n${t("slack.volunteer.perWeek", { count: volunteer.weeklyCapacity })}`,
    ]),
  ];
  if (volunteer.status !== "PENDING") blocks.push(context(t(`slack.volunteer.decided.${volunteer.status}`, { by: decidedBy(volunteer) })));
  const buttons = volunteerButtons(volunteer, t);
  if (buttons.length > 0) blocks.push(actions(`volunteer-${volunteer.id}`, buttons));
  return blocks;
}

/** A change an approved volunteer asked for: as approved, as asked, and Apply / Decline while it waits. */
export function changeBlocks(volunteer: VolunteerProfile, t: T, locale: Locale = "de"): Block[] {
  const describe = (v: Vetted) =>
    [`*${escape(v.firstName)}*`, rolesOf(v, t), escape(languagesOf(v, t, locale)), ...(v.gender ? [t(`volunteer.gender.${v.gender}`)] : [])].join("\n");
  const blocks: Block[] = [header(t("slack.volunteer.changesTitle", { name: volunteer.firstName }))];
  const asked = volunteer.requestedChange;
  if (!asked) {
    blocks.push(section(describe(volunteer)), context(t("slack.volunteer.changesSettled", { by: volunteer.changeDecidedBy ? `<@${volunteer.changeDecidedBy}>` : "–" })));
    return blocks;
  }
  blocks.push(
    fields([`*${t("slack.volunteer.changesNow")}*\n${describe(volunteer)}`, `*${t("slack.volunteer.changesAsked")}*\n${describe(asked)}`]),
    context(t("slack.volunteer.changesMeanwhile")),
    actions(`changes-${volunteer.id}`, [
      button(t("slack.volunteer.applyChanges"), ACTIONS.applyChanges, volunteer.id, "primary"),
      button(t("slack.volunteer.declineChanges"), ACTIONS.declineChanges, volunteer.id, "danger"),
    ]),
  );
  return blocks;
}
