/** Action and view ids, shared by the blocks that show a button and the listener that handles it. */
export const ACTIONS = {
  joinGroup: "ag_join",
  leaveGroup: "ag_leave",
  addGroup: "ag_add",
  addGroupModal: "ag_add_modal",
  rsvp: "meeting_rsvp",
  rescheduleMeeting: "meeting_reschedule",
  cancelMeeting: "meeting_cancel",
  meetingModal: "meeting_modal",
  vote: "poll_vote",
  closePoll: "poll_close",
  pollModal: "poll_modal",
  meetingFromPoll: "poll_to_meeting",
  approveVolunteer: "volunteer_approve",
  rejectVolunteer: "volunteer_reject",
  suspendVolunteer: "volunteer_suspend",
  reactivateVolunteer: "volunteer_reactivate",
  applyChanges: "volunteer_changes_apply",
  declineChanges: "volunteer_changes_decline",
  offerToAll: "request_offer_all",
  closeRequest: "request_close",
  closeRequestModal: "request_close_modal",
  confirmMentoring: "mentoring_confirm",
  rejectMentoring: "mentoring_reject",
  answerReport: "report_answer",
  answerReportModal: "report_answer_modal",
  editContact: "catalog_edit_contact",
  newContact: "catalog_new_contact",
  contactModal: "catalog_contact_modal",
  editOffer: "catalog_edit_offer",
  newOffer: "catalog_new_offer",
  offerModal: "catalog_offer_modal",
  /** The calendar link of a meeting: Slack reports clicks on link buttons too, and wants them acknowledged. */
  calendar: "meeting_ics",
  /** The town's posters, a link too. */
  openPosters: "posters_open",
  /** Linking a newly installed workspace to its network with a setup code. */
  linkWorkspace: "setup_link",
  linkWorkspaceModal: "setup_link_modal",
} as const;

const KNOWN: ReadonlySet<string> = new Set(Object.values(ACTIONS));

/** Whether a listener of this version handles `actionId` (a message from an older version may carry others). */
export const isKnownAction = (actionId: string): boolean => KNOWN.has(actionId.split(".")[0] ?? "");

/**
 * The action id of one of several buttons of a kind side by side (a vote per option, an RSVP per answer):
 * Block Kit refuses two elements with the same `action_id` in one block ("invalid_blocks"), so the choice
 * follows the base after a dot. Listeners match every choice with {@link anyChoice}.
 */
export const choice = (base: string, key: string): string => `${base}.${key}`;

/** Matches the action ids of `base` (letters and "_") with any choice, and `base` alone from older messages. */
export const anyChoice = (base: string): RegExp => new RegExp(`^${base}(\\..+)?$`);
