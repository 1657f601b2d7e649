import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebClient, type Logger } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { SlackEmulator } from "../../sim/slack-api.js";
import { eventually } from "../helpers/wait.js";

const TOKEN = "xoxb-emulator";
const plain = (text: string) => ({ type: "plain_text" as const, text });
const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => "error" as never, setName: () => {} };

/** A stand-in app: records what Slack sends it and answers each request with `answer`. */
async function fakeApp(answer: (body: URLSearchParams) => unknown = () => undefined) {
  const received: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const body = new URLSearchParams(raw);
      received.push(body);
      const reply = answer(body);
      res.writeHead(200, { "content-type": "application/json" }).end(reply === undefined ? "" : JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("the Slack emulator holds the app to Slack's rules", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });

  async function setUp(answer?: (body: URLSearchParams) => unknown) {
    const slack = await SlackEmulator.start({ token: TOKEN });
    const app = await fakeApp(answer);
    slack.connect(app.url, "secret");
    cleanup.push(() => slack.close(), app.close);
    const client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: silent });
    return { slack, app, client };
  }

  it("a member cannot submit a modal with an empty required input: nothing reaches the app", async () => {
    const { slack, app, client } = await setUp();
    await client.views.open({
      trigger_id: "t",
      view: {
        type: "modal",
        title: plain("Close the request"),
        submit: plain("Close"),
        blocks: [
          { type: "input", block_id: "note", label: plain("Note"), element: { type: "plain_text_input", action_id: "note_input" } },
          { type: "input", block_id: "extra", optional: true, label: plain("More"), element: { type: "plain_text_input", action_id: "v" } },
        ],
      },
    });
    const modal = slack.modals("").at(-1);
    if (!modal) throw new Error("no modal");
    const refused = await slack.submitView("U1", modal.id, { note: { note_input: { type: "plain_text_input", value: "" } } });
    expect(refused.refused).toEqual([{ blockId: "note", reason: "required" }]);
    expect(refused.status).toBe(0);
    expect(refused.body).toEqual({ response_action: "errors", errors: { note: "This field is required" } });
    expect(app.received).toHaveLength(0);
    expect(slack.views.get(modal.id)?.view.errors).toEqual({ note: "This field is required" });

    const sent = await slack.submitView("U1", modal.id, { note: { note_input: { type: "plain_text_input", value: "Nobody speaks Tigrinya here" } } });
    expect(sent.status).toBe(200);
    expect(sent.refused).toBeUndefined();
    expect(app.received).toHaveLength(1);
    expect(slack.violations).toEqual([]);
  });

  it("a response URL refuses invalid blocks with HTTP 400 and the error as text, and keeps no message", async () => {
    const { slack, app } = await setUp();
    await slack.slashCommand("U1", "/poll", "", { channel: "C1" });
    const responseUrl = app.received[0]?.get("response_url") ?? "";
    const bad = { response_type: "in_channel", text: "Poll", blocks: [{ type: "actions", elements: [{ type: "button", text: plain("A"), action_id: "vote" }, { type: "button", text: plain("B"), action_id: "vote" }] }] };
    const answer = await fetch(responseUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(bad) });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toBe("invalid_blocks");
    expect(slack.channelMessages("C1")).toEqual([]);
    expect(slack.violations).toMatchObject([{ method: "response_url", error: "invalid_blocks", errors: ['`action_id` "vote" already exists [json-pointer:/blocks/0/elements/1/action_id]'] }]);

    const good = await fetch(responseUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "Thanks" }) });
    expect(good.status).toBe(200);
    expect(slack.channelMessages("C1")).toHaveLength(1);
  });

  it("a slash command's answer that Slack cannot render is not shown and is recorded", async () => {
    const { slack } = await setUp(() => ({ text: "AGs", blocks: [{ type: "header", text: plain("h".repeat(151)) }] }));
    const response = await slack.slashCommand("U1", "/ag", "", { channel: "C1" });
    expect(response.status).toBe(200);
    expect(slack.channelMessages("C1")).toEqual([]);
    expect(slack.violations).toMatchObject([{ method: "command_response", errors: ["failed to match all allowed schemas [json-pointer:/blocks/0/text]", "must be less than 151 characters [json-pointer:/blocks/0/text/text]"] }]);
  });

  it("views.update and views.publish refuse a view Slack cannot render and keep the old one", async () => {
    const { slack, client } = await setUp();
    await client.views.publish({ user_id: "U1", view: { type: "home", blocks: [{ type: "divider" }] } });
    const refused = await client.views.publish({ user_id: "U1", view: { type: "home", blocks: Array.from({ length: 101 }, () => ({ type: "divider" as const })) } }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ data: { ok: false, error: "invalid_arguments", response_metadata: { messages: ["[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"] } } });
    expect(slack.home("U1")?.view.blocks).toEqual([{ type: "divider" }]);
  });
});

describe("the Slack emulator keeps workspaces apart and installs the app as Slack's OAuth does", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });
  const APP = { clientId: "111.222", clientSecret: "s3cret" };
  const REDIRECT = "https://bruecke.example.org/slack/oauth_redirect";

  async function setUp() {
    const slack = await SlackEmulator.start({ token: TOKEN });
    const app = await fakeApp();
    slack.connect(app.url, "secret");
    slack.enableOAuth(APP);
    cleanup.push(() => slack.close(), app.close);
    const client = (token?: string) => new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: silent });
    return { slack, app, client };
  }

  /** Follows Slack's authorize page as the member signed in; the code (or error) Slack sends the browser back with. */
  async function authorize(slack: SlackEmulator, query: Record<string, string>) {
    const response = await fetch(`${slack.authorizeUrl}?${new URLSearchParams({ client_id: APP.clientId, scope: "chat:write,commands", redirect_uri: REDIRECT, state: "st4te", ...query })}`, { redirect: "manual" });
    return { status: response.status, back: new URL(response.headers.get("location") ?? "http://none/"), text: await response.text() };
  }

  it("a workspace's token reaches its own channels and views only; its members' requests carry its team id", async () => {
    const { slack, app, client } = await setUp();
    const ahlen = slack.workspace("T0AHLEN", { name: "Integration Ahlen", domain: "integration-ahlen", token: "xoxb-ahlen" });
    ahlen.join("C0AHLEN", "U0A");
    slack.join("C0BECKUM", "U0B");

    expect(await client("xoxb-ahlen").auth.test()).toMatchObject({ team_id: "T0AHLEN", team: "Integration Ahlen", user_id: ahlen.botUserId });
    expect(await client(TOKEN).auth.test()).toMatchObject({ team_id: "T0BRUECKE", user_id: slack.botUserId });
    expect((await client("xoxb-ahlen").conversations.members({ channel: "C0AHLEN" })).members).toEqual(["U0A"]);
    await expect(client("xoxb-ahlen").conversations.members({ channel: "C0BECKUM" })).rejects.toMatchObject({ data: { error: "channel_not_found" } });
    await expect(client(TOKEN).chat.postMessage({ channel: "C0AHLEN", text: "hallo" })).rejects.toMatchObject({ data: { error: "channel_not_found" } });
    await client("xoxb-ahlen").chat.postMessage({ channel: "C0AHLEN", text: "hallo Ahlen" });
    expect(ahlen.channelMessages("C0AHLEN").map((m) => m.text)).toEqual(["hallo Ahlen"]);
    expect(slack.channelMessages("C0AHLEN")).toEqual([]);
    await client("xoxb-ahlen").views.publish({ user_id: "U0A", view: { type: "home", blocks: [{ type: "divider" }] } });
    expect(ahlen.home("U0A")).toBeDefined();
    expect(slack.home("U0A")).toBeUndefined();
    await expect(client("xoxb-unknown").auth.test()).rejects.toMatchObject({ data: { error: "invalid_auth" } });
    await expect(client().auth.test()).rejects.toMatchObject({ data: { error: "not_authed" } });

    await ahlen.slashCommand("U0A", "/ag", "", { channel: "C0AHLEN" });
    await ahlen.event({ type: "app_home_opened", user: "U0A", tab: "home" });
    const [command, event] = app.received;
    expect(command?.get("team_id")).toBe("T0AHLEN");
    expect(command?.get("team_domain")).toBe("integration-ahlen");
    expect(JSON.parse([...(event?.keys() ?? [])][0] ?? "{}")).toMatchObject({ team_id: "T0AHLEN" });
  });

  it("oauth.v2.access takes the app's credentials as Basic auth or form fields, and each code once, with the authorize request's redirect_uri", async () => {
    const { slack, client } = await setUp();
    const ahlen = slack.workspace("T0AHLEN", { name: "Integration Ahlen", domain: "integration-ahlen" });
    expect(ahlen.tokens()).toEqual([]);
    slack.authorizeAs("T0AHLEN", "U0ADMIN");
    const first = await authorize(slack, {});
    expect(first.status).toBe(302);
    expect(`${first.back.origin}${first.back.pathname}`).toBe(REDIRECT);
    expect(first.back.searchParams.get("state")).toBe("st4te");
    const code = first.back.searchParams.get("code") ?? "";

    const basic = `Basic ${Buffer.from(`${APP.clientId}:wrong`).toString("base64")}`;
    const exchange = (body: Record<string, string>, authorization?: string) =>
      fetch(`${slack.apiUrl}oauth.v2.access`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...(authorization ? { authorization } : {}) }, body: new URLSearchParams(body) }).then(
        (r) => r.json() as Promise<Record<string, unknown>>,
      );
    expect(await exchange({ code, redirect_uri: REDIRECT }, basic)).toEqual({ ok: false, error: "bad_client_secret" });
    expect(await exchange({ code, redirect_uri: REDIRECT, client_id: "999.999", client_secret: APP.clientSecret })).toEqual({ ok: false, error: "invalid_client_id" });
    const granted = await client().oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, code, redirect_uri: REDIRECT });
    expect(granted).toMatchObject({
      ok: true,
      token_type: "bot",
      scope: "chat:write,commands",
      bot_user_id: ahlen.botUserId,
      app_id: "A0BRUECKE",
      team: { id: "T0AHLEN", name: "Integration Ahlen" },
      enterprise: null,
      authed_user: { id: "U0ADMIN" },
      is_enterprise_install: false,
    });
    expect(granted.access_token).toMatch(/^xoxb-/);
    expect(ahlen.tokens()).toEqual([granted.access_token]);
    await expect(client().oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, code, redirect_uri: REDIRECT })).rejects.toMatchObject({ data: { error: "invalid_code" } });

    const second = (await authorize(slack, {})).back.searchParams.get("code") ?? "";
    const viaBasic = `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString("base64")}`;
    expect(await exchange({ code: second, redirect_uri: "https://evil.example.org/cb" }, viaBasic)).toEqual({ ok: false, error: "bad_redirect_uri" });
    const third = (await authorize(slack, {})).back.searchParams.get("code") ?? "";
    expect(await exchange({ code: third, redirect_uri: REDIRECT }, viaBasic)).toMatchObject({ ok: true, team: { id: "T0AHLEN" } });
  });

  it("a code is short-lived, and a member who cancels is sent back with access_denied", async () => {
    const { slack, client } = await setUp();
    slack.enableOAuth(APP, { codeLifetimeMs: 1 });
    slack.workspace("T0AHLEN", { name: "Integration Ahlen", domain: "integration-ahlen" });
    slack.authorizeAs("T0AHLEN", "U0ADMIN");
    const code = (await authorize(slack, {})).back.searchParams.get("code") ?? "";
    await new Promise((r) => setTimeout(r, 10));
    await expect(client().oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, code, redirect_uri: REDIRECT })).rejects.toMatchObject({ data: { error: "invalid_code" } });

    slack.authorizeAs("T0AHLEN", "U0ADMIN", "deny");
    const denied = await authorize(slack, {});
    expect(denied.status).toBe(302);
    expect(Object.fromEntries(denied.back.searchParams)).toEqual({ error: "access_denied", state: "st4te" });
    expect((await authorize(slack, { client_id: "999.999" })).status).toBe(400);
  });

  it("an uninstall revokes the workspace's tokens (token_revoked) and tells the app with tokens_revoked and app_uninstalled", async () => {
    const { slack, app, client } = await setUp();
    const ahlen = slack.workspace("T0AHLEN", { name: "Integration Ahlen", domain: "integration-ahlen", token: "xoxb-ahlen" });
    await ahlen.uninstall();
    expect(ahlen.tokens()).toEqual([]);
    await expect(client("xoxb-ahlen").auth.test()).rejects.toMatchObject({ data: { error: "token_revoked" } });
    expect(slack.authRefusals).toMatchObject([{ method: "auth.test", error: "token_revoked", team: "T0AHLEN" }]);
    const events = app.received.map((body) => JSON.parse([...body.keys()][0] ?? "{}") as { team_id: string; event: { type: string; tokens?: unknown } });
    expect(events.map((e) => [e.team_id, e.event.type])).toEqual([
      ["T0AHLEN", "tokens_revoked"],
      ["T0AHLEN", "app_uninstalled"],
    ]);
    expect(events[0]?.event.tokens).toEqual({ bot: [ahlen.botUserId] });
    expect(await client(TOKEN).auth.test()).toMatchObject({ team_id: "T0BRUECKE" });

    // The app removes itself: Slack answers, then tells it as well.
    const beckum = slack.workspace("T0BECKUM2", { name: "Beckum 2", domain: "beckum2", token: "xoxb-beckum2" });
    await expect(client("xoxb-beckum2").apps.uninstall({ client_id: APP.clientId, client_secret: "wrong" })).rejects.toMatchObject({ data: { error: "bad_client_secret" } });
    expect(await client("xoxb-beckum2").apps.uninstall({ client_id: APP.clientId, client_secret: APP.clientSecret })).toMatchObject({ ok: true });
    expect(beckum.tokens()).toEqual([]);
    await eventually(() => expect(app.received).toHaveLength(4));
  });
});
