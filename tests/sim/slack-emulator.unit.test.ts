import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebClient, type Logger } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { SlackEmulator } from "../../sim/slack-api.js";

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
