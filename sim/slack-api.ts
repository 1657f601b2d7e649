import { createHmac, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { checkResponseMessage, checkView, checkWebApiCall, invalidArguments, problemsOf, refusalText, refusedInputs, type Json, type RefusedInput, type SlackRefusal } from "./slack-rules.js";

/** A message the bot posted (or updated), as members see it now. */
export type SlackSimMessage = {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  /** Set for ephemeral messages: the only member who sees it. */
  visibleTo?: string;
  threadTs?: string;
  updates: number;
  deleted: boolean;
};

export type SlackSimView = { id: string; user: string; view: Record<string, unknown>; kind: "modal" | "home" };

export type SlackSimCall = { method: string; params: Record<string, unknown>; at: number };

/**
 * Something the app sent that real Slack refuses: a Web API call (`chat.postMessage`, `views.open`, …),
 * a body posted to a response URL (`response_url`), a slash command's immediate answer
 * (`command_response`) or a view returned from a submission (`view_submission`).
 */
export type SlackViolation = { method: string; params: Record<string, unknown>; error: string; errors: string[] };

/** A modal submission; `refused` lists the inputs Slack's client would not let the member submit (nothing was sent then). */
export type ViewSubmission = SlackResponse & { refused?: RefusedInput[] };

/** How to sign a request: correctly, or in one of the ways Slack's verification must reject. */
export type Signing = "valid" | "bad" | "stale" | "future";

export type SlackResponse = { status: number; body: unknown; ms: number };

/** A signed request to the app, ready to send. */
export type SignedRequest = { url: string; headers: Record<string, string>; body: string };

/** Sends a signed request and times the app's answer (its acknowledgement). */
export async function send(request: SignedRequest): Promise<SlackResponse> {
  const started = performance.now();
  const response = await fetch(request.url, { method: "POST", headers: request.headers, body: request.body });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    // plain text answers stay text
  }
  return { status: response.status, body: parsed, ms };
}

export type SlackMember = { id: string; name: string; locale?: string; tz?: string };

/**
 * A local Slack Web API for tests and the offline demo, plus a Slack-like client that acts as network
 * members: it sends the app the real signed requests (slash commands, button clicks, modal submissions,
 * Events API callbacks), including deliberately bad, stale or future-dated signatures.
 */
export class SlackEmulator extends EventEmitter {
  readonly calls: SlackSimCall[] = [];
  readonly messages: SlackSimMessage[] = [];
  readonly views = new Map<string, SlackSimView>();
  /** Bodies posted to response URLs, by the command or action that handed the URL out. */
  readonly responses: { responseUrl: string; body: Record<string, unknown> }[] = [];
  /** Everything the app sent that real Slack would have refused (also emitted as a `violation` event); tests expect none. */
  readonly violations: SlackViolation[] = [];
  private readonly server: Server;
  private readonly members = new Map<string, SlackMember>();
  private readonly channelMembers = new Map<string, Set<string>>();
  private readonly privateChannels = new Set<string>();
  private readonly failing = new Set<string>();
  private target: { url: string; signingSecret: string } | undefined;
  private clock = 1_700_000_000;
  private rateLimit: { perMinute: number; methods: Set<string> } | undefined;
  private socketMode: { appToken: string; server: WebSocketServer; sockets: Set<WebSocket>; waiting: Map<string, (payload: unknown) => void> } | undefined;
  private readonly callTimes = new Map<string, number[]>();

  readonly teamId = "T0BRUECKE";
  readonly botUserId = "U0BRUECKBOT";

  private constructor(private readonly token: string) {
    super();
    this.setMaxListeners(500);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: { token: string; port?: number }): Promise<SlackEmulator> {
    const emulator = new SlackEmulator(options.token);
    await new Promise<void>((resolve) => emulator.server.listen(options.port ?? 0, "127.0.0.1", resolve));
    return emulator;
  }

  /** Base URL of the Web API (`SLACK_API_URL`). */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  private get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Where the app receives Slack's requests, and the secret they are signed with. */
  connect(eventsUrl: string, signingSecret: string): void {
    this.target = { url: eventsUrl, signingSecret };
  }

  /**
   * Socket Mode: the app opens a WebSocket (apps.connections.open with its app token) and receives every
   * request as an envelope it acknowledges on the socket, instead of signed HTTP requests.
   */
  enableSocketMode(appToken: string): void {
    const server = new WebSocketServer({ server: this.server, path: "/link" });
    const state = { appToken, server, sockets: new Set<WebSocket>(), waiting: new Map<string, (payload: unknown) => void>() };
    server.on("connection", (socket) => {
      state.sockets.add(socket);
      socket.on("close", () => state.sockets.delete(socket));
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (message.envelope_id) state.waiting.get(message.envelope_id)?.(message.payload);
      });
      socket.send(JSON.stringify({ type: "hello", num_connections: state.sockets.size, debug_info: { host: "emulator" }, connection_info: { app_id: "A0BRUECKE" } }));
      this.emit("call", { method: "socket_connected", params: {}, at: Date.now() });
    });
    this.socketMode = state;
  }

  /** Whether an app is connected over Socket Mode. */
  get socketConnected(): boolean {
    return (this.socketMode?.sockets.size ?? 0) > 0;
  }

  /** Answers HTTP 429 with Retry-After once a method is called more than `perMinute` times a minute. */
  limit(methods: string[], perMinute: number): void {
    this.rateLimit = { perMinute, methods: new Set(methods) };
  }

  member(id: string, name: string, profile: { locale?: string; tz?: string } = {}): SlackMember {
    const member = { id, name, ...profile };
    this.members.set(id, member);
    return member;
  }

  /** Puts a member into a channel (conversations.members lists them). */
  join(channel: string, user: string): void {
    const members = this.channelMembers.get(channel) ?? new Set<string>();
    members.add(user);
    this.channelMembers.set(channel, members);
  }

  /** Makes a Web API method fail (HTTP 503) until `heal` – to try what the app does when Slack cannot be asked. */
  fail(method: string): void {
    this.failing.add(method);
  }

  heal(method: string): void {
    this.failing.delete(method);
  }

  /** Makes a channel private (invitation only), as `conversations.info` then says. */
  makePrivate(channel: string): void {
    this.privateChannels.add(channel);
  }

  /** A member leaves a channel; Slack tells the app with `member_left_channel`, as this does once connected. */
  async leave(channel: string, user: string): Promise<void> {
    this.channelMembers.get(channel)?.delete(user);
    if (this.target || this.socketMode) await this.event({ type: "member_left_channel", user, channel, channel_type: this.privateChannels.has(channel) ? "G" : "C" });
  }

  async close(): Promise<void> {
    for (const socket of this.socketMode?.sockets ?? []) socket.terminate();
    this.socketMode?.server.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- acting as members ----

  /** A member runs a slash command; the result is the app's HTTP answer (its ack). */
  async slashCommand(user: string, command: string, text = "", options: { channel?: string; signing?: Signing; retryNum?: number } = {}): Promise<SlackResponse> {
    const responseUrl = `${this.origin}/response/${randomUUID()}`;
    this.responseChannels.set(new URL(responseUrl).pathname, { channel: options.channel ?? "C0GENERAL", user });
    const form = new URLSearchParams({
      token: "deprecated-verification-token",
      team_id: this.teamId,
      team_domain: "beckum-integration",
      channel_id: options.channel ?? "C0GENERAL",
      channel_name: "general",
      user_id: user,
      user_name: this.members.get(user)?.name ?? user,
      command,
      text,
      api_app_id: "A0BRUECKE",
      is_enterprise_install: "false",
      response_url: responseUrl,
      trigger_id: `trigger-${randomUUID()}`,
    });
    this.lastTriggerUser = user;
    const response = await this.post(form.toString(), "application/x-www-form-urlencoded", options);
    // Slack shows a command's immediate answer to the member who ran it (or to everyone when in_channel).
    const answer = response.body as { text?: string; blocks?: unknown[]; response_type?: string } | undefined;
    if (response.status === 200 && answer && typeof answer === "object" && (answer.text !== undefined || answer.blocks !== undefined)) {
      // Slack shows the member an error instead of an answer it cannot render.
      const verdict = checkResponseMessage(answer);
      if (!verdict.ok) {
        this.violate("command_response", answer, verdict);
        return response;
      }
      const channel = options.channel ?? "C0GENERAL";
      this.store({ channel, ...(answer.response_type === "in_channel" ? {} : { visibleTo: user }), ...content(answer) });
      this.emit("call", { method: "command_response", params: {}, at: Date.now() });
    }
    return response;
  }

  /** A member clicks a Block Kit button of a message the bot posted. */
  async clickButton(
    user: string,
    message: SlackSimMessage,
    actionId: string,
    options: { value?: string; signing?: Signing; retryNum?: number; stale?: boolean } = {},
  ): Promise<SlackResponse> {
    this.lastTriggerUser = user;
    return this.post(new URLSearchParams({ payload: JSON.stringify(this.clickPayload(user, message, actionId, options)) }).toString(), "application/x-www-form-urlencoded", options);
  }

  private clickPayload(user: string, message: SlackSimMessage, actionId: string, options: { value?: string; stale?: boolean }): Record<string, unknown> {
    // A stale click: the member's client still shows a button the message no longer has.
    const action = options.stale
      ? { type: "button", action_id: actionId, block_id: "stale", value: options.value }
      : this.findAction(message.blocks ?? [], actionId, options.value);
    const responseUrl = `${this.origin}/response/${randomUUID()}`;
    this.responseChannels.set(new URL(responseUrl).pathname, { channel: message.channel, user, ts: message.ts });
    return {
      type: "block_actions",
      team: { id: this.teamId, domain: "beckum-integration" },
      user: { id: user, username: this.members.get(user)?.name ?? user, team_id: this.teamId },
      api_app_id: "A0BRUECKE",
      trigger_id: `trigger-${randomUUID()}`,
      container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: message.visibleTo !== undefined },
      channel: { id: message.channel, name: message.channel },
      message: { type: "message", ts: message.ts, text: message.text, blocks: message.blocks },
      response_url: responseUrl,
      actions: [{ ...action, action_ts: String(Date.now() / 1000) }],
    };
  }

  /** A member clicks a button in a view (a modal or their App Home). */
  async clickViewButton(user: string, viewId: string, actionId: string, options: { value?: string; signing?: Signing } = {}): Promise<SlackResponse> {
    const view = this.views.get(viewId);
    if (!view) throw new Error(`no view ${viewId}`);
    const action = this.findAction((view.view.blocks as unknown[]) ?? [], actionId, options.value);
    return this.postPayload(
      {
        type: "block_actions",
        team: { id: this.teamId },
        user: { id: user, team_id: this.teamId },
        api_app_id: "A0BRUECKE",
        trigger_id: `trigger-${randomUUID()}`,
        container: { type: "view", view_id: viewId },
        view: { ...view.view, id: viewId, type: view.kind },
        actions: [{ ...action, action_ts: String(Date.now() / 1000) }],
      },
      options,
    );
  }

  /**
   * A member submits a modal. `values` maps block ids to action ids to Slack's value objects, e.g.
   * `{ question: { input: { type: "plain_text_input", value: "When?" } } }`. As in Slack, a modal whose
   * required input is empty (or outside its length limits) is not submitted: nothing reaches the app,
   * the modal shows the message under the input, and the result lists the refused inputs in `refused`
   * (status 0, and a body shaped like `response_action: "errors"`).
   */
  async submitView(user: string, viewId: string, values: Record<string, Record<string, unknown>>, options: { signing?: Signing } = {}): Promise<ViewSubmission> {
    const view = this.views.get(viewId);
    if (!view) throw new Error(`no view ${viewId}`);
    const refused = refusedInputs(view.view as Record<string, Json>, values);
    if (refused.length > 0) return this.refuseSubmission(view, refused);
    const response = await this.postPayload(
      {
        type: "view_submission",
        team: { id: this.teamId },
        user: { id: user, team_id: this.teamId },
        api_app_id: "A0BRUECKE",
        trigger_id: `trigger-${randomUUID()}`,
        view: { ...view.view, id: viewId, type: "modal", state: { values } },
      },
      options,
    );
    if (response.status === 200) this.afterSubmission(view, response.body);
    return response;
  }

  /** Slack's client keeps the modal open with a message under each refused input; the app hears nothing. */
  private refuseSubmission(view: SlackSimView, refused: RefusedInput[]): ViewSubmission {
    const errors = Object.fromEntries(refused.map((r) => [r.blockId, refusalText(r)]));
    view.view = { ...view.view, errors };
    this.emit("call", { method: "view_submission_refused", params: { errors }, at: Date.now() });
    return { status: 0, body: { response_action: "errors", errors }, ms: 0, refused };
  }

  /** As in Slack: an empty ack closes the modal; "errors" keeps it open with messages; "update" replaces it. */
  private afterSubmission(view: SlackSimView, body: unknown): void {
    const answer = (body ?? {}) as { response_action?: string; errors?: Record<string, string>; view?: Record<string, unknown> };
    if (answer.response_action === "errors") view.view = { ...view.view, errors: answer.errors ?? {} };
    else if (answer.response_action === "update" && answer.view) {
      // A view Slack cannot render is not shown; the modal stays as it was.
      const problems = checkView(answer.view as Json, "modal");
      if (problems.length === 0) view.view = answer.view;
      else this.violate("view_submission", answer, invalidArguments(problems));
    } else this.views.delete(view.id);
    this.emit("call", { method: "view_submission", params: {}, at: Date.now() });
  }

  /** A member closes a modal without submitting it. */
  closeView(viewId: string): void {
    this.views.delete(viewId);
    this.emit("call", { method: "view_closed", params: {}, at: Date.now() });
  }

  /** An Events API callback, e.g. `{ type: "app_home_opened", user, tab: "home" }`. */
  async event(event: Record<string, unknown>, options: { signing?: Signing; retryNum?: number; eventId?: string } = {}): Promise<SlackResponse> {
    const body = JSON.stringify({
      token: "deprecated-verification-token",
      team_id: this.teamId,
      api_app_id: "A0BRUECKE",
      type: "event_callback",
      event_id: options.eventId ?? `Ev${randomUUID().replaceAll("-", "").slice(0, 10)}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { event_ts: String(Date.now() / 1000), ...event },
    });
    return this.post(body, "application/json", options);
  }

  /** Sends an arbitrary body, signed as chosen, to the app (for forged and replayed requests). */
  async post(body: string, contentType: string, options: { signing?: Signing; retryNum?: number } = {}): Promise<SlackResponse> {
    if (this.socketMode) return this.envelope(body, contentType, options.retryNum ?? 0);
    return send(this.sign(body, contentType, options));
  }

  /**
   * The signed HTTP request a member's click would be, without sending it: a load generator in another
   * process sends many at once (the vote benchmark), while this emulator answers the app's API calls.
   */
  prepareClick(user: string, message: SlackSimMessage, actionId: string, options: { value?: string } = {}): SignedRequest {
    return this.sign(new URLSearchParams({ payload: JSON.stringify(this.clickPayload(user, message, actionId, options)) }).toString(), "application/x-www-form-urlencoded", {});
  }

  private sign(body: string, contentType: string, options: { signing?: Signing; retryNum?: number }): SignedRequest {
    if (!this.target) throw new Error("the emulator is not connected to an app");
    const now = Math.floor(Date.now() / 1000);
    const signing = options.signing ?? "valid";
    const timestamp = signing === "stale" ? now - 600 : signing === "future" ? now + 600 : now;
    const secret = signing === "bad" ? "not-the-signing-secret" : this.target.signingSecret;
    const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
    return {
      url: this.target.url,
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": signature,
        ...(options.retryNum !== undefined ? { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" } : {}),
      },
      body,
    };
  }


  /** Delivers a request over the Socket Mode connection and waits for the app's acknowledgement. */
  private async envelope(body: string, contentType: string, retryAttempt: number): Promise<SlackResponse> {
    const state = this.socketMode;
    const socket = state ? [...state.sockets][0] : undefined;
    if (!state || !socket) throw new Error("no Socket Mode connection");
    let type: string;
    let payload: unknown;
    if (contentType.includes("json")) {
      type = "events_api";
      payload = JSON.parse(body);
    } else {
      const form = Object.fromEntries(new URLSearchParams(body));
      if (form.payload) {
        type = "interactive";
        payload = JSON.parse(form.payload);
      } else {
        type = "slash_commands";
        payload = form;
      }
    }
    const envelopeId = randomUUID();
    const started = performance.now();
    const acknowledged = new Promise<unknown>((resolve) => state.waiting.set(envelopeId, resolve));
    socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== "events_api", retry_attempt: retryAttempt, retry_reason: "" }));
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000));
    const answer = await Promise.race([acknowledged, timeout]);
    state.waiting.delete(envelopeId);
    return { status: answer === "timeout" ? 504 : 200, body: answer === "timeout" ? undefined : answer, ms: performance.now() - started };
  }

  // ---- what the bot did ----

  /** A message as it is now (after updates). */
  message(message: Pick<SlackSimMessage, "channel" | "ts">): SlackSimMessage | undefined {
    return this.messages.find((m) => m.channel === message.channel && m.ts === message.ts);
  }

  channelMessages(channel: string): SlackSimMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.deleted);
  }

  /** The view currently published as a member's App Home. */
  home(user: string): SlackSimView | undefined {
    return this.views.get(`home-${user}`);
  }

  /** Modals opened for a member, newest last. */
  modals(user: string): SlackSimView[] {
    return [...this.views.values()].filter((v) => v.kind === "modal" && v.user === user);
  }

  async waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 5000, what = "the expected Slack call"): Promise<T> {
    const first = check();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const onCall = () => {
        const value = check();
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off("call", onCall);
      };
      this.on("call", onCall);
    });
  }

  // ---- the Web API ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const raw = await readRaw(req);
    if (url.pathname.startsWith("/response/")) {
      const body = raw === "" ? {} : (JSON.parse(raw) as Record<string, unknown>);
      const verdict = checkResponseMessage(body);
      if (!verdict.ok) {
        this.violate("response_url", body, verdict);
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end(verdict.error);
        this.emit("call", { method: "response_url", params: body, at: Date.now() });
        return;
      }
      this.responses.push({ responseUrl: `${this.origin}${url.pathname}`, body });
      const origin = this.responseChannels.get(url.pathname);
      const original = origin?.ts ? this.messages.find((m) => m.channel === origin.channel && m.ts === origin.ts) : undefined;
      // As in Slack: a response can replace or delete the message whose button was clicked, or add one.
      if (original && body.delete_original === true) original.deleted = true;
      else if (original && body.replace_original === true) {
        Object.assign(original, content(body));
        original.updates++;
      } else if (origin) this.store({ channel: origin.channel, ...(body.response_type === "in_channel" ? {} : { visibleTo: origin.user }), ...content(body) });
      this.emit("call", { method: "response_url", params: body, at: Date.now() });
      return json(res, 200, { ok: true });
    }
    const match = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (!match) return json(res, 404, { ok: false, error: "unknown_method" });
    const method = match[1] ?? "";
    const params = parseParams(raw, req.headers["content-type"] ?? "");
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "") || String(params.token ?? "");
    if (method === "apps.connections.open") {
      if (!this.socketMode || token !== this.socketMode.appToken) return json(res, 200, { ok: false, error: "invalid_auth" });
      return json(res, 200, { ok: true, url: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link?ticket=${randomUUID()}` });
    }
    if (token !== this.token) return json(res, 200, { ok: false, error: "invalid_auth" });
    if (this.limited(method)) {
      res.setHeader("retry-after", "1");
      return json(res, 429, { ok: false, error: "ratelimited" });
    }
    // An outage of one method, as Slack has them: a server error the client cannot retry its way out of.
    if (this.failing.has(method)) return json(res, 503, { ok: false, error: "service_unavailable" });
    const call = { method, params, at: Date.now() };
    this.calls.push(call);
    json(res, 200, this.answer(method, params));
    this.emit("call", call);
  }

  /** Carries out a call Slack accepts, or answers as Slack refuses it (and records the violation). */
  private answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    const verdict = checkWebApiCall(method, params);
    if (!verdict.ok) {
      this.violate(method, params, verdict);
      return verdict;
    }
    try {
      return this.call(method, params);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : "internal_error" };
    }
  }

  private violate(method: string, params: Record<string, unknown>, refusal: SlackRefusal): void {
    const violation: SlackViolation = { method, params, error: refusal.error, errors: problemsOf(refusal) };
    this.violations.push(violation);
    this.emit("violation", violation);
  }

  private limited(method: string): boolean {
    if (!this.rateLimit?.methods.has(method)) return false;
    const now = Date.now();
    const times = (this.callTimes.get(method) ?? []).filter((t) => t > now - 60_000);
    this.callTimes.set(method, times);
    if (times.length >= this.rateLimit.perMinute) return true;
    times.push(now);
    return false;
  }

  private call(method: string, p: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "api.test":
        return { ok: true };
      case "auth.test":
        return { ok: true, url: "https://beckum-integration.slack.com/", team: "Integration Beckum", user: "brueckenbot", team_id: this.teamId, user_id: this.botUserId, bot_id: "B0BRUECKE" };
      case "chat.postMessage": {
        const channel = requireString(p, "channel");
        const message = this.store({ channel, ...content(p), ...(p.thread_ts ? { threadTs: String(p.thread_ts) } : {}) });
        return { ok: true, channel, ts: message.ts, message: { text: message.text, blocks: message.blocks, ts: message.ts } };
      }
      case "chat.postEphemeral": {
        const channel = requireString(p, "channel");
        const message = this.store({ channel, visibleTo: requireString(p, "user"), ...content(p) });
        return { ok: true, message_ts: message.ts };
      }
      case "chat.update": {
        const channel = requireString(p, "channel");
        const message = this.messages.find((m) => m.channel === channel && m.ts === String(p.ts) && !m.deleted);
        if (!message) throw new Error("message_not_found");
        Object.assign(message, content(p));
        message.updates++;
        return { ok: true, channel, ts: message.ts, text: message.text };
      }
      case "chat.delete": {
        const message = this.messages.find((m) => m.channel === String(p.channel) && m.ts === String(p.ts));
        if (!message) throw new Error("message_not_found");
        message.deleted = true;
        return { ok: true, channel: message.channel, ts: message.ts };
      }
      case "views.open":
      case "views.push": {
        requireString(p, "trigger_id");
        const view = parse<Record<string, unknown>>(p.view);
        const id = `V${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`;
        this.views.set(id, { id, user: String(p.user_id ?? this.lastTriggerUser ?? ""), view, kind: "modal" });
        return { ok: true, view: { id, ...view } };
      }
      case "views.update": {
        const id = String(p.view_id ?? "");
        const existing = this.views.get(id);
        if (!existing) throw new Error("not_found");
        existing.view = parse<Record<string, unknown>>(p.view);
        return { ok: true, view: { id, ...existing.view } };
      }
      case "views.publish": {
        const user = requireString(p, "user_id");
        const view = parse<Record<string, unknown>>(p.view);
        this.views.set(`home-${user}`, { id: `home-${user}`, user, view, kind: "home" });
        return { ok: true, view: { id: `home-${user}`, ...view } };
      }
      case "users.info": {
        const user = this.members.get(requireString(p, "user"));
        if (!user) throw new Error("user_not_found");
        return { ok: true, user: { id: user.id, name: user.name, real_name: user.name, tz: user.tz ?? "Europe/Berlin", locale: user.locale ?? "de-DE" } };
      }
      case "conversations.members":
        return { ok: true, members: [...(this.channelMembers.get(requireString(p, "channel")) ?? [])], response_metadata: { next_cursor: "" } };
      case "conversations.info":
        return { ok: true, channel: { id: requireString(p, "channel"), name: String(p.channel), is_channel: true, is_private: this.privateChannels.has(String(p.channel)) } };
      default:
        throw new Error("unknown_method");
    }
  }

  /** The member whose action handed out the latest trigger id (views.open does not name the user). */
  private lastTriggerUser: string | undefined;
  /** Where a response URL's messages appear: the channel and member of the command or click, and the message clicked. */
  private readonly responseChannels = new Map<string, { channel: string; user: string; ts?: string }>();

  private async postPayload(payload: Record<string, unknown>, options: { signing?: Signing; retryNum?: number }): Promise<SlackResponse> {
    this.lastTriggerUser = (payload.user as { id?: string } | undefined)?.id;
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded", options);
  }

  private findAction(blocks: unknown[], actionId: string, value: string | undefined): Record<string, unknown> {
    for (const block of blocks as { block_id?: string; elements?: Record<string, unknown>[]; accessory?: Record<string, unknown> }[]) {
      const elements = [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])];
      for (const element of elements) {
        if (element.action_id === actionId && (value === undefined || element.value === value)) {
          return { type: element.type, action_id: actionId, block_id: block.block_id ?? "", value: element.value, text: element.text };
        }
      }
    }
    throw new Error(`no element with action_id ${actionId}${value === undefined ? "" : ` and value ${value}`}`);
  }

  private store(fields: Omit<SlackSimMessage, "ts" | "updates" | "deleted">): SlackSimMessage {
    this.clock += 1;
    const message: SlackSimMessage = { ...fields, ts: `${this.clock}.${String(this.messages.length).padStart(6, "0")}`, updates: 0, deleted: false };
    this.messages.push(message);
    return message;
  }
}

function content(p: Record<string, unknown>): { text?: string; blocks?: unknown[] } {
  return {
    ...(p.text !== undefined ? { text: String(p.text) } : {}),
    ...(p.blocks !== undefined ? { blocks: parse<unknown[]>(p.blocks) } : {}),
  };
}

function requireString(p: Record<string, unknown>, name: string): string {
  const value = p[name];
  if (value === undefined || value === "") throw new Error(name === "channel" ? "channel_not_found" : `invalid_arguments`);
  return String(value);
}

function parse<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

function parseParams(raw: string, type: string): Record<string, unknown> {
  if (raw === "") return {};
  if (type.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}

async function readRaw(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}
