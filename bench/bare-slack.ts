// The baseline of the vote benchmark: a bare Bolt app that only acknowledges each click.
import { App, ExpressReceiver } from "@slack/bolt";

const { BARE_PORT = "0", SLACK_API_URL = "", SLACK_BOT_TOKEN = "", SLACK_SIGNING_SECRET = "" } = process.env;
const receiver = new ExpressReceiver({ signingSecret: SLACK_SIGNING_SECRET, endpoints: "/slack/events" });
const app = new App({ token: SLACK_BOT_TOKEN, receiver, clientOptions: { slackApiUrl: SLACK_API_URL } });
app.action(/.*/, async ({ ack }) => {
  await ack();
});
receiver.app.get("/readyz", (_req, res) => void res.json({ ready: true }));
const server = receiver.app.listen(Number(BARE_PORT), "127.0.0.1", () => {
  const address = server.address();
  console.log(`ready ${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
