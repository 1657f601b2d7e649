/**
 * The part of the Telegram Bot API that the emulator serves, as the Bot API documentation states it:
 * every parameter of those methods and every field of the objects they take, with the types written
 * the way the documentation writes them ("Integer or String", "Array of MessageEntity"), "required"
 * in front where the documentation says so. Where a description states a limit, `says` quotes that
 * sentence and `sim/telegram-rules.ts` reads the limit from it. See README.md beside this file for the
 * version, where the facts come from and how `tests/sim/telegram-spec-drift.unit.test.ts` compares this table
 * with the machine-readable spec.
 */

/** The Bot API version this table follows. */
export const BOT_API_VERSION = "10.1";

/**
 * One parameter or field: its documented type, and either the documentation's sentence that states a
 * limit (`says`) or the only value it may take (`is`: the `type` of a BotCommandScope, for example).
 */
export type FieldSpec = string | { readonly type: string; readonly says: string } | { readonly type: string; readonly is: string };

/** The fields of one object type, or (a string) the documented union of its subtypes. */
export type TypeSpec = Readonly<Record<string, FieldSpec>> | string;

/** Every method of Bot API 10.1, in the documentation's order. */
export const METHOD_NAMES: readonly string[] = [
  "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "getMe", "logOut", "close", "sendMessage",
  "forwardMessage", "forwardMessages", "copyMessage", "copyMessages", "sendPhoto", "sendLivePhoto", "sendAudio",
  "sendDocument", "sendVideo", "sendAnimation", "sendVoice", "sendVideoNote", "sendPaidMedia", "sendMediaGroup",
  "sendLocation", "sendVenue", "sendContact", "sendPoll", "sendChecklist", "sendDice", "sendMessageDraft",
  "sendChatAction", "setMessageReaction", "getUserProfilePhotos", "getUserProfileAudios", "setUserEmojiStatus",
  "getFile", "banChatMember", "unbanChatMember", "restrictChatMember", "promoteChatMember",
  "setChatAdministratorCustomTitle", "setChatMemberTag", "banChatSenderChat", "unbanChatSenderChat",
  "setChatPermissions", "exportChatInviteLink", "createChatInviteLink", "editChatInviteLink",
  "createChatSubscriptionInviteLink", "editChatSubscriptionInviteLink", "revokeChatInviteLink",
  "approveChatJoinRequest", "declineChatJoinRequest", "answerChatJoinRequestQuery", "sendChatJoinRequestWebApp",
  "setChatPhoto", "deleteChatPhoto", "setChatTitle", "setChatDescription", "pinChatMessage", "unpinChatMessage",
  "unpinAllChatMessages", "leaveChat", "getChat", "getChatAdministrators", "getChatMemberCount", "getChatMember",
  "getUserPersonalChatMessages", "setChatStickerSet", "deleteChatStickerSet", "getForumTopicIconStickers",
  "createForumTopic", "editForumTopic", "closeForumTopic", "reopenForumTopic", "deleteForumTopic",
  "unpinAllForumTopicMessages", "editGeneralForumTopic", "closeGeneralForumTopic", "reopenGeneralForumTopic",
  "hideGeneralForumTopic", "unhideGeneralForumTopic", "unpinAllGeneralForumTopicMessages", "answerCallbackQuery",
  "answerGuestQuery", "getUserChatBoosts", "getBusinessConnection", "getManagedBotToken", "replaceManagedBotToken",
  "getManagedBotAccessSettings", "setManagedBotAccessSettings", "setMyCommands", "deleteMyCommands", "getMyCommands",
  "setMyName", "getMyName", "setMyDescription", "getMyDescription", "setMyShortDescription", "getMyShortDescription",
  "setMyProfilePhoto", "removeMyProfilePhoto", "setChatMenuButton", "getChatMenuButton",
  "setMyDefaultAdministratorRights", "getMyDefaultAdministratorRights", "getAvailableGifts", "sendGift",
  "giftPremiumSubscription", "verifyUser", "verifyChat", "removeUserVerification", "removeChatVerification",
  "readBusinessMessage", "deleteBusinessMessages", "setBusinessAccountName", "setBusinessAccountUsername",
  "setBusinessAccountBio", "setBusinessAccountProfilePhoto", "removeBusinessAccountProfilePhoto",
  "setBusinessAccountGiftSettings", "getBusinessAccountStarBalance", "transferBusinessAccountStars",
  "getBusinessAccountGifts", "getUserGifts", "getChatGifts", "convertGiftToStars", "upgradeGift", "transferGift",
  "postStory", "repostStory", "editStory", "deleteStory", "answerWebAppQuery", "savePreparedInlineMessage",
  "savePreparedKeyboardButton", "editMessageText", "editMessageCaption", "editMessageMedia",
  "editMessageLiveLocation", "stopMessageLiveLocation", "editMessageChecklist", "editMessageReplyMarkup", "stopPoll",
  "approveSuggestedPost", "declineSuggestedPost", "deleteMessage", "deleteMessages", "deleteMessageReaction",
  "deleteAllMessageReactions", "sendSticker", "getStickerSet", "getCustomEmojiStickers", "uploadStickerFile",
  "createNewStickerSet", "addStickerToSet", "setStickerPositionInSet", "deleteStickerFromSet", "replaceStickerInSet",
  "setStickerEmojiList", "setStickerKeywords", "setStickerMaskPosition", "setStickerSetTitle",
  "setStickerSetThumbnail", "setCustomEmojiStickerSetThumbnail", "deleteStickerSet", "sendRichMessage",
  "sendRichMessageDraft", "answerInlineQuery", "sendInvoice", "createInvoiceLink", "answerShippingQuery",
  "answerPreCheckoutQuery", "getMyStarBalance", "getStarTransactions", "refundStarPayment",
  "editUserStarSubscription", "setPassportDataErrors", "sendGame", "setGameScore", "getGameHighScores",
];

const replyMarkup = "InlineKeyboardMarkup or ReplyKeyboardMarkup or ReplyKeyboardRemove or ForceReply";

/** The parameters of the methods the emulator serves. */
export const METHODS: Readonly<Record<string, Readonly<Record<string, FieldSpec>>>> = {
  getMe: {},
  logOut: {},
  close: {},
  setWebhook: {
    url: "required String",
    certificate: "InputFile",
    ip_address: "String",
    max_connections: "Integer",
    allowed_updates: "Array of String",
    drop_pending_updates: "Boolean",
    secret_token: { type: "String", says: "in every webhook request, 1-256 characters. Only characters A-Z, a-z, 0-9, _ and - are allowed." },
  },
  deleteWebhook: { drop_pending_updates: "Boolean" },
  getWebhookInfo: {},
  getUpdates: { offset: "Integer", limit: "Integer", timeout: "Integer", allowed_updates: "Array of String" },
  setMyCommands: {
    commands: { type: "required Array of BotCommand", says: "At most 100 commands can be specified." },
    scope: "BotCommandScope",
    language_code: "String",
  },
  getMyCommands: { scope: "BotCommandScope", language_code: "String" },
  deleteMyCommands: { scope: "BotCommandScope", language_code: "String" },
  sendChatAction: {
    business_connection_id: "String",
    chat_id: "required Integer or String",
    message_thread_id: "Integer",
    action: "required String",
  },
  sendMessage: {
    business_connection_id: "String",
    chat_id: "required Integer or String",
    message_thread_id: "Integer",
    direct_messages_topic_id: "Integer",
    text: { type: "required String", says: "Text of the message to be sent, 1-4096 characters after entities parsing" },
    parse_mode: "String",
    entities: "Array of MessageEntity",
    link_preview_options: "LinkPreviewOptions",
    disable_notification: "Boolean",
    protect_content: "Boolean",
    allow_paid_broadcast: "Boolean",
    message_effect_id: "String",
    suggested_post_parameters: "SuggestedPostParameters",
    reply_parameters: "ReplyParameters",
    reply_markup: replyMarkup,
  },
  copyMessage: {
    chat_id: "required Integer or String",
    message_thread_id: "Integer",
    direct_messages_topic_id: "Integer",
    from_chat_id: "required Integer or String",
    message_id: "required Integer",
    video_start_timestamp: "Integer",
    caption: { type: "String", says: "New caption for media, 0-1024 characters after entities parsing." },
    parse_mode: "String",
    caption_entities: "Array of MessageEntity",
    show_caption_above_media: "Boolean",
    disable_notification: "Boolean",
    protect_content: "Boolean",
    allow_paid_broadcast: "Boolean",
    message_effect_id: "String",
    suggested_post_parameters: "SuggestedPostParameters",
    reply_parameters: "ReplyParameters",
    reply_markup: replyMarkup,
  },
  editMessageText: {
    business_connection_id: "String",
    chat_id: "Integer or String",
    message_id: "Integer",
    inline_message_id: "String",
    text: { type: "String", says: "New text of the message, 1-4096 characters after entity parsing" },
    parse_mode: "String",
    entities: "Array of MessageEntity",
    link_preview_options: "LinkPreviewOptions",
    rich_message: "InputRichMessage",
    reply_markup: "InlineKeyboardMarkup",
  },
  editMessageReplyMarkup: {
    business_connection_id: "String",
    chat_id: "Integer or String",
    message_id: "Integer",
    inline_message_id: "String",
    reply_markup: "InlineKeyboardMarkup",
  },
  deleteMessage: { chat_id: "required Integer or String", message_id: "required Integer" },
  answerCallbackQuery: {
    callback_query_id: "required String",
    text: { type: "String", says: "If not specified, nothing will be shown to the user, 0-200 characters." },
    show_alert: "Boolean",
    url: "String",
    cache_time: "Integer",
  },
  setMyDescription: {
    description: { type: "String", says: "New bot description; 0-512 characters." },
    language_code: "String",
  },
  getMyDescription: { language_code: "String" },
  setMyShortDescription: {
    short_description: { type: "String", says: "New short description for the bot; 0-120 characters." },
    language_code: "String",
  },
  getMyShortDescription: { language_code: "String" },
};

/** The object types those methods take, field by field. */
export const TYPES: Readonly<Record<string, TypeSpec>> = {
  BotCommand: {
    command: { type: "required String", says: "Text of the command; 1-32 characters." },
    description: { type: "required String", says: "Description of the command; 1-256 characters" },
  },
  BotCommandScope:
    "BotCommandScopeDefault or BotCommandScopeAllPrivateChats or BotCommandScopeAllGroupChats or " +
    "BotCommandScopeAllChatAdministrators or BotCommandScopeChat or BotCommandScopeChatAdministrators or " +
    "BotCommandScopeChatMember",
  BotCommandScopeDefault: { type: { type: "required String", is: "default" } },
  BotCommandScopeAllPrivateChats: { type: { type: "required String", is: "all_private_chats" } },
  BotCommandScopeAllGroupChats: { type: { type: "required String", is: "all_group_chats" } },
  BotCommandScopeAllChatAdministrators: { type: { type: "required String", is: "all_chat_administrators" } },
  BotCommandScopeChat: { type: { type: "required String", is: "chat" }, chat_id: "required Integer or String" },
  BotCommandScopeChatAdministrators: {
    type: { type: "required String", is: "chat_administrators" },
    chat_id: "required Integer or String",
  },
  BotCommandScopeChatMember: {
    type: { type: "required String", is: "chat_member" },
    chat_id: "required Integer or String",
    user_id: "required Integer",
  },
  MessageEntity: {
    type: "required String",
    offset: "required Integer",
    length: "required Integer",
    url: "String",
    user: "User",
    language: "String",
    custom_emoji_id: "String",
    unix_time: "Integer",
    date_time_format: "String",
  },
  LinkPreviewOptions: {
    is_disabled: "Boolean",
    url: "String",
    prefer_small_media: "Boolean",
    prefer_large_media: "Boolean",
    show_above_text: "Boolean",
  },
  ReplyParameters: {
    message_id: "required Integer",
    chat_id: "Integer or String",
    allow_sending_without_reply: "Boolean",
    quote: { type: "String", says: "Quoted part of the message to be replied to; 0-1024 characters after entities parsing." },
    quote_parse_mode: "String",
    quote_entities: "Array of MessageEntity",
    quote_position: "Integer",
    checklist_task_id: "Integer",
    poll_option_id: "String",
  },
  InlineKeyboardMarkup: { inline_keyboard: "required Array of Array of InlineKeyboardButton" },
  InlineKeyboardButton: {
    text: "required String",
    icon_custom_emoji_id: "String",
    style: "String",
    url: "String",
    callback_data: { type: "String", says: "Data to be sent in a callback query to the bot when the button is pressed, 1-64 bytes" },
    web_app: "WebAppInfo",
    login_url: "LoginUrl",
    switch_inline_query: "String",
    switch_inline_query_current_chat: "String",
    switch_inline_query_chosen_chat: "SwitchInlineQueryChosenChat",
    copy_text: "CopyTextButton",
    callback_game: "CallbackGame",
    pay: "Boolean",
  },
  WebAppInfo: { url: "required String" },
  LoginUrl: { url: "required String", forward_text: "String", bot_username: "String", request_write_access: "Boolean" },
  SwitchInlineQueryChosenChat: {
    query: "String",
    allow_user_chats: "Boolean",
    allow_bot_chats: "Boolean",
    allow_group_chats: "Boolean",
    allow_channel_chats: "Boolean",
  },
  CopyTextButton: { text: { type: "required String", says: "The text to be copied to the clipboard; 1-256 characters" } },
  CallbackGame: {},
  ReplyKeyboardMarkup: {
    keyboard: "required Array of Array of KeyboardButton",
    is_persistent: "Boolean",
    resize_keyboard: "Boolean",
    one_time_keyboard: "Boolean",
    input_field_placeholder: { type: "String", says: "when the keyboard is active; 1-64 characters" },
    selective: "Boolean",
  },
  KeyboardButton: {
    text: "required String",
    icon_custom_emoji_id: "String",
    style: "String",
    request_users: "KeyboardButtonRequestUsers",
    request_chat: "KeyboardButtonRequestChat",
    request_managed_bot: "KeyboardButtonRequestManagedBot",
    request_contact: "Boolean",
    request_location: "Boolean",
    request_poll: "KeyboardButtonPollType",
    web_app: "WebAppInfo",
  },
  ReplyKeyboardRemove: { remove_keyboard: "required Boolean", selective: "Boolean" },
  ForceReply: {
    force_reply: "required Boolean",
    input_field_placeholder: { type: "String", says: "when the reply is active; 1-64 characters" },
    selective: "Boolean",
  },
};

/**
 * Object types the product never sends: the emulator checks only that they are JSON objects, not
 * their fields (they are large and change often).
 */
export const OPAQUE_TYPES: readonly string[] = [
  "User",
  "SuggestedPostParameters",
  "InputRichMessage",
  "KeyboardButtonRequestUsers",
  "KeyboardButtonRequestChat",
  "KeyboardButtonRequestManagedBot",
  "KeyboardButtonPollType",
];

/** Sentences of a type's own description that state a rule about its fields, quoted. */
export const TYPE_SENTENCES: Readonly<Record<string, string>> = {
  InlineKeyboardButton: "Exactly one of the fields other than text, icon_custom_emoji_id, and style must be used to specify the type of the button.",
  KeyboardButton:
    "At most one of the fields other than text, icon_custom_emoji_id, and style must be used to specify the type of the button. " +
    "For simple text buttons, String can be used instead of this object to specify the button text.",
};
