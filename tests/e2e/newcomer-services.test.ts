import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floodKey } from "../../core/arrivals.js";
import { anonymiseClosed } from "../../core/privacy.js";
import { ACTIONS } from "../../handlers/slack/action-ids.js";
import { readCatalogFile } from "../../prisma/import-catalog.js";
import { REDIS_AVAILABLE, TEST_REDIS_URL } from "../helpers/env.js";
import { COORDINATOR, COORDINATOR_CHANNEL, NETWORK_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { buttonData, onboard, plain, waitForText } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";

/** Presses the first button of the chat's last message whose callback data matches. */
async function tap(stack: Stack, chatId: number, pattern: RegExp): Promise<void> {
  const message = await stack.telegram.waitFor(() => {
    const last = stack.telegram.botMessages(chatId).at(-1);
    return buttonData(last).some((d) => pattern.test(d)) ? last : undefined;
  }, 5000, `a button ${pattern} in chat ${chatId}`);
  await stack.telegram.pressButton(chatId, message.message_id, { data: buttonData(message).find((d) => pattern.test(d)) ?? "" });
}

/** A number standing alone in a text: not as digits inside a longer id, number or timestamp. */
const alone = (n: number) => new RegExp(`(?<![0-9A-Za-z])${n}(?![0-9A-Za-z])`);
const offerOf = (stack: Stack, chatId: number) => stack.telegram.botMessages(chatId).find((m) => buttonData(m).some((d) => d.startsWith("offer:accept:")));

describe("newcomer services", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { DISPATCH_WAVE_INTERVAL_MS: "600000" } });
  });
  afterAll(() => stack?.stop());

  it("leisure: matching offers from the catalogue; 'nothing fits' reaches a leisure buddy who accepts", async () => {
    const { telegram, app } = stack;
    await approvedVolunteer(stack, 61_001, { firstName: "Mira", roles: ["LEISURE_BUDDY"], languages: [{ language: "uk", level: "NATIVE" }], remoteOnly: true, districts: [] });
    await approvedVolunteer(stack, 61_002, { firstName: "Tom", roles: ["INTERPRETER"], languages: [{ language: "uk", level: "NATIVE" }], remoteOnly: true, districts: [] });
    await onboard(telegram, 60_001, "de");
    await tap(stack, 60_001, /^menu:leisure$/);
    await tap(stack, 60_001, /:interests:SWIMMING$/);
    await tap(stack, 60_001, /:interests:NATURE$/);
    await tap(stack, 60_001, /:interests:done$/);
    await tap(stack, 60_001, /:times:WEEKEND$/);
    await tap(stack, 60_001, /:times:done$/);
    const offers = await waitForText(telegram, 60_001, "Das passt zu Ihnen");
    expect(plain(offers)).toContain("Schwimmbäder in Beckum");
    expect(plain(offers)).not.toContain("Café Courage");
    expect(plain(offers)).toContain("Beispieldaten");
    // Nature has no offer: counted, anonymously, for the AG.
    const demand = await app.database.prisma.leisureDemand.findMany();
    expect(demand.map((d) => d.interest)).toEqual(["NATURE"]);
    expect(Object.keys(demand[0] ?? {})).not.toContain("userId");

    await tap(stack, 60_001, /:offers:company$/);
    await telegram.sendVoice(60_001);
    await tap(stack, 60_001, /:confirm:yes$/);
    await waitForText(telegram, 60_001, "Ihre Anfrage ist angekommen");
    const offer = await telegram.waitFor(() => offerOf(stack, 61_001), 5000);
    expect(plain(offer)).toContain("Freizeit");
    expect(offerOf(stack, 61_002)).toBeUndefined();
    await telegram.pressButton(61_001, offer.message_id, { label: "✅ Ich übernehme" });
    await waitForText(telegram, 60_001, "Mira begleitet Sie");
    // The voice note goes to the buddy, as a copy without the sender.
    await telegram.waitFor(() => telegram.botMessages(61_001).find((m) => m.kind === "voice" && m.copiedFrom?.chatId === 60_001));
    const digest = await stack.slack.slashCommand(COORDINATOR, "/digest");
    expect(JSON.stringify(digest.body)).toContain("🌳 Natur: 1");
  });

  it("mentoring: a mentor accepts, a coordinator confirms in Slack, only then are the two introduced", async () => {
    const { telegram, slack, app } = stack;
    await approvedVolunteer(stack, 62_001, { firstName: "Hanna", roles: ["MENTOR"], gender: "WOMAN", languages: [{ language: "ar", level: "GOOD" }], remoteOnly: true, districts: [] });
    await approvedVolunteer(stack, 62_002, { firstName: "Klaus", roles: ["MENTOR"], gender: "MAN", languages: [{ language: "ar", level: "GOOD" }], remoteOnly: true, districts: [] });
    await onboard(telegram, 60_002, "ar");
    await tap(stack, 60_002, /^menu:mentor$/);
    await tap(stack, 60_002, /:topic:AUTHORITIES$/);
    await tap(stack, 60_002, /:language:ar$/);
    await tap(stack, 60_002, /:gender:WOMAN$/);
    await tap(stack, 60_002, /:note:skip$/);
    await tap(stack, 60_002, /:confirm:yes$/);
    const offer = await telegram.waitFor(() => offerOf(stack, 62_001), 5000);
    expect(offerOf(stack, 62_002)).toBeUndefined();
    await telegram.pressButton(62_001, offer.message_id, { label: "✅ Ich übernehme" });
    await waitForText(telegram, 62_001, "Die Koordination bestätigt");
    const confirmation = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.startsWith("🤝 Patenschaft bestätigen")));
    // Not introduced yet: no name for the newcomer, no relay.
    expect(telegram.botMessages(60_002).some((m) => plain(m).includes("Hanna"))).toBe(false);
    expect((await app.database.prisma.telegramUser.findUnique({ where: { telegramId: 60_002 } }))?.relayRequestId).toBeNull();

    await slack.clickButton("U0OUTSIDER", confirmation, ACTIONS.confirmMentoring);
    await slack.waitFor(() => slack.responses.find((r) => String(r.body.text).includes("Koordinationskanals")));
    await slack.clickButton(COORDINATOR, confirmation, ACTIONS.confirmMentoring);
    await waitForText(telegram, 62_001, "Die Koordination hat die Patenschaft");
    await telegram.waitFor(() => telegram.botMessages(60_002).find((m) => plain(m).includes("Hanna")));
    await eventually(() => expect(JSON.stringify(slack.message(confirmation)?.blocks)).toContain("Bestätigt"));
    expect((await app.database.prisma.telegramUser.findUnique({ where: { telegramId: 60_002 } }))?.relayRequestId).not.toBeNull();
  });

  it("a discrimination report reaches only the coordinators' channel; the anonymous one keeps no Telegram id", async () => {
    const { telegram, slack, app } = stack;
    await onboard(telegram, 60_003, "de");
    const report = async (anonymous: boolean, text: string) => {
      await tap(stack, 60_003, /^menu:report$/);
      await waitForText(telegram, 60_003, "Was ist passiert?");
      await telegram.sendText(60_003, text);
      await tap(stack, 60_003, /:place:skip$/);
      await tap(stack, 60_003, anonymous ? /:contact:anonymous$/ : /:contact:contact$/);
      await tap(stack, 60_003, /:confirm:yes$/);
      await waitForText(telegram, 60_003, anonymous ? "anonym, ohne Ihre Daten" : "Es meldet sich hier bei Ihnen");
    };
    const before = slack.messages.length;
    await report(true, "Beim Wohnungsamt wurde ich ausgelacht.");
    await report(false, "Der Vermieter will nicht an Ausländer vermieten.");
    const posted = await slack.waitFor(() => {
      const fresh = slack.messages.slice(before).filter((m) => m.text?.startsWith("⚖️"));
      return fresh.length === 2 ? fresh : undefined;
    });
    expect(posted.every((m) => m.channel === COORDINATOR_CHANNEL)).toBe(true);
    expect(slack.messages.slice(before).filter((m) => m.channel !== COORDINATOR_CHANNEL && JSON.stringify(m).includes("Vermieter"))).toHaveLength(0);
    const rows = await app.database.prisma.discriminationReport.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows[0]?.contactUserId).toBeNull();
    expect(JSON.stringify(rows[0], (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toMatch(alone(60003));
    expect(rows[1]?.contactUserId).not.toBeNull();

    // Coordinators can answer the one who asked for contact, through the bot.
    const withContact = posted.find((m) => JSON.stringify(m.blocks).includes(ACTIONS.answerReport)) ?? posted[0];
    expect(JSON.stringify(posted.find((m) => m !== withContact)?.blocks)).not.toContain(ACTIONS.answerReport);
    await slack.clickButton(COORDINATOR, withContact as never, ACTIONS.answerReport);
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).at(-1));
    await slack.submitView(COORDINATOR, modal.id, { answer: { value: { type: "plain_text_input", value: "Bitte kommen Sie Dienstag ins Rathaus." } } });
    await waitForText(telegram, 60_003, "Bitte kommen Sie Dienstag ins Rathaus.");
  });

  it("contact points: the categories, and a search in Arabic and in Ukrainian finds the right entries", async () => {
    const { telegram, app } = stack;
    await onboard(telegram, 60_004, "ar");
    await tap(stack, 60_004, /^menu:contacts$/);
    await tap(stack, 60_004, /^cp:cat:WORK$/);
    const work = await telegram.waitFor(() => (plain(telegram.botMessages(60_004).at(-1)).includes("Jobcenter") ? telegram.botMessages(60_004).at(-1) : undefined));
    expect(plain(work)).toContain("Bundesagentur für Arbeit");
    expect(plain(work)).not.toContain("Familienbildungsstätte");

    const search = async (chatId: number, query: string) => {
      await tap(stack, chatId, /^(menu:contacts|cp:search)$/);
      await tap(stack, chatId, /^cp:search$/);
      await telegram.waitFor(() => telegram.botMessages(chatId).at(-1)?.reply_markup === undefined);
      const before = telegram.botMessages(chatId).length;
      await telegram.sendText(chatId, query);
      return telegram.waitFor(() => telegram.botMessages(chatId)[before]);
    };
    const housingWord = app.i18n.t("ar", "contacts.keywords.HOUSING").replace(/[\u200f\u2068\u2069]/g, "").split(",")[0]?.trim() ?? "";
    const arabic = await search(60_004, housingWord);
    expect(plain(arabic)).toContain("Integrationsmanagement der Stadt Beckum");
    expect(plain(arabic)).not.toContain("Gesundheitsamt");

    await onboard(telegram, 60_005, "uk");
    const ukrainian = await search(60_005, "лікар");
    expect(plain(ukrainian)).toContain("Gesundheitsamt Kreis Warendorf");
    expect(plain(ukrainian)).not.toContain("Jobcenter");
  });

  it("an import with a broken row reports the row and imports nothing half-way", async () => {
    const db = stack.app.database.prisma;
    const dir = mkdtempSync(path.join(tmpdir(), "brb-import-"));
    const csv = path.join(dir, "catalog.csv");
    writeFileSync(
      csv,
      [
        "type,name,title,categories,interests,times,phone,web",
        "contact,Sprachcafé Roland,,COUNSELLING,,,,https://example.org",
        "contact,Kaputter Eintrag,,NOT_A_CATEGORY,,,,",
        "leisure,,Boule im Park,,SPORTS;NATURE,WEEKEND,,",
      ].join("\n"),
    );
    const before = await db.contactPoint.count();
    const broken = await stack.app.core.catalog.import(stack.town, readCatalogFile(csv));
    expect(broken.kind).toBe("invalid");
    expect(broken.kind === "invalid" ? broken.problems.join("\n") : "").toMatch(/contactPoints row 2: categories/);
    expect(await db.contactPoint.count()).toBe(before);
    expect(await db.leisureOffer.count({ where: { title: "Boule im Park" } })).toBe(0);

    writeFileSync(csv, ["type,name,title,categories,interests,times", "contact,Sprachcafé Roland,,COUNSELLING,,", "leisure,,Boule im Park,,SPORTS;NATURE,WEEKEND"].join("\n"));
    expect(await stack.app.core.catalog.import(stack.town, readCatalogFile(csv))).toEqual({ kind: "imported", contactPoints: 1, leisureOffers: 1 });
    expect(await db.contactPoint.count()).toBe(before + 1);
  });

  it("coordinators edit an entry in a Slack modal", async () => {
    const { slack, app } = stack;
    await slack.slashCommand(COORDINATOR, "/catalog", "", { channel: NETWORK_CHANNEL });
    const list = slack.channelMessages(NETWORK_CHANNEL).filter((m) => m.visibleTo === COORDINATOR).at(-1);
    const point = await app.database.prisma.contactPoint.findFirstOrThrow({ where: { name: "Bürgerbüro der Stadt Beckum" } });
    await slack.clickButton(COORDINATOR, list as never, ACTIONS.editContact, { value: point.id });
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).at(-1));
    await slack.submitView(COORDINATOR, modal.id, {
      name: { value: { type: "plain_text_input", value: "Bürgerbüro der Stadt Beckum" } },
      categories: { value: { type: "multi_static_select", selected_options: [{ value: "AUTHORITIES" }] } },
      description: { value: { type: "plain_text_input", value: "Anmeldung und Ausweise." } },
      address: { value: { type: "plain_text_input", value: null } },
      openingHours: { value: { type: "plain_text_input", value: "Mo–Fr 8–12 Uhr" } },
      phone: { value: { type: "plain_text_input", value: null } },
      web: { value: { type: "plain_text_input", value: "nicht-eine-url" } },
      languages: { value: { type: "plain_text_input", value: "de, en" } },
    });
    expect((await app.database.prisma.contactPoint.findUniqueOrThrow({ where: { id: point.id } })).openingHours).toBeNull();
    await slack.submitView(COORDINATOR, modal.id, {
      name: { value: { type: "plain_text_input", value: "Bürgerbüro der Stadt Beckum" } },
      categories: { value: { type: "multi_static_select", selected_options: [{ value: "AUTHORITIES" }] } },
      openingHours: { value: { type: "plain_text_input", value: "Mo–Fr 8–12 Uhr" } },
      languages: { value: { type: "plain_text_input", value: "de, en" } },
    });
    // Slack gets its acknowledgement first; the entry is saved right after.
    const edited = await eventually(async () => {
      const row = await app.database.prisma.contactPoint.findUniqueOrThrow({ where: { id: point.id } });
      expect(row.openingHours).toBe("Mo–Fr 8–12 Uhr");
      return row;
    });
    expect(edited.languages).toEqual(["de", "en"]);
    expect(edited.exampleData).toBe(false);
  });

  it("/mydata shows what is stored; /deletemydata leaves no personal data in any table or in Redis", async () => {
    const { telegram, app } = stack;
    const ID = 60_009;
    await onboard(telegram, ID, "tr", "Selin");
    await tap(stack, ID, /^menu:mediation$/);
    await tap(stack, ID, /:language:tr$/);
    await tap(stack, ID, /:purpose:HOUSING$/);
    await tap(stack, ID, /:mode:PHONE$/);
    await tap(stack, ID, /:when:asap$/);
    await telegram.sendText(ID, "Mein Vermieter heißt Schmidt, Tel 0171-555");
    await tap(stack, ID, /:confirm:yes$/);
    await telegram.waitFor(() => telegram.botMessages(ID).find((m) => /[A-Z2-9]{3}-[A-Z2-9]{3}/.test(plain(m))));
    await telegram.sendText(ID, "/mydata");
    const shown = await telegram.waitFor(() => telegram.botMessages(ID).find((m) => plain(m).includes("Schmidt") && buttonData(m).includes("data:erase")));
    expect(plain(shown)).toContain(app.i18n.t("tr", "mydata.title").replace(/\u200f/g, "").slice(0, 10));

    // Someone else whose id starts with the same digits keeps their flood counter.
    const db = app.database.prisma;
    const neighbour = floodKey(ID * 10 + 1);
    await db.rateLimitHit.create({ data: { key: neighbour, count: 1, expiresAt: new Date(Date.now() + 60_000) } });

    await telegram.sendText(ID, "/deletemydata");
    await tap(stack, ID, /^data:sure$/);
    await waitForText(telegram, ID, app.i18n.t("tr", "mydata.erased").slice(0, 12));
    await new Promise((r) => setTimeout(r, 800));
    expect(await db.rateLimitHit.count({ where: { key: neighbour } })).toBe(1);
    await db.rateLimitHit.delete({ where: { key: neighbour } });

    // Every row of every table, as text: the person's id, name and note appear nowhere – once the goodbye,
    // which is forgotten right after Telegram took it, has gone out.
    const tables = await db.$queryRaw<{ table_name: string }[]>`SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = 'public'`;
    await eventually(async () => {
      for (const { table_name } of tables) {
        const dump = JSON.stringify(await db.$queryRawUnsafe(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`));
        // The id as a number of its own: a generated id (cmx3…h60009em7…) may contain its digits by chance.
        expect(dump, `${table_name} holds ${ID}`).not.toMatch(alone(ID));
        for (const secret of ["Schmidt", "0171-555", "Selin"]) expect(dump, `${table_name} holds ${secret}`).not.toContain(secret);
      }
    });
    // The request stays as an anonymous count.
    const requests = await db.helpRequest.findMany({ where: { newcomerId: null, kind: "MEDIATION", language: "tr" } });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.status).toBe("CANCELLED");

    if (!REDIS_AVAILABLE) return; // the queues ran on PostgreSQL: no Redis to search
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect((await redis.keys(`*${ID}*`)).filter((key) => alone(ID).test(key))).toEqual([]);
      for (const key of await redis.keys(`${stack.redisPrefix}:*`)) {
        const type = await redis.type(key);
        const value = type === "hash" ? JSON.stringify(await redis.hgetall(key)) : type === "string" ? await redis.get(key) : type === "list" ? JSON.stringify(await redis.lrange(key, 0, -1)) : type === "zset" ? JSON.stringify(await redis.zrange(key, 0, -1)) : "";
        expect(value ?? "", key).not.toMatch(alone(ID));
        expect(value ?? "", key).not.toContain("Schmidt");
      }
    } finally {
      redis.disconnect();
    }
  });

  it("retention erases personal data of old closed requests and old reports, and keeps the counts", async () => {
    const db = stack.app.database.prisma;
    const closed = await db.helpRequest.findFirstOrThrow({ where: { status: "CANCELLED" } });
    await db.helpRequest.update({ where: { id: closed.id }, data: { place: "Rathaus", note: "Notiz", anonymisedAt: null, closedAt: new Date(Date.now() - 40 * 86_400_000) } });
    const total = await db.helpRequest.count();
    const result = await anonymiseClosed(stack.app.database, new Date(Date.now() - 30 * 86_400_000));
    expect(result.requests).toBeGreaterThanOrEqual(1);
    const after = await db.helpRequest.findUniqueOrThrow({ where: { id: closed.id } });
    expect([after.place, after.note, after.newcomerId]).toEqual([null, null, null]);
    expect(after.anonymisedAt).toBeInstanceOf(Date);
    expect(await db.helpRequest.count()).toBe(total);
    // Recent ones are untouched.
    const recent = await db.helpRequest.findFirst({ where: { status: "MATCHED" } });
    expect(recent?.anonymisedAt).toBeNull();
  });
});
