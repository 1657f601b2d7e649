import { mkdirSync, readFileSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIONS } from "../../handlers/slack/action-ids.js";
import { startStack, type Stack } from "../helpers/stack.js";

/** Runs in the page (the test's own types know no DOM). */
declare const getComputedStyle: (element: unknown) => { direction: string; font: string; paddingLeft: string; paddingRight: string };
declare const document: { createElement: (tag: "canvas") => { getContext: (kind: "2d") => { font: string; measureText: (text: string) => { width: number } } | null } };
type PageSelect = { selectedOptions: ArrayLike<{ text: string }>; clientWidth: number };
type PageElement = { querySelectorAll: (selector: string) => ArrayLike<PageElement> };

/** A text of a language, as the bot says it. */
const text = (locale: string, path: string): string =>
  path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], JSON.parse(readFileSync(new URL(`../../locales/${locale}.json`, import.meta.url), "utf8"))) as string;

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;

/** The demo's people: Amina and Yusuf live in Ahlen (Yusuf helps in Beckum too), Dawit and Leyla in Beckum. */
const AMINA = 7001;
const DAWIT = 7002;
const YUSUF = 7101;
const LEYLA = 7102;
/** The two towns' Slack workspaces: Beckum's is the emulator's first, Ahlen's its own. */
const BECKUM = { team: "T0BRUECKE", coordinator: "U0SCHULTE", member: "U0DEMIR", network: "# netzwerk-integration" };
const AHLEN = { team: "T0AHLEN", coordinator: "U0YILMAZ", member: "U0BECKER", network: "# netzwerk-ahlen" };
/** Slow enough for a machine under load, never a fixed sleep: every wait is for a condition. */
const SOON = { timeout: 20_000 };

const phone = (page: Page, id: number) => page.locator(`.phone[data-persona="${id}"]`);
/** A text without the invisible marks that isolate inserted names and numbers and start right-to-left lines. */
const withoutMarks = (text: string) => text.replace(/[\u2066-\u2069\u200e\u200f]/g, "");
/** What a phone shows, without those marks. */
const shown = async (page: Page, id: number) => withoutMarks(await phone(page, id).innerText());
const slack = (page: Page, town: { team: string }) => page.locator(`.slack[data-team="${town.team}"]`);
/** Where in the newest bot message of a phone the button whose callback data matches is (-1: none). */
const buttonIndex = (page: Page, id: number, pattern: RegExp) =>
  newestButtons(page, id).evaluateAll((els, source) => els.findIndex((e) => new RegExp(source).test(e.getAttribute("data-callback") ?? "")), pattern.source);
const newestButtons = (page: Page, id: number) => phone(page, id).locator(".msg.bot").last().locator("button[data-callback]");

/** Waits until the newest bot message of a phone has a button whose callback data matches. */
async function shows(page: Page, id: number, pattern: RegExp): Promise<void> {
  await expect.poll(() => buttonIndex(page, id, pattern), SOON).toBeGreaterThanOrEqual(0);
}

/** Clicks the newest button of a phone whose callback data matches. */
async function tap(page: Page, id: number, pattern: RegExp): Promise<void> {
  await shows(page, id, pattern);
  await newestButtons(page, id).nth(await buttonIndex(page, id, pattern)).click();
}

/** Ticks a toggle of the newest message (leaves it when it is ticked already) and waits until it shows ✅. */
async function tick(page: Page, id: number, pattern: RegExp): Promise<void> {
  const label = () =>
    newestButtons(page, id).evaluateAll((els, source) => els.find((e) => new RegExp(source).test(e.getAttribute("data-callback") ?? ""))?.textContent ?? "", pattern.source);
  await expect.poll(label, SOON).not.toBe("");
  if (!(await label()).includes("✅")) await tap(page, id, pattern);
  await expect.poll(label, SOON).toContain("✅");
}

async function type(page: Page, id: number, text: string): Promise<void> {
  const input = phone(page, id).locator('.composer input[type="text"]');
  await input.fill(text);
  await input.press("Enter");
}

/** Acts in a town's workspace as one of its members, in one of its channels. */
async function signIn(page: Page, town: { team: string }, member: string, channel: string): Promise<void> {
  await slack(page, town).locator(".slack-member").selectOption(member);
  await slack(page, town).getByRole("button", { name: channel, exact: true }).click();
}

async function command(page: Page, town: { team: string }, text: string): Promise<void> {
  const input = slack(page, town).locator(".slack-command");
  await input.fill(text);
  await input.press("Enter");
}

/** The queue board needs a password outside demo mode. */
const BOARD_PASSWORD = "board-password-for-the-test";

describe("the browser simulator: two towns side by side, in a real Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every address the browser asked for, on every page of this test. */
  const requested: string[] = [];
  const networkId = async (slug: string) => (await stack.app.core.networks.bySlug(slug))?.id ?? "";

  beforeAll(async () => {
    // Coordinators are alerted within seconds, so that the scripted day shows it.
    stack = await startStack({ simulator: true, env: { TELEGRAM_CHAT_INTERVAL_MS: "20", OFFER_QUIET_MS: "1", DISPATCH_ESCALATE_AFTER_MS: "5000", ADMIN_PASSWORD: BOARD_PASSWORD } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    context = await browser.newContext({ viewport: { width: 1600, height: 1100 } });
    context.on("request", (request) => requested.push(request.url()));
    page = await context.newPage();
    await page.goto(`${stack.url}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("by clicks and typing: a volunteer approved in each town's workspace, Ahlen's request reaching only him, the relay, a meeting in Ahlen, a poll in Beckum, the posters", async () => {
    await expect.poll(() => page.locator(".phone").count()).toBe(4);
    await expect.poll(() => page.locator(".town").count()).toBe(2);
    expect(await page.locator('.town[data-town="ahlen"] .phone').evaluateAll((els) => els.map((e) => e.getAttribute("data-persona")))).toEqual([String(AMINA), String(YUSUF)]);
    expect(await page.locator('.town[data-town="beckum"] .phone').evaluateAll((els) => els.map((e) => e.getAttribute("data-persona")))).toEqual([String(DAWIT), String(LEYLA)]);
    expect(await phone(page, YUSUF).locator(".phone-role").innerText()).toBe("Ehrenamtlich · Ahlen + Beckum");
    // Each workspace's persona picker offers that workspace's members only.
    expect(await slack(page, AHLEN).locator(".slack-member option").evaluateAll((els) => els.map((e) => e.getAttribute("value")))).toEqual([AHLEN.coordinator, AHLEN.member]);
    expect(await slack(page, BECKUM).locator(".slack-member option").evaluateAll((els) => els.map((e) => e.getAttribute("value")))).toEqual([BECKUM.coordinator, BECKUM.member]);
    await expect(page.getByRole("button", { name: "▶ Szenario abspielen" }).isVisible()).resolves.toBe(true);
    // An empty chat says how it begins: the command behind the town's poster link.
    expect(await phone(page, AMINA).locator('.composer input[type="text"]').getAttribute("placeholder")).toContain("/start ahlen");
    // "Signed in as" shows each member's whole name and role: the picker is as wide as its text.
    for (const town of [BECKUM, AHLEN]) {
      for (const member of [town.coordinator, town.member]) {
        await slack(page, town).locator(".slack-member").selectOption(member);
        const room = await slack(page, town)
          .locator(".slack-member")
          .evaluate((select: PageSelect) => {
            const style = getComputedStyle(select);
            const measure = document.createElement("canvas").getContext("2d");
            if (!measure) return -1;
            measure.font = style.font;
            // The closed picker's arrow takes 16 to 20 pixels (cut off, "Frau Schulte (Koor" lacked some 80).
            return select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16 - measure.measureText(select.selectedOptions[0]?.text ?? "").width;
          });
        expect(room, `${member}'s name and role fit`).toBeGreaterThanOrEqual(0);
      }
    }

    // Yusuf arrives by Ahlen's poster link and registers to interpret in Ahlen and Beckum.
    await type(page, YUSUF, "/start ahlen");
    await tap(page, YUSUF, /^lang:de$/);
    await tap(page, YUSUF, /^consent:yes$/);
    await shows(page, YUSUF, /^menu:mediation$/);
    await type(page, YUSUF, "/volunteer");
    await tick(page, YUSUF, /:roles:INTERPRETER$/);
    await tap(page, YUSUF, /:roles:done$/);
    await expect.poll(() => phone(page, YUSUF).locator(".msg.bot").last().innerText(), SOON).toContain("Vorname");
    await type(page, YUSUF, "Yusuf");
    await tick(page, YUSUF, /:languages:ar$/);
    await tap(page, YUSUF, /:languages:done$/);
    await tap(page, YUSUF, /:level:ar\.NATIVE$/);
    await tap(page, YUSUF, /:german:C1_C2$/);
    await tick(page, YUSUF, new RegExp(`:towns:${await networkId("ahlen")}$`));
    await tick(page, YUSUF, new RegExp(`:towns:${await networkId("beckum")}$`));
    await tap(page, YUSUF, /:towns:done$/);
    await tick(page, YUSUF, /:districts:AHLEN$/);
    await tick(page, YUSUF, /:districts:BECKUM$/);
    await tap(page, YUSUF, /:districts:done$/);
    await tap(page, YUSUF, /:capacity:3$/);
    await tap(page, YUSUF, /:conduct:agree$/);

    // Each town's coordinator approves him in their own workspace, for their town.
    for (const [town, name] of [[BECKUM, "Beckum"], [AHLEN, "Ahlen"]] as const) {
      await signIn(page, town, town.coordinator, "# koordination");
      const approve = slack(page, town).locator(".slack-msg", { hasText: "Yusuf" }).locator(`button[data-action="${ACTIONS.approveVolunteer}"]`);
      await expect.poll(() => approve.count(), SOON).toBe(1);
      await approve.click();
      await expect.poll(() => shown(page, YUSUF), SOON).toContain(`Willkommen in ${name}`);
    }

    // Amina arrives by Ahlen's poster link and asks, in Arabic, for an interpreter at the Jobcenter in Ahlen.
    await type(page, AMINA, "/start ahlen");
    await tap(page, AMINA, /^lang:ar$/);
    await tap(page, AMINA, /^consent:yes$/);
    await tap(page, AMINA, /^menu:mediation$/);
    await tap(page, AMINA, /:language:ar$/);
    await tap(page, AMINA, /:purpose:JOBCENTER$/);
    await tap(page, AMINA, /:mode:IN_PERSON$/);
    await tap(page, AMINA, /:when:date$/);
    await tap(page, AMINA, /:date:\d{4}-\d{2}-\d{2}$/);
    await tap(page, AMINA, /:time:1000$/);
    await tap(page, AMINA, /:district:AHLEN$/);
    await type(page, AMINA, "Jobcenter Ahlen");
    await tap(page, AMINA, /:note:skip$/);
    await tap(page, AMINA, /:confirm:yes$/);
    await expect.poll(() => phone(page, AMINA).locator(".msg.bot").last().innerText(), SOON).toMatch(/[A-Z2-9]{3}-[A-Z2-9]{3}/);

    // Right to left: Arabic messages are laid out right to left, with Latin names inside kept in order.
    // Read in one step in the page: a later message or edit re-renders the chat, and an element found first and
    // read afterwards may be gone by then (a detached element has no computed direction: '').
    const newestDirection = () =>
      phone(page, AMINA).evaluate((el: PageElement) => {
        const texts = el.querySelectorAll(".msg.bot div[dir=auto]");
        const newest = texts[texts.length - 1];
        return newest ? getComputedStyle(newest).direction : "no message";
      });
    await expect.poll(newestDirection, SOON).toBe("rtl");

    // A button of a question answered before the request was sent: the phone shows, over the chat, that it was.
    const placeSkip = phone(page, AMINA).locator("button[data-callback$=':place:skip']");
    await expect.poll(() => placeSkip.count(), SOON).toBe(1);
    const botMessages = await phone(page, AMINA).locator(".msg.bot").count();
    await placeSkip.click();
    const toast = phone(page, AMINA).locator(".toast");
    await expect.poll(async () => ((await toast.isVisible()) ? withoutMarks(await toast.innerText()) : "no pop-up"), SOON).toBe(text("ar", "mediation.alreadySent"));
    expect(await phone(page, AMINA).locator(".msg.bot").count()).toBe(botMessages);

    // The offer names the town; Yusuf accepts. Leyla speaks Arabic but helps only in Beckum: nothing reaches her.
    await expect.poll(() => shown(page, YUSUF), SOON).toContain("Neue Anfrage: Dolmetschen");
    expect(await shown(page, YUSUF)).toContain("Ort: Ahlen");
    await phone(page, YUSUF).getByRole("button", { name: "✅ Ich übernehme" }).click();
    await expect.poll(() => shown(page, YUSUF), SOON).toContain("Jobcenter Ahlen");
    await expect.poll(() => shown(page, AMINA), SOON).toContain("Yusuf");
    expect(await phone(page, LEYLA).locator("button[data-callback^='offer:accept:']").count()).toBe(0);

    // The relay, both ways.
    await type(page, AMINA, "مرحبا يوسف");
    await expect.poll(() => shown(page, YUSUF), SOON).toContain("مرحبا يوسف");
    await type(page, YUSUF, "Bis morgen, Amina!");
    await expect.poll(() => shown(page, AMINA), SOON).toContain("Bis morgen, Amina!");

    // Ahlen's Slack: Frau Yılmaz schedules a meeting in a modal; Herr Becker says yes. Beckum's Slack sees none of it.
    await signIn(page, AHLEN, AHLEN.coordinator, AHLEN.network);
    await command(page, AHLEN, "/meeting");
    const modal = page.locator(".modal");
    await modal.waitFor(SOON);
    const group = await stack.app.database.prisma.workingGroup.findFirstOrThrow({ where: { slug: "zusammenleben-gestalten", network: { slug: "ahlen" } } });
    await modal.locator("#group-value").selectOption(group.id);
    const nextWeek = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(Date.now() + 7 * 86_400_000));
    await modal.locator("#day-value").fill(nextWeek);
    await modal.locator("#time-value").fill("18:00");
    await modal.locator("#place-value").fill("Rathaus Ahlen");
    await modal.getByRole("button", { name: "Speichern" }).click();
    await expect.poll(() => slack(page, AHLEN).locator(".slack-messages").innerText(), SOON).toContain("Treffen: AG Zusammenleben gestalten");
    await signIn(page, AHLEN, AHLEN.member, AHLEN.network);
    await slack(page, AHLEN).locator(".slack-messages button[data-action^='meeting_rsvp'][data-value$=':YES']").first().click();
    await expect.poll(() => slack(page, AHLEN).locator(".slack-messages").innerText(), SOON).toContain("✅ 1 dabei");
    // Everybody sees the channel's buttons: none of them looks chosen.
    expect(await slack(page, AHLEN).locator(".slack-messages button[data-action^='meeting_rsvp'].primary").count()).toBe(0);
    expect(stack.slack.messages.filter((m) => m.team === BECKUM.team && JSON.stringify(m).includes("Rathaus Ahlen"))).toEqual([]);

    // Beckum's Slack: a poll with a live tally.
    await signIn(page, BECKUM, BECKUM.member, BECKUM.network);
    await command(page, BECKUM, '/poll "Was brauchen wir für das Fest?" "Musik" "Essen"');
    await expect.poll(() => slack(page, BECKUM).locator(".slack-messages").innerText(), SOON).toContain("Was brauchen wir für das Fest?");
    await slack(page, BECKUM).locator(".slack-messages button[data-action^='poll_vote']").first().click();
    await expect.poll(() => slack(page, BECKUM).locator(".slack-messages").innerText(), SOON).toContain("1 Person hat abgestimmt");

    // Ahlen's App Home shows Ahlen's meeting, its AG named once, with Herr Becker's own answer; he changes it.
    await slack(page, AHLEN).getByRole("button", { name: "🏠 Brückenbot (Start)" }).click();
    await expect.poll(() => slack(page, AHLEN).locator(".slack-main").innerText(), SOON).toContain("Nächste Treffen");
    const meetingInHome = slack(page, AHLEN).locator(".block-section", { hasText: "Rathaus Ahlen" });
    await expect.poll(() => meetingInHome.count(), SOON).toBe(1);
    expect((await meetingInHome.innerText()).split("AG Zusammenleben gestalten")).toHaveLength(2);
    expect(await meetingInHome.innerText()).toContain("Ihre Antwort: ✅ Dabei");
    const chosenInHome = () => slack(page, AHLEN).locator(".slack-main button[data-action^='meeting_rsvp'].primary").evaluateAll((els) => els.map((e) => e.getAttribute("data-value")?.split(":").at(-1)));
    expect(await chosenInHome()).toEqual(["YES"]);
    await slack(page, AHLEN).locator(".slack-main button[data-action^='meeting_rsvp'][data-value$=':MAYBE']").click();
    await expect.poll(() => meetingInHome.innerText(), SOON).toContain("Ihre Antwort: 🤔 Vielleicht");
    await expect.poll(chosenInHome, SOON).toEqual(["MAYBE"]);
    await slack(page, AHLEN).getByRole("button", { name: AHLEN.network }).click();
    await expect.poll(() => slack(page, AHLEN).locator(".slack-messages").innerText(), SOON).toContain("🤔 1 vielleicht");
    expect(await slack(page, AHLEN).locator(".slack-messages button[data-action^='meeting_rsvp'].primary").count()).toBe(0);

    // Amina switches her phone to French: the bot speaks French, and no "/language" appears that she did not type.
    await phone(page, AMINA).locator(".phone-language select").selectOption("fr");
    await expect.poll(() => shown(page, AMINA), SOON).toContain(text("fr", "language.changed").replace("{{language}}", "Français"));
    expect(await phone(page, AMINA).locator(".msg.user", { hasText: "/language" }).count()).toBe(0);
    // And back to Arabic, as she reads it.
    await phone(page, AMINA).locator(".phone-language select").selectOption("ar");
    await expect.poll(() => shown(page, AMINA), SOON).toContain(text("ar", "language.changed").replace("{{language}}", "العربية"));
    expect(await phone(page, AMINA).locator(".msg.user", { hasText: "/language" }).count()).toBe(0);

    // Each town's posters, from its column: Ahlen's list its twelve languages, and the Arabic one is a picture.
    const [posters] = await Promise.all([page.waitForEvent("popup"), page.locator('.town[data-town="ahlen"]').getByRole("link", { name: "🖨 Plakate Ahlen" }).click()]);
    try {
      await posters.waitForLoadState();
      expect(posters.url()).toBe(`${stack.url}/posters/ahlen`);
      expect(await posters.locator("h1").innerText()).toBe("Brückenbot · Ahlen");
      expect(await posters.locator("li").count()).toBe(12);
      const picture = await posters.goto(`${stack.url}${(await posters.locator('a[href$="/ar.png"]').getAttribute("href")) ?? ""}`, { timeout: 60_000 });
      expect(picture?.status()).toBe(200);
      expect(picture?.headers()["content-type"]).toBe("image/png");
    } finally {
      await posters.close();
    }
    expect(await page.locator('.town[data-town="beckum"] .town-posters').getAttribute("href")).toBe("/posters/beckum");
    expect(await page.locator('.town[data-town="beckum"] .town-link').innerText()).toContain("?start=beckum");
  }, 300_000);

  it("the scenario button plays the day in both towns: Ahlen's request matched by the volunteer of both, Beckum's alert in Beckum's workspace only", async () => {
    const fresh = await context.newPage();
    try {
      await fresh.goto(`${stack.url}/`);
      await fresh.getByRole("button", { name: "▶ Szenario abspielen" }).click();
      await expect.poll(() => fresh.locator("#scenario-log").innerText(), { timeout: 240_000, interval: 500 }).toMatch(/Fertig|⚠/);
      expect(await fresh.locator("#scenario-log").innerText()).toContain("Fertig");
      expect(await shown(fresh, YUSUF)).toContain("Hallo Amina, bis morgen");

      const newest = (telegramId: number) =>
        stack.app.database.prisma.helpRequest.findFirstOrThrow({
          where: { newcomer: { telegramId } },
          orderBy: { createdAt: "desc" },
          select: { reference: true, status: true, escalatedAt: true, network: { select: { slug: true } }, volunteer: { select: { firstName: true } } },
        });
      const amina = await newest(AMINA);
      const dawit = await newest(DAWIT);
      expect(amina).toMatchObject({ status: "MATCHED", network: { slug: "ahlen" }, volunteer: { firstName: "Yusuf" } });
      expect(dawit).toMatchObject({ status: "SEARCHING", network: { slug: "beckum" } });
      expect(dawit.escalatedAt).not.toBeNull();

      // Each town's coordinators see their own: Dawit's alert in Beckum's channel, Yusuf's card in both.
      await signIn(fresh, BECKUM, BECKUM.coordinator, "# koordination");
      const beckumChannel = slack(fresh, BECKUM).locator(".slack-messages");
      await expect.poll(() => beckumChannel.innerText(), SOON).toContain(dawit.reference);
      expect(await beckumChannel.locator(".slack-msg", { hasText: dawit.reference }).locator(`button[data-action="${ACTIONS.offerToAll}"]`).count()).toBeGreaterThan(0);
      await signIn(fresh, AHLEN, AHLEN.coordinator, "# koordination");
      await expect.poll(() => slack(fresh, AHLEN).locator(".slack-messages").innerText(), SOON).toContain("Yusuf");
      const inWorkspace = (team: string, fragment: string) => stack.slack.messages.filter((m) => m.team === team && JSON.stringify(m).includes(fragment));
      expect(inWorkspace(AHLEN.team, dawit.reference)).toEqual([]);
      expect(inWorkspace(BECKUM.team, amina.reference)).toEqual([]);
      expect(inWorkspace(BECKUM.team, dawit.reference).length).toBeGreaterThan(0);

      // The README's picture: the day played, each town's coordinators' channel side by side.
      mkdirSync(ARTIFACTS, { recursive: true });
      await fresh.screenshot({ path: `${ARTIFACTS}simulator.png`, fullPage: true });
    } finally {
      await fresh.close();
    }
  }, 300_000);

  it("the simulator, the posters and the queue board load nothing from outside this server", async () => {
    const board = await browser.newPage({ httpCredentials: { username: "admin", password: BOARD_PASSWORD } });
    board.on("request", (request) => requested.push(request.url()));
    try {
      await board.goto(`${stack.url}/admin/queues`);
      await expect.poll(() => board.locator("body").innerText(), { timeout: 15_000 }).toContain("outbound-telegram");
    } finally {
      await board.close();
    }
    const outside = requested.filter((url) => !url.startsWith(`${stack.url}/`) && !/^(data|blob):/.test(url));
    expect(requested.length).toBeGreaterThan(10);
    expect(outside).toEqual([]);
  }, 60_000);
});
