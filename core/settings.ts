/** The search for a volunteer: its times and sizes, all configurable. */
export type DispatchSettings = {
  /** Volunteers offered a request at once. */
  waveSize: number;
  waveIntervalMs: number;
  /** Waves with the strict criteria before the circle widens (basic language level, any district, by phone). */
  strictWaves: number;
  /** When coordinators get an alert in Slack if nobody has accepted. */
  escalateAfterMs: number;
  /** Longest search for "as soon as possible". */
  searchTimeoutMs: number;
  /** The search for an appointment ends this long before it, so the newcomer can still look elsewhere. */
  stopBeforeAppointmentMs: number;
  /** Nobody gets another offer within this time after their last one. */
  quietMs: number;
};

/** Reminders of a matched appointment: the evening before (at this hour, network time) and this long before. */
export type ReminderSettings = { eveningHour: number; beforeMs: number };

export type MeetingSettings = {
  /** How long before the start reminders go out, e.g. 3 days and 2 hours. */
  reminderOffsetsMs: number[];
};

/**
 * Matched requests nobody reports done are closed by themselves (both sides told, the relay closed), so that
 * their personal fields reach the retention schedule.
 */
export type ClosingSettings = {
  /** An appointment's job closes this long after the appointment. */
  afterAppointmentMs: number;
  /** An "as soon as possible" job (and a mentoring match no coordinator decided on) closes this long after the match. */
  asapAfterMatchMs: number;
  /** A mentorship is reviewed (and closed in the bot) this long after the coordinators confirmed it. */
  mentoringReviewMs: number;
};

/** Everything core needs to know about the network it serves; bound once in the composition root. */
export type CoreSettings = {
  dispatch: DispatchSettings;
  reminders: ReminderSettings;
  meetings: MeetingSettings;
  /** The Slack channel of the coordinators: registrations, alerts, reports. */
  coordinatorChannel: string;
  /** Where network meetings, AG meetings without a channel and the weekly digest are posted. */
  networkChannel: string;
  /** Dates, reminders and schedules are in this zone. */
  timeZone: string;
  /** After this many days personal data of closed requests and of reports is erased. */
  retentionDays: number;
  closing: ClosingSettings;
  /** The key of anonymous polls' ballots (an HMAC of poll and member): without it a ballot cannot be traced back. */
  ballotSecret: string;
  /** A newcomer's open requests of one kind, and requests a day, at most. */
  limits: { openPerKind: number; perDay: number };
};
