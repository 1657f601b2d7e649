import { t, type Label } from "./messages.js";
import type { Request } from "./request-store.js";

/**
 * The anonymised summary of a request that volunteers see in an offer: reference, language, purpose, mode,
 * time, town and district – never a name, a note, a place or a photo.
 */
export function summary(request: Pick<Request, "kind" | "reference" | "language" | "purpose" | "mode" | "appointmentAt" | "district" | "districtName" | "townName" | "interests" | "topic">): Label[] {
  const when: Label = request.appointmentAt ? { dateTime: request.appointmentAt.toISOString() } : t("mediation.asap");
  const lines: Label[] = [t("summary.reference", { reference: request.reference })];
  // Someone serving several towns sees which one.
  if (request.townName) lines.push(t("summary.town", { town: { text: request.townName } }));
  lines.push(t("summary.language", { language: { language: request.language } }));
  if (request.purpose) lines.push(t("summary.purpose", { purpose: t(`mediation.purpose.${request.purpose}`) }));
  if (request.mode) lines.push(t("summary.mode", { mode: t(`mediation.mode.${request.mode}`) }));
  if (request.topic) lines.push(t("summary.topic", { topic: t(`mentoring.topic.${request.topic}`) }));
  if (request.interests.length) lines.push({ lines: [t("summary.interests"), ...request.interests.map((i) => t(`leisure.interest.${i}`))] });
  if (request.kind !== "MEDIATION") return lines;
  lines.push(t("summary.when", { when }));
  if (request.district) lines.push(t("summary.district", { district: { text: request.districtName ?? request.district } }));
  return lines;
}
