import { App, type Receiver } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { routeSlackListeners } from "../../bot/slack-router.js";

const receiver: Receiver = { init: () => undefined, start: async () => undefined, stop: async () => undefined };
const click = (actionId: string) => ({
  type: "block_actions",
  team: { id: "T1" },
  user: { id: "U2", team_id: "T1" },
  api_app_id: "A1",
  token: "t",
  container: { type: "message", channel_id: "C1", message_ts: "1.1" },
  trigger_id: "1.2.3",
  channel: { id: "C1" },
  response_url: "https://hooks.slack.com/x",
  actions: [{ action_id: actionId, block_id: "b", type: "button", value: "v", action_ts: "1" }],
});

function setUp() {
  const app = new App({ receiver, authorize: async () => ({ botToken: "xoxb-x", botId: "B1", botUserId: "U1" }) });
  const warnings: unknown[] = [];
  const listeners = routeSlackListeners(app, { warn: (o: unknown) => void warnings.push(o) } as never);
  const send = async (body: object) => {
    let acked = 0;
    await app.processEvent({ body, ack: async () => void acked++ });
    return acked;
  };
  return { listeners, warnings, send };
}

describe("every Slack request through one listener per kind", () => {
  it("a click reaches the listener of its action id or pattern, and no other", async () => {
    const { listeners, send } = setUp();
    const heard: string[] = [];
    listeners.action("approve", async ({ ack }) => void (await ack(), heard.push("approve")));
    listeners.action(/^vote(\..+)?$/, async ({ ack, action }) => void (await ack(), heard.push(`vote ${"action_id" in action ? action.action_id : ""}`)));
    listeners.view("approve", async ({ ack }) => void (await ack(), heard.push("view approve")));
    expect(await send(click("vote.o1"))).toBe(1);
    expect(await send(click("approve"))).toBe(1);
    expect(heard).toEqual(["vote vote.o1", "approve"]);
  });

  it("a click nobody listens to is acknowledged and said in the log", async () => {
    const { listeners, warnings, send } = setUp();
    listeners.action("approve", async ({ ack }) => ack());
    expect(await send(click("gone"))).toBe(1);
    expect(warnings).toEqual([{ kind: "action", id: "gone" }]);
  });

  it("refuses listener middleware and constraints it cannot route", () => {
    const { listeners } = setUp();
    const fn = async () => undefined;
    expect(() => listeners.action("x", fn, fn)).toThrow(/one listener/);
    expect(() => listeners.action({ block_id: "b" }, fn)).toThrow(/by id or pattern/);
  });
});
