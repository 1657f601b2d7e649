import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/stack.js";

/** Runs in the page (the test's own types know no DOM). */
declare const getComputedStyle: (element: unknown) => { direction: string };

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;

const phone = (page: Page, id: number) => page.locator(`.phone[data-persona="${id}"]`);

/** Clicks the newest button of a phone whose callback data matches. */
async function tap(page: Page, id: number, pattern: RegExp): Promise<void> {
  const buttons = phone(page, id).locator(".msg.bot").last().locator("button[data-callback]");
  await expect.poll(async () => (await buttons.evaluateAll((els, source) => els.some((e) => new RegExp(source).test(e.getAttribute("data-callback") ?? "")), pattern.source)), { timeout: 10_000 }).toBe(true);
  const all = await buttons.all();
  for (const button of all) {
    if (pattern.test((await button.getAttribute("data-callback")) ?? "")) {
      await button.click();
      return;
    }
  }
}

async function type(page: Page, id: number, text: string): Promise<void> {
  const input = phone(page, id).locator('.composer input[type="text"]');
  await input.fill(text);
  await input.press("Enter");
}

/** The queue board needs a password outside demo mode. */
const BOARD_PASSWORD = "board-password-for-the-test";

describe("the browser simulator, in a real Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  /** Every address the browser asked for, on every page of this test. */
  const requested: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ simulator: true, env: { TELEGRAM_CHAT_INTERVAL_MS: "20", OFFER_QUIET_MS: "1", ADMIN_PASSWORD: BOARD_PASSWORD } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
    page.on("request", (request) => requested.push(request.url()));
    await page.goto(`${stack.url}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("plays the day by clicks and typing: a newcomer's request, two offers, an accept, the relay, a meeting and a poll", async () => {
    const amina = 7001;
    const yusuf = 7101;
    const leyla = 7102;
    await expect.poll(() => page.locator(".phone").count()).toBe(3);
    await expect(page.getByRole("button", { name: "▶ Szenario abspielen" }).isVisible()).resolves.toBe(true);

    // Amina, in Arabic: onboarding and the request, by tapping buttons and typing.
    await type(page, amina, "/start");
    await tap(page, amina, /^lang:ar$/);
    await tap(page, amina, /^consent:yes$/);
    await tap(page, amina, /^menu:mediation$/);
    await tap(page, amina, /:language:ar$/);
    await tap(page, amina, /:purpose:JOBCENTER$/);
    await tap(page, amina, /:mode:IN_PERSON$/);
    await tap(page, amina, /:when:date$/);
    await tap(page, amina, /:date:\d{4}-\d{2}-\d{2}$/);
    await tap(page, amina, /:time:1000$/);
    await tap(page, amina, /:district:BECKUM$/);
    await type(page, amina, "Jobcenter Beckum");
    await tap(page, amina, /:note:skip$/);
    await tap(page, amina, /:confirm:yes$/);
    await expect.poll(() => phone(page, amina).locator(".msg.bot").last().innerText(), { timeout: 10_000 }).toMatch(/[A-Z2-9]{3}-[A-Z2-9]{3}/);

    // Right to left: Arabic messages are laid out right to left, with Latin names inside kept in order.
    // Polled: a later edit in the chat (the summary's "sent") re-renders the phone under the locator.
    await expect.poll(() => phone(page, amina).locator(".msg.bot div[dir=auto]").last().evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");

    // Both volunteers see the offer; Yusuf accepts; Leyla's offer says it is taken (in Turkish).
    await expect.poll(() => phone(page, yusuf).innerText(), { timeout: 10_000 }).toContain("Neue Anfrage: Dolmetschen");
    await expect.poll(() => phone(page, leyla).locator("button[data-callback^='offer:accept:']").count(), { timeout: 10_000 }).toBe(1);
    await phone(page, yusuf).getByRole("button", { name: "✅ Ich übernehme" }).click();
    await expect.poll(() => phone(page, yusuf).innerText(), { timeout: 10_000 }).toContain("Jobcenter Beckum");
    await expect.poll(() => phone(page, leyla).locator("button[data-callback^='offer:accept:']").count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => phone(page, amina).innerText(), { timeout: 10_000 }).toContain("Yusuf");

    // The relay, both ways.
    await type(page, amina, "مرحبا يوسف");
    await expect.poll(() => phone(page, yusuf).innerText(), { timeout: 10_000 }).toContain("مرحبا يوسف");
    await type(page, yusuf, "Bis morgen, Amina!");
    await expect.poll(() => phone(page, amina).innerText(), { timeout: 10_000 }).toContain("Bis morgen, Amina!");

    // Slack: Frau Schulte schedules a meeting in a modal; Herr Demir says yes.
    await page.selectOption("#slack-member", "U0SCHULTE");
    await page.fill("#slack-command", "/meeting");
    await page.press("#slack-command", "Enter");
    const modal = page.locator(".modal");
    await modal.waitFor({ timeout: 10_000 });
    const group = await stack.app.database.prisma.workingGroup.findUniqueOrThrow({ where: { slug: "zusammenleben-gestalten" } });
    await modal.locator("#group-value").selectOption(group.id);
    const nextWeek = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(Date.now() + 7 * 86_400_000));
    await modal.locator("#day-value").fill(nextWeek);
    await modal.locator("#time-value").fill("18:00");
    await modal.locator("#place-value").fill("Multizentrum Beckum");
    await modal.getByRole("button", { name: "Speichern" }).click();
    await expect.poll(() => page.locator(".slack-messages").innerText(), { timeout: 10_000 }).toContain("Treffen: AG Zusammenleben gestalten");
    await page.selectOption("#slack-member", "U0DEMIR");
    await page.locator(".slack-messages button[data-action^='meeting_rsvp'][data-value$=':YES']").first().click();
    await expect.poll(() => page.locator(".slack-messages").innerText(), { timeout: 10_000 }).toContain("✅ 1 dabei");

    // A poll with a live tally.
    await page.fill("#slack-command", '/poll "Was brauchen wir für das Fest?" "Musik" "Essen"');
    await page.press("#slack-command", "Enter");
    await expect.poll(() => page.locator(".slack-messages").innerText(), { timeout: 10_000 }).toContain("Was brauchen wir für das Fest?");
    await page.locator(".slack-messages button[data-action^='poll_vote']").first().click();
    await expect.poll(() => page.locator(".slack-messages").innerText(), { timeout: 10_000 }).toContain("1 Person hat abgestimmt");

    // The App Home tab.
    await page.getByRole("button", { name: "🏠 Brückenbot (Start)" }).click();
    await expect.poll(() => page.locator(".slack-main").innerText(), { timeout: 10_000 }).toContain("Nächste Treffen");
    await page.getByRole("button", { name: "# netzwerk-integration" }).click();

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}simulator.png`, fullPage: true });
  }, 120_000);

  it("the scenario button plays the scripted day by itself", async () => {
    const fresh = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
    try {
      await fresh.goto(`${stack.url}/`);
      await fresh.getByRole("button", { name: "▶ Szenario abspielen" }).click();
      await expect.poll(() => fresh.locator("#scenario-log").innerText(), { timeout: 60_000, interval: 500 }).toContain("Fertig");
      expect(await fresh.locator('.phone[data-persona="7101"]').innerText()).toContain("Hallo Amina, bis morgen");
    } finally {
      await fresh.close();
    }
  }, 90_000);

  it("the simulator and the queue board load nothing from outside this server", async () => {
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
