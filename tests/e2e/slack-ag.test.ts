import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/stack.js";

async function agCommandsHandled(stack: Stack): Promise<number> {
  const metric = await stack.app.metrics.slackRequests.get();
  return metric.values.find((v) => v.labels.kind === "command_ag")?.value ?? 0;
}

describe("Slack: /ag", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it("lists the working groups from the database, through a signed request", async () => {
    const answer = await stack.slack.slashCommand("U0MEMBER1", "/ag");
    expect(answer.status).toBe(200);
    const body = answer.body as { response_type: string; blocks: { text?: { text: string } }[] };
    expect(body.response_type).toBe("ephemeral");
    const text = body.blocks.map((b) => b.text?.text ?? "").join("\n");
    expect(text).toContain("AG Kontakt mit Behörden");
    expect(text).toContain("AG Zusammenleben gestalten");
    expect(text).toContain("0 Mitglieder");
  });

  it("shows what the database holds, not a fixed list", async () => {
    const db = stack.app.database.prisma;
    const group = await db.workingGroup.create({ data: { networkId: stack.town, slug: "fest-der-kulturen", name: "AG Fest der Kulturen", description: "Vorbereitung" } });
    await db.workingGroupMember.create({ data: { groupId: group.id, slackUserId: "U0MEMBER1" } });
    const answer = await stack.slack.slashCommand("U0MEMBER1", "/ag");
    const text = JSON.stringify(answer.body);
    expect(text).toContain("AG Fest der Kulturen");
    expect(text).toContain("_1 Mitglied_");
    expect(text).not.toContain("1 Mitglieder");
  });

  it.each(["bad", "stale", "future"] as const)("rejects a request with a %s signature with 401 and does nothing", async (signing) => {
    const before = await agCommandsHandled(stack);
    const answer = await stack.slack.slashCommand("U0MEMBER1", "/ag", "", { signing });
    expect(answer.status).toBe(401);
    expect(JSON.stringify(answer.body ?? "")).not.toContain("AG Kontakt");
    expect(await agCommandsHandled(stack)).toBe(before);
  });
});
