// The vote benchmark's load generator, in its own process so that the Slack emulator (which answers the
// app's API calls) does not slow down the clicks being timed. Reads signed requests from the file named in
// argv[2], sends them all at once and prints one JSON line: each request's status and milliseconds.
import { readFileSync } from "node:fs";
import { send, type SignedRequest } from "../sim/slack-api.js";

const requests = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as SignedRequest[];
const answers = await Promise.all(requests.map((request) => send(request).catch(() => ({ status: 0, ms: Number.NaN, body: undefined }))));
process.stdout.write(`${JSON.stringify(answers.map((a) => ({ status: a.status, ms: a.ms })))}\n`);
