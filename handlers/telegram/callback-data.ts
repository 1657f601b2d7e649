import type { ButtonAction } from "../../core/messages.js";

/**
 * Telegram's button protocol in one place: every kind of callback data is declared here once, with a
 * builder (`pack`) and the pattern handlers listen to (`filter`) and read back (`unpack`), so that the
 * two sides cannot drift. Callback data is at most 64 bytes (Bot API, InlineKeyboardButton): prefixes are
 * short and fields are ids of 16 to 25 characters.
 *
 * @example
 * const data = CALLBACK.acceptOffer.pack({ offerId: "Yc2…" }); // "offer:accept:Yc2…"
 * composer.callbackQuery(CALLBACK.acceptOffer.filter, (ctx) => CALLBACK.acceptOffer.unpack(ctx.callbackQuery.data)?.offerId);
 */
export function callbackData<const Fields extends readonly string[]>(prefix: string, ...fields: Fields) {
  type Values = { [K in Fields[number]]: string };
  const filter = new RegExp(`^${prefix}${fields.map(() => ":([^:]+)").join("")}$`);
  return {
    filter,
    pack: (values: Values): string => [prefix, ...fields.map((field: Fields[number]) => values[field])].join(":"),
    unpack: (data: string | undefined): Values | undefined => {
      const match = filter.exec(data ?? "");
      return match ? (Object.fromEntries(fields.map((field, i) => [field, match[i + 1] ?? ""])) as Values) : undefined;
    },
  };
}

/** A button without fields: its data is its prefix. */
const fixed = (data: string) => callbackData(data);

export const CALLBACK = {
  menu: fixed("menu:home"),
  mediation: fixed("menu:mediation"),
  leisure: fixed("menu:leisure"),
  mentoring: fixed("menu:mentor"),
  contacts: fixed("menu:contacts"),
  report: fixed("menu:report"),
  myData: fixed("menu:mydata"),
  language: fixed("menu:language"),
  help: fixed("menu:help"),
  /** The volunteers' menu: their jobs, a pause, the guide, and the newcomers' services for themselves. */
  myJobs: fixed("menu:jobs"),
  pause: fixed("menu:pause"),
  resume: fixed("menu:resume"),
  guide: fixed("menu:guide"),
  services: fixed("menu:services"),
  /** Any entry of the main menu (for one whose feature has not landed). */
  anyMenu: callbackData("menu", "entry"),
  myRequests: fixed("menu:requests"),
  requestList: fixed("req:list"),
  cancelRequest: callbackData("req:cancel", "requestId"),
  cancelRequestSure: callbackData("req:sure", "requestId"),
  chooseLanguage: callbackData("lang", "locale"),
  consent: fixed("consent:yes"),
  decline: fixed("consent:no"),
  acceptOffer: callbackData("offer:accept", "offerId"),
  declineOffer: callbackData("offer:decline", "offerId"),
  writeTo: callbackData("relay", "requestId"),
  /** "To whom?": the chat chosen, and the message that waits to go there. */
  relaySend: callbackData("rsend", "requestId", "messageId"),
  jobDone: callbackData("done", "requestId"),
  jobHours: callbackData("hours", "requestId", "hours"),
  eraseData: fixed("data:erase"),
  eraseDataSure: fixed("data:sure"),
  contactCategory: callbackData("cp:cat", "category"),
  contactSearch: fixed("cp:search"),
  /** Go on with the dialogue in progress, whichever it is. */
  resumeDialogue: fixed("dlg:resume"),
  /** A guided dialogue's answer: which dialogue (its session id), which step, which answer. */
  dialogue: (prefix: string) => callbackData(prefix, "id", "step", "value"),
} as const;

/**
 * The callback data of what core asks a button to do.
 *
 * @example
 * encodeAction({ do: "open", screen: "my-requests" }); // "req:list"
 */
export function encodeAction(action: ButtonAction): string {
  switch (action.do) {
    case "accept-offer":
      return CALLBACK.acceptOffer.pack({ offerId: action.offerId });
    case "decline-offer":
      return CALLBACK.declineOffer.pack({ offerId: action.offerId });
    case "write-to":
      return CALLBACK.writeTo.pack({ requestId: action.requestId });
    case "open":
      return { menu: CALLBACK.menu, "my-requests": CALLBACK.requestList, contacts: CALLBACK.contacts }[action.screen].pack({});
  }
}
