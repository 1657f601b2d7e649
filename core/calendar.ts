import { createEvent } from "ics";
import type { DbOrTx } from "./db.js";
import { meetingView } from "./meetings.js";

/**
 * A meeting as an iCalendar file (RFC 5545), so that members can put it into their calendars; a
 * cancelled meeting comes with STATUS:CANCELLED, a moved one with its new time (same UID).
 */
export async function meetingCalendar(db: DbOrTx, id: string): Promise<string | undefined> {
  // The link in the announcement is the meeting's id, unguessable: whoever has it may add the meeting.
  const owner = await db.prisma.meeting.findUnique({ where: { id }, select: { networkId: true } });
  const meeting = owner ? await meetingView(db, owner.networkId, id) : undefined;
  if (!meeting) return undefined;
  const start = meeting.startsAt;
  const { error, value } = createEvent({
    uid: `${meeting.id}@brueckenbot`,
    title: meeting.title,
    start: [start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate(), start.getUTCHours(), start.getUTCMinutes()],
    startInputType: "utc",
    startOutputType: "utc",
    duration: { minutes: meeting.durationMinutes },
    location: meeting.place,
    description: meeting.agenda ?? "",
    status: meeting.status === "CANCELLED" ? "CANCELLED" : "CONFIRMED",
    productId: "brueckenbot/meetings",
    calName: "Integrationsnetzwerk Beckum",
  });
  if (error || !value) throw error ?? new Error("calendar file could not be made");
  return value;
}
