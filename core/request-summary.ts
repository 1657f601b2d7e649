import { t, type Label } from "./messages.js";
import type { Request } from "./request-store.js";
import { DISTRICT_NAMES, isOneOf, DISTRICTS } from "./vocabulary.js";

/**
 * The anonymised summary of a request that volunteers see in an offer: reference, language, purpose, mode,
 * time, district – never a name, a note, a place or a photo.
 */
export function summary(request: Pick<Request, "kind" | "reference" | "language" | "purpose" | "mode" | "appointmentAt" | "district" | "interests" | "topic">): Label[] {
  const when: Label = request.appointmentAt ? { dateTime: request.appointmentAt.toISOString() } : t("mediation.asap");
  const lines: Label[] = [t("summary.reference", { reference: request.reference }), t("summary.language", { language: { language: request.language } })];
  if (request.purpose) lines.push(t("summary.purpose", { purpose: t(`mediation.purpose.${request.purpose}`) }));
  if (request.mode) lines.push(t("summary.mode", { mode: t(`mediation.mode.${request.mode}`) }));
  if (request.topic) lines.push(t("summary.topic", { topic: t(`mentoring.topic.${request.topic}`) }));
  if (request.interests.length) lines.push({ lines: [t("summary.interests"), ...request.interests.map((i) => t(`leisure.interest.${i}`))] });
  if (request.kind !== "MEDIATION") return lines;
  lines.push(t("summary.when", { when }));
  if (request.district) lines.push(t("summary.district", { district: { text: isOneOf(DISTRICTS, request.district) ? DISTRICT_NAMES[request.district] : request.district } }));
  return lines;
}
