import { createHmac, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { checkResponseMessage, checkView, checkWebApiCall, invalidArguments, problemsOf, refusalText, refusedInputs, type Json, type RefusedInput, type SlackRefusal } from "./slack-rules.js";
import { SlackOAuth, type OAuthApp } from "./slack-oauth.js";
import { waitForEvent } from "./wait-for.js";

/** A message the bot posted (or updated), as members see it now. */
export type SlackSimMessage = {
  /** The workspace the message is in. */
  team: string;
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

export type SlackSimView = { id: string; team: string; user: string; view: Record<string, unknown>; kind: "modal" | "home" };

/** A Web API call Slack accepted; `team` is the workspace of the token it came with. */
export type SlackSimCall = { method: string; params: Record<string, unknown>; at: number; team?: string };

/** A Web API call Slack turned away for its token: none (`not_authed`), unknown (`invalid_auth`) or revoked (`token_revoked`). */
export type SlackAuthRefusal = { method: string; error: "not_authed" | "invalid_auth" | "token_revoked"; team?: string; at: number };

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

/** Options of the member actions that send the app a request. */
type Sending = { signing?: Signing; retryNum?: number };

/**
 * What a test can do in one Slack workspace (team): act as its members, and see what the app posted there.
 * Requests carry the workspace's `team_id` / `team.id` / `user.team_id`, as Slack sends them.
 */
export interface SlackWorkspace {
  readonly teamId: string;
  readonly teamName: string;
  readonly domain: string;
  /** The app's bot user in this workspace. */
  readonly botUserId: string;
  /** The app's bot tokens valid here now: the configured one, one per OAuth installation; none once uninstalled or revoked. */
  tokens(): string[];
  member(id: string, name: string, profile?: { locale?: string; tz?: string }): SlackMember;
  /** Puts a member into a channel (conversations.members lists them). */
  join(channel: string, user: string): void;
  /** Makes a channel private (invitation only), as `conversations.info` then says. */
  makePrivate(channel: string): void;
  /** A member leaves a channel; Slack tells the app with `member_left_channel`, as this does once connected. */
  leave(channel: string, user: string): Promise<void>;
  /** A member runs a slash command; the result is the app's HTTP answer (its ack). */
  slashCommand(user: string, command: string, text?: string, options?: { channel?: string } & Sending): Promise<SlackResponse>;
  /** A member clicks a Block Kit button of a message the bot posted. */
  clickButton(user: string, message: SlackSimMessage, actionId: string, options?: { value?: string; stale?: boolean } & Sending): Promise<SlackResponse>;
  /** A member clicks a button in a view (a modal or their App Home). */
  clickViewButton(user: string, viewId: string, actionId: string, options?: { value?: string; signing?: Signing }): Promise<SlackResponse>;
  /** A member submits a modal (see {@link SlackEmulator.submitView}). */
  submitView(user: string, viewId: string, values: Record<string, Record<string, unknown>>, options?: { signing?: Signing }): Promise<ViewSubmission>;
  /** A member closes a modal without submitting it. */
  closeView(viewId: string): void;
  /** An Events API callback, e.g. `{ type: "app_home_opened", user, tab: "home" }`. */
  event(event: Record<string, unknown>, options?: Sending & { eventId?: string }): Promise<SlackResponse>;
  /** The signed HTTP request a member's click would be, without sending it. */
  prepareClick(user: string, message: SlackSimMessage, actionId: string, options?: { value?: string }): SignedRequest;
  /** A message as it is now (after updates). */
  message(message: Pick<SlackSimMessage, "channel" | "ts">): SlackSimMessage | undefined;
  channelMessages(channel: string): SlackSimMessage[];
  /** The view currently published as a member's App Home. */
  home(user: string): SlackSimView | undefined;
  /** Modals opened for a member, newest last. */
  modals(user: string): SlackSimView[];
  waitFor<T>(check: () => T | undefined | false | null, timeoutMs?: number, what?: string): Promise<T>;
  /**
   * A workspace admin removes the app: its tokens here are revoked at once, then Slack sends `tokens_revoked` and
   * `app_uninstalled` (https://docs.slack.dev/reference/events/app_uninstalled: "an app is not uninstalled until its
   * final user and bot tokens are revoked"; the order of the two events is not guaranteed).
   */
  uninstall(): Promise<void>;
  /** The app's bot tokens here are revoked while the app stays installed; Slack sends `tokens_revoked`. */
  revokeTokens(): Promise<void>;
}

/** A workspace as the emulator keeps it: its members and channels, and where the app's bot lives in it. */
type Team = {
  id: string;
  name: string;
  domain: string;
  botUserId: string;
  botId: string;
  /** Where a slash command is run unless a test names a channel. */
  generalChannel: string;
  members: Map<string, SlackMember>;
  channelMembers: Map<string, Set<string>>;
  privateChannels: Set<string>;
};

/** The workspace every test has, and the only one before `workspace()` adds others. */
const DEFAULT_TEAM = { id: "T0BRUECKE", name: "Integration Beckum", domain: "beckum-integration" };
const APP_ID = "A0BRUECKE";

/**
 * A local Slack Web API for tests and the offline demo, plus a Slack-like client that acts as network
 * members: it sends the app the real signed requests (slash commands, button clicks, modal submissions,
 * Events API callbacks), including deliberately bad, stale or future-dated signatures.
 *
 * It holds several workspaces. Its own member methods act in the default workspace (`T0BRUECKE`, with the
 * token it was started with); `workspace(teamId, …)` adds another and returns the same methods for it. Each
 * Web API call is authorized by its token: a token of one workspace finds none of another's channels
 * (`channel_not_found`) or views. With `enableOAuth`, workspaces install the app through Slack's OAuth v2 flow
 * (`/oauth/v2/authorize`, `oauth.v2.access`) and get tokens of their own; `uninstall` revokes them.
 */
export class SlackEmulator extends EventEmitter implements SlackWorkspace {
  readonly calls: SlackSimCall[] = [];
  readonly messages: SlackSimMessage[] = [];
  readonly views = new Map<string, SlackSimView>();
  /** Bodies posted to response URLs, by the command or action that handed the URL out. */
  readonly responses: { responseUrl: string; body: Record<string, unknown> }[] = [];
  /** Everything the app sent that real Slack would have refused (also emitted as a `violation` event); tests expect none. */
  readonly violations: SlackViolation[] = [];
  /** Web API calls refused for their token (a revoked one after an uninstall, say). */
  readonly authRefusals: SlackAuthRefusal[] = [];
  private readonly server: Server;
  private readonly teams = new Map<string, Team>();
  private readonly botTokens = new Map<string, { team: Team; revoked: boolean }>();
  /** Which workspace a channel id belongs to: the first that used it. */
  private readonly channelTeams = new Map<string, string>();
  private readonly main: Team;
  private readonly failing = new Set<string>();
  private readonly slowness = new Map<string, number>();
  private target: { url: string; signingSecret: string } | undefined;
  private clock = 1_700_000_000;
  private rateLimit: { perMinute: number; methods: Set<string> } | undefined;
  private socketMode: { appToken: string; server: WebSocketServer; sockets: Set<WebSocket>; waiting: Map<string, (payload: unknown) => void> } | undefined;
  private readonly callTimes = new Map<string, number[]>();
  private oauth: SlackOAuth | undefined;

  readonly teamId = DEFAULT_TEAM.id;
  readonly teamName = DEFAULT_TEAM.name;
  readonly domain = DEFAULT_TEAM.domain;
  readonly botUserId = "U0BRUECKBOT";

  private constructor(token: string) {
    super();
    this.setMaxListeners(500);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.main = this.addTeam({ ...DEFAULT_TEAM, botUserId: this.botUserId, botId: "B0BRUECKE", generalChannel: "C0GENERAL" });
    this.botTokens.set(token, { team: this.main, revoked: false });
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

  /** Slack's authorize page, where "Add to Slack" leads (derived from the API URL, as slack.com/oauth/v2/authorize from slack.com/api/). */
  get authorizeUrl(): string {
    return `${this.origin}/oauth/v2/authorize`;
  }

  private get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * Another workspace (or the one of that id already there). With `token`, the app is installed there already
   * with that bot token (as a single-workspace app is); without, it has no token until installed through OAuth.
   */
  workspace(teamId: string, options: { name: string; domain: string; token?: string }): SlackWorkspace {
    const existing = this.teams.get(teamId);
    const team =
      existing ??
      this.addTeam({ id: teamId, name: options.name, domain: options.domain, botUserId: `U${teamId.slice(1)}BOT`, botId: `B${teamId.slice(1)}`, generalChannel: `C${teamId.slice(1)}GENERAL` });
    if (options.token) this.botTokens.set(options.token, { team, revoked: false });
    return team === this.main ? this : this.handleOf(team);
  }

  /** Where the app receives Slack's requests, and the secret they are signed with. */
  connect(eventsUrl: string, signingSecret: string): void {
    this.target = { url: eventsUrl, signingSecret };
  }

  /**
   * Distribution: Slack knows the app's client id and secret, answers `/oauth/v2/authorize` and
   * `oauth.v2.access`, and honours `apps.uninstall`. `codeLifetimeMs` shortens the ten minutes a code lives.
   */
  enableOAuth(app: { clientId: string; clientSecret: string; redirectUri?: string }, options: { codeLifetimeMs?: number } = {}): void {
    const registered: OAuthApp = { appId: APP_ID, ...app };
    this.oauth = new SlackOAuth(registered, options.codeLifetimeMs);
  }

  /**
   * Who is signed in to Slack in the browser that follows the app's "Add to Slack" link, and whether they allow
   * the installation (`deny`: they click "Cancel", and Slack sends them back with `error=access_denied`).
   */
  authorizeAs(teamId: string, userId: string, decision: "allow" | "deny" = "allow"): void {
    if (!this.oauth) throw new Error("call enableOAuth first");
    if (!this.teams.has(teamId)) throw new Error(`no workspace ${teamId}: add it with workspace()`);
    this.oauth.signIn({ teamId, userId, decision });
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
      socket.send(JSON.stringify({ type: "hello", num_connections: state.sockets.size, debug_info: { host: "emulator" }, connection_info: { app_id: APP_ID } }));
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

  /** Makes a Web API method fail (HTTP 503) until `heal` – to try what the app does when Slack cannot be asked. */
  fail(method: string): void {
    this.failing.add(method);
  }

  heal(method: string): void {
    this.failing.delete(method);
  }

  /** Makes a Web API method answer only after `ms` (0: at once again) – Slack on a bad day. */
  slow(method: string, ms: number): void {
    if (ms > 0) this.slowness.set(method, ms);
    else this.slowness.delete(method);
  }

  async close(): Promise<void> {
    for (const socket of this.socketMode?.sockets ?? []) socket.terminate();
    this.socketMode?.server.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- the default workspace ----

  tokens(): string[] {
    return this.tokensOf(this.main);
  }
  member(id: string, name: string, profile: { locale?: string; tz?: string } = {}): SlackMember {
    return this.addMember(this.main, id, name, profile);
  }
  join(channel: string, user: string): void {
    this.joinIn(this.main, channel, user);
  }
  makePrivate(channel: string): void {
    this.makePrivateIn(this.main, channel);
  }
  leave(channel: string, user: string): Promise<void> {
    return this.leaveIn(this.main, channel, user);
  }
  slashCommand(user: string, command: string, text = "", options: { channel?: string } & Sending = {}): Promise<SlackResponse> {
    return this.slashCommandIn(this.main, user, command, text, options);
  }
  clickButton(user: string, message: SlackSimMessage, actionId: string, options: { value?: string; stale?: boolean } & Sending = {}): Promise<SlackResponse> {
    return this.clickButtonIn(this.main, user, message, actionId, options);
  }
  clickViewButton(user: string, viewId: string, actionId: string, options: { value?: string; signing?: Signing } = {}): Promise<SlackResponse> {
    return this.clickViewButtonIn(this.main, user, viewId, actionId, options);
  }
  /**
   * A member submits a modal. `values` maps block ids to action ids to Slack's value objects, e.g.
   * `{ question: { input: { type: "plain_text_input", value: "When?" } } }`. As in Slack, a modal whose
   * required input is empty (or outside its length limits) is not submitted: nothing reaches the app,
   * the modal shows the message under the input, and the result lists the refused inputs in `refused`
   * (status 0, and a body shaped like `response_action: "errors"`).
   */
  submitView(user: string, viewId: string, values: Record<string, Record<string, unknown>>, options: { signing?: Signing } = {}): Promise<ViewSubmission> {
    return this.submitViewIn(this.main, user, viewId, values, options);
  }
  closeView(viewId: string): void {
    this.views.delete(viewId);
    this.emit("call", { method: "view_closed", params: {}, at: Date.now() });
  }
  event(event: Record<string, unknown>, options: Sending & { eventId?: string } = {}): Promise<SlackResponse> {
    return this.eventIn(this.main, event, options);
  }
  /**
   * The signed HTTP request a member's click would be, without sending it: a load generator in another
   * process sends many at once (the vote benchmark), while this emulator answers the app's API calls.
   */
  prepareClick(user: string, message: SlackSimMessage, actionId: string, options: { value?: string } = {}): SignedRequest {
    return this.sign(new URLSearchParams({ payload: JSON.stringify(this.clickPayload(this.main, user, message, actionId, options)) }).toString(), "application/x-www-form-urlencoded", {});
  }
  message(message: Pick<SlackSimMessage, "channel" | "ts">): SlackSimMessage | undefined {
    return this.messageIn(this.main, message);
  }
  channelMessages(channel: string): SlackSimMessage[] {
    return this.channelMessagesIn(this.main, channel);
  }
  home(user: string): SlackSimView | undefined {
    return this.views.get(homeId(this.main, user));
  }
  modals(user: string): SlackSimView[] {
    return this.modalsIn(this.main, user);
  }
  uninstall(): Promise<void> {
    return this.uninstallFrom(this.main);
  }
  revokeTokens(): Promise<void> {
    return this.revokeTokensOf(this.main);
  }

  async waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 5000, what = "the expected Slack call"): Promise<T> {
    return waitForEvent(this, "call", check, timeoutMs, what);
  }

  /** Sends an arbitrary body, signed as chosen, to the app (for forged and replayed requests). */
  async post(body: string, contentType: string, options: Sending = {}): Promise<SlackResponse> {
    if (this.socketMode) return this.envelope(body, contentType, options.retryNum ?? 0);
    return send(this.sign(body, contentType, options));
  }

  // ---- workspaces ----

  private addTeam(fields: Omit<Team, "members" | "channelMembers" | "privateChannels">): Team {
    const team: Team = { ...fields, members: new Map(), channelMembers: new Map(), privateChannels: new Set() };
    this.teams.set(team.id, team);
    return team;
  }

  /** The member methods, bound to one workspace. */
  private handleOf(team: Team): SlackWorkspace {
    return {
      teamId: team.id,
      teamName: team.name,
      domain: team.domain,
      botUserId: team.botUserId,
      tokens: () => this.tokensOf(team),
      member: (id, name, profile = {}) => this.addMember(team, id, name, profile),
      join: (channel, user) => this.joinIn(team, channel, user),
      makePrivate: (channel) => this.makePrivateIn(team, channel),
      leave: (channel, user) => this.leaveIn(team, channel, user),
      slashCommand: (user, command, text = "", options = {}) => this.slashCommandIn(team, user, command, text, options),
      clickButton: (user, message, actionId, options = {}) => this.clickButtonIn(team, user, message, actionId, options),
      clickViewButton: (user, viewId, actionId, options = {}) => this.clickViewButtonIn(team, user, viewId, actionId, options),
      submitView: (user, viewId, values, options = {}) => this.submitViewIn(team, user, viewId, values, options),
      closeView: (viewId) => this.closeView(viewId),
      event: (event, options = {}) => this.eventIn(team, event, options),
      prepareClick: (user, message, actionId, options = {}) =>
        this.sign(new URLSearchParams({ payload: JSON.stringify(this.clickPayload(team, user, message, actionId, options)) }).toString(), "application/x-www-form-urlencoded", {}),
      message: (message) => this.messageIn(team, message),
      channelMessages: (channel) => this.channelMessagesIn(team, channel),
      home: (user) => this.views.get(homeId(team, user)),
      modals: (user) => this.modalsIn(team, user),
      waitFor: (check, timeoutMs, what) => this.waitFor(check, timeoutMs, what),
      uninstall: () => this.uninstallFrom(team),
      revokeTokens: () => this.revokeTokensOf(team),
    };
  }

  private tokensOf(team: Team): string[] {
    return [...this.botTokens].filter(([, t]) => t.team === team && !t.revoked).map(([token]) => token);
  }

  private addMember(team: Team, id: string, name: string, profile: { locale?: string; tz?: string }): SlackMember {
    const member = { id, name, ...profile };
    team.members.set(id, member);
    return member;
  }

  private joinIn(team: Team, channel: string, user: string): void {
    this.claim(team, channel);
    const members = team.channelMembers.get(channel) ?? new Set<string>();
    members.add(user);
    team.channelMembers.set(channel, members);
  }

  private makePrivateIn(team: Team, channel: string): void {
    this.claim(team, channel);
    team.privateChannels.add(channel);
  }

  private async leaveIn(team: Team, channel: string, user: string): Promise<void> {
    team.channelMembers.get(channel)?.delete(user);
    if (this.target || this.socketMode) await this.eventIn(team, { type: "member_left_channel", user, channel, channel_type: team.privateChannels.has(channel) ? "G" : "C" });
  }

  /**
   * A channel id belongs to the workspace that first used it; another workspace's token does not find it, as
   * Slack answers a channel of another workspace (`channel_not_found`).
   */
  private claim(team: Team, channel: string): void {
    const owner = this.channelTeams.get(channel);
    if (owner !== undefined && owner !== team.id) throw new Error("channel_not_found");
    this.channelTeams.set(channel, team.id);
  }

  /** Revokes the workspace's tokens, then tells the app as Slack does. */
  private async uninstallFrom(team: Team): Promise<void> {
    const bots = this.revoke(team);
    await this.eventIn(team, { type: "tokens_revoked", tokens: { bot: bots } });
    await this.eventIn(team, { type: "app_uninstalled" });
  }

  private async revokeTokensOf(team: Team): Promise<void> {
    const bots = this.revoke(team);
    await this.eventIn(team, { type: "tokens_revoked", tokens: { bot: bots } });
  }

  /** The tokens_revoked event lists the bot user ids whose tokens went, not the tokens. */
  private revoke(team: Team): string[] {
    for (const grant of this.botTokens.values()) if (grant.team === team) grant.revoked = true;
    return [team.botUserId];
  }

  // ---- acting as members ----

  private async slashCommandIn(team: Team, user: string, command: string, text: string, options: { channel?: string } & Sending): Promise<SlackResponse> {
    const channel = options.channel ?? team.generalChannel;
    this.claim(team, channel);
    const responseUrl = `${this.origin}/response/${randomUUID()}`;
    this.responseChannels.set(new URL(responseUrl).pathname, { team: team.id, channel, user });
    const form = new URLSearchParams({
      token: "deprecated-verification-token",
      team_id: team.id,
      team_domain: team.domain,
      channel_id: channel,
      channel_name: "general",
      user_id: user,
      user_name: team.members.get(user)?.name ?? user,
      command,
      text,
      api_app_id: APP_ID,
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
      this.store({ team: team.id, channel, ...(answer.response_type === "in_channel" ? {} : { visibleTo: user }), ...content(answer) });
      this.emit("call", { method: "command_response", params: {}, at: Date.now() });
    }
    return response;
  }

  private async clickButtonIn(team: Team, user: string, message: SlackSimMessage, actionId: string, options: { value?: string; stale?: boolean } & Sending): Promise<SlackResponse> {
    this.lastTriggerUser = user;
    return this.post(new URLSearchParams({ payload: JSON.stringify(this.clickPayload(team, user, message, actionId, options)) }).toString(), "application/x-www-form-urlencoded", options);
  }

  private clickPayload(team: Team, user: string, message: SlackSimMessage, actionId: string, options: { value?: string; stale?: boolean }): Record<string, unknown> {
    // A stale click: the member's client still shows a button the message no longer has.
    const action = options.stale
      ? { type: "button", action_id: actionId, block_id: "stale", value: options.value }
      : this.findAction(message.blocks ?? [], actionId, options.value);
    const responseUrl = `${this.origin}/response/${randomUUID()}`;
    this.responseChannels.set(new URL(responseUrl).pathname, { team: team.id, channel: message.channel, user, ts: message.ts });
    return {
      type: "block_actions",
      team: { id: team.id, domain: team.domain },
      user: { id: user, username: team.members.get(user)?.name ?? user, team_id: team.id },
      api_app_id: APP_ID,
      trigger_id: `trigger-${randomUUID()}`,
      container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: message.visibleTo !== undefined },
      channel: { id: message.channel, name: message.channel },
      message: { type: "message", ts: message.ts, text: message.text, blocks: message.blocks },
      response_url: responseUrl,
      actions: [{ ...action, action_ts: String(Date.now() / 1000) }],
    };
  }

  private async clickViewButtonIn(team: Team, user: string, viewId: string, actionId: string, options: { value?: string; signing?: Signing }): Promise<SlackResponse> {
    const view = this.viewIn(team, viewId);
    const action = this.findAction((view.view.blocks as unknown[]) ?? [], actionId, options.value);
    return this.postPayload(
      {
        type: "block_actions",
        team: { id: team.id, domain: team.domain },
        user: { id: user, team_id: team.id },
        api_app_id: APP_ID,
        trigger_id: `trigger-${randomUUID()}`,
        container: { type: "view", view_id: viewId },
        view: { ...view.view, id: viewId, type: view.kind },
        actions: [{ ...action, action_ts: String(Date.now() / 1000) }],
      },
      options,
    );
  }

  private async submitViewIn(team: Team, user: string, viewId: string, values: Record<string, Record<string, unknown>>, options: { signing?: Signing }): Promise<ViewSubmission> {
    const view = this.viewIn(team, viewId);
    const refused = refusedInputs(view.view as Record<string, Json>, values);
    if (refused.length > 0) return this.refuseSubmission(view, refused);
    const response = await this.postPayload(
      {
        type: "view_submission",
        team: { id: team.id, domain: team.domain },
        user: { id: user, team_id: team.id },
        api_app_id: APP_ID,
        trigger_id: `trigger-${randomUUID()}`,
        view: { ...view.view, id: viewId, type: "modal", state: { values } },
      },
      options,
    );
    if (response.status === 200) this.afterSubmission(view, response.body);
    return response;
  }

  private viewIn(team: Team, viewId: string): SlackSimView {
    const view = this.views.get(viewId);
    if (!view || view.team !== team.id) throw new Error(`no view ${viewId} in ${team.id}`);
    return view;
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

  private async eventIn(team: Team, event: Record<string, unknown>, options: Sending & { eventId?: string } = {}): Promise<SlackResponse> {
    const body = JSON.stringify({
      token: "deprecated-verification-token",
      team_id: team.id,
      api_app_id: APP_ID,
      type: "event_callback",
      event_id: options.eventId ?? `Ev${randomUUID().replaceAll("-", "").slice(0, 10)}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { event_ts: String(Date.now() / 1000), ...event },
    });
    return this.post(body, "application/json", options);
  }

  private sign(body: string, contentType: string, options: Sending): SignedRequest {
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

  private messageIn(team: Team, message: Pick<SlackSimMessage, "channel" | "ts">): SlackSimMessage | undefined {
    return this.messages.find((m) => m.team === team.id && m.channel === message.channel && m.ts === message.ts);
  }

  private channelMessagesIn(team: Team, channel: string): SlackSimMessage[] {
    return this.messages.filter((m) => m.team === team.id && m.channel === channel && !m.deleted);
  }

  private modalsIn(team: Team, user: string): SlackSimView[] {
    return [...this.views.values()].filter((v) => v.kind === "modal" && v.team === team.id && v.user === user);
  }

  // ---- the Web API ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const raw = await readRaw(req);
    if (url.pathname.startsWith("/response/")) return this.respond(url, raw, res);
    if (url.pathname === "/oauth/v2/authorize" && req.method === "GET") return this.authorizePage(url, res);
    const match = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (!match) return json(res, 404, { ok: false, error: "unknown_method" });
    const method = match[1] ?? "";
    const params = parseParams(raw, req.headers["content-type"] ?? "");
    if (method === "oauth.v2.access") return json(res, 200, this.exchangeCode(req.headers.authorization, params));
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "") || String(params.token ?? "");
    if (method === "apps.connections.open") {
      if (!this.socketMode || token !== this.socketMode.appToken) return json(res, 200, { ok: false, error: "invalid_auth" });
      return json(res, 200, { ok: true, url: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link?ticket=${randomUUID()}` });
    }
    const grant = this.botTokens.get(token);
    const refusal = token === "" ? "not_authed" : !grant ? "invalid_auth" : grant.revoked ? "token_revoked" : undefined;
    if (refusal || !grant) {
      this.authRefusals.push({ method, error: refusal ?? "invalid_auth", ...(grant ? { team: grant.team.id } : {}), at: Date.now() });
      this.emit("call", { method: "auth_refused", params: {}, at: Date.now() });
      return json(res, 200, { ok: false, error: refusal ?? "invalid_auth" });
    }
    if (this.limited(method)) {
      res.setHeader("retry-after", "1");
      return json(res, 429, { ok: false, error: "ratelimited" });
    }
    // An outage of one method, as Slack has them: a server error the client cannot retry its way out of.
    if (this.failing.has(method)) return json(res, 503, { ok: false, error: "service_unavailable" });
    const delay = this.slowness.get(method);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const call = { method, params, at: Date.now(), team: grant.team.id };
    this.calls.push(call);
    json(res, 200, this.answer(grant.team, method, params));
    this.emit("call", call);
    if (method === "apps.uninstall" && grant.revoked) void this.afterUninstall(grant.team);
  }

  /** A body posted to a response URL: shown where the command or click came from, as Slack shows it. */
  private respond(url: URL, raw: string, res: ServerResponse): void {
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
    const original = origin?.ts ? this.messages.find((m) => m.team === origin.team && m.channel === origin.channel && m.ts === origin.ts) : undefined;
    // As in Slack: a response can replace or delete the message whose button was clicked, or add one.
    if (original && body.delete_original === true) original.deleted = true;
    else if (original && body.replace_original === true) {
      Object.assign(original, content(body));
      original.updates++;
    } else if (origin) this.store({ team: origin.team, channel: origin.channel, ...(body.response_type === "in_channel" ? {} : { visibleTo: origin.user }), ...content(body) });
    this.emit("call", { method: "response_url", params: body, at: Date.now() });
    json(res, 200, { ok: true });
  }

  /** The browser arrives from the app's "Add to Slack" link; Slack sends it back with a code (or `error=access_denied`). */
  private authorizePage(url: URL, res: ServerResponse): void {
    if (!this.oauth) return void res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("this app is not distributed");
    const answer = this.oauth.authorize(url.searchParams);
    this.emit("call", { method: "oauth_authorize", params: Object.fromEntries(url.searchParams), at: Date.now() });
    if (answer.status === 302) return void res.writeHead(302, { location: answer.location }).end();
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end(answer.text);
  }

  /** `oauth.v2.access`: a new bot token for the workspace whose member approved, shaped as Slack answers. */
  private exchangeCode(authorization: string | undefined, params: Record<string, unknown>): Record<string, unknown> {
    if (!this.oauth) return { ok: false, error: "invalid_client_id" };
    const exchanged = this.oauth.exchange(authorization, params);
    this.emit("call", { method: "oauth.v2.access", params: { code: params.code, redirect_uri: params.redirect_uri }, at: Date.now() });
    if (!exchanged.ok) return { ok: false, error: exchanged.error };
    const team = this.teams.get(exchanged.grant.teamId);
    if (!team) return { ok: false, error: "invalid_code" };
    const token = `xoxb-${team.id}-${randomUUID().replaceAll("-", "")}`;
    this.botTokens.set(token, { team, revoked: false });
    this.calls.push({ method: "oauth.v2.access", params: {}, at: Date.now(), team: team.id });
    // https://docs.slack.dev/reference/methods/oauth.v2.access (example response), without a user token: no user scopes asked.
    return {
      ok: true,
      access_token: token,
      token_type: "bot",
      scope: exchanged.grant.scopes.join(","),
      bot_user_id: team.botUserId,
      app_id: this.oauth.app.appId,
      team: { id: team.id, name: team.name },
      enterprise: null,
      authed_user: { id: exchanged.grant.userId },
      is_enterprise_install: false,
    };
  }

  /** After `apps.uninstall` was answered, Slack tells the app what it did. */
  private async afterUninstall(team: Team): Promise<void> {
    if (!this.target && !this.socketMode) return;
    await this.eventIn(team, { type: "tokens_revoked", tokens: { bot: [team.botUserId] } });
    await this.eventIn(team, { type: "app_uninstalled" });
  }

  /** Carries out a call Slack accepts, or answers as Slack refuses it (and records the violation). */
  private answer(team: Team, method: string, params: Record<string, unknown>): Record<string, unknown> {
    const verdict = checkWebApiCall(method, params);
    if (!verdict.ok) {
      this.violate(method, params, verdict);
      return verdict;
    }
    try {
      return this.call(team, method, params);
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

  /** A channel named in a call, if the token's workspace may use it. */
  private channelOf(team: Team, p: Record<string, unknown>): string {
    const channel = requireString(p, "channel");
    this.claim(team, channel);
    return channel;
  }

  private call(team: Team, method: string, p: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "api.test":
        return { ok: true };
      case "auth.test":
        return { ok: true, url: `https://${team.domain}.slack.com/`, team: team.name, user: "brueckenbot", team_id: team.id, user_id: team.botUserId, bot_id: team.botId, is_enterprise_install: false };
      case "chat.postMessage": {
        const channel = this.channelOf(team, p);
        const message = this.store({ team: team.id, channel, ...content(p), ...(p.thread_ts ? { threadTs: String(p.thread_ts) } : {}) });
        return { ok: true, channel, ts: message.ts, message: { text: message.text, blocks: message.blocks, ts: message.ts } };
      }
      case "chat.postEphemeral": {
        const channel = this.channelOf(team, p);
        const message = this.store({ team: team.id, channel, visibleTo: requireString(p, "user"), ...content(p) });
        return { ok: true, message_ts: message.ts };
      }
      case "chat.update": {
        const channel = this.channelOf(team, p);
        const message = this.messages.find((m) => m.team === team.id && m.channel === channel && m.ts === String(p.ts) && !m.deleted);
        if (!message) throw new Error("message_not_found");
        Object.assign(message, content(p));
        message.updates++;
        return { ok: true, channel, ts: message.ts, text: message.text };
      }
      case "chat.delete": {
        const channel = this.channelOf(team, p);
        const message = this.messages.find((m) => m.team === team.id && m.channel === channel && m.ts === String(p.ts));
        if (!message) throw new Error("message_not_found");
        message.deleted = true;
        return { ok: true, channel: message.channel, ts: message.ts };
      }
      case "views.open":
      case "views.push": {
        requireString(p, "trigger_id");
        const view = parse<Record<string, unknown>>(p.view);
        const id = `V${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`;
        this.views.set(id, { id, team: team.id, user: String(p.user_id ?? this.lastTriggerUser ?? ""), view, kind: "modal" });
        return { ok: true, view: { id, ...view } };
      }
      case "views.update": {
        const id = String(p.view_id ?? "");
        const existing = this.views.get(id);
        if (!existing || existing.team !== team.id) throw new Error("not_found");
        existing.view = parse<Record<string, unknown>>(p.view);
        return { ok: true, view: { id, ...existing.view } };
      }
      case "views.publish": {
        const user = requireString(p, "user_id");
        const view = parse<Record<string, unknown>>(p.view);
        const id = homeId(team, user);
        this.views.set(id, { id, team: team.id, user, view, kind: "home" });
        return { ok: true, view: { id, ...view } };
      }
      case "users.info": {
        const user = team.members.get(requireString(p, "user"));
        if (!user) throw new Error("user_not_found");
        return { ok: true, user: { id: user.id, team_id: team.id, name: user.name, real_name: user.name, tz: user.tz ?? "Europe/Berlin", locale: user.locale ?? "de-DE" } };
      }
      case "conversations.members": {
        const channel = this.channelOf(team, p);
        return { ok: true, members: [...(team.channelMembers.get(channel) ?? [])], response_metadata: { next_cursor: "" } };
      }
      case "conversations.info": {
        const channel = this.channelOf(team, p);
        return { ok: true, channel: { id: channel, name: channel, is_channel: true, is_private: team.privateChannels.has(channel) } };
      }
      case "apps.uninstall": {
        // https://docs.slack.dev/reference/methods/apps.uninstall: the app's credentials and a token of the workspace.
        if (!this.oauth || p.client_id !== this.oauth.app.clientId) throw new Error("invalid_client_id");
        if (p.client_secret !== this.oauth.app.clientSecret) throw new Error("bad_client_secret");
        this.revoke(team);
        return { ok: true };
      }
      default:
        throw new Error("unknown_method");
    }
  }

  /** The member whose action handed out the latest trigger id (views.open does not name the user). */
  private lastTriggerUser: string | undefined;
  /** Where a response URL's messages appear: the workspace, channel and member of the command or click, and the message clicked. */
  private readonly responseChannels = new Map<string, { team: string; channel: string; user: string; ts?: string }>();

  private async postPayload(payload: Record<string, unknown>, options: Sending): Promise<SlackResponse> {
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

/** The id of a member's App Home view; the default workspace's keep the short form the simulator page uses. */
function homeId(team: Team, user: string): string {
  return team.id === DEFAULT_TEAM.id ? `home-${user}` : `home-${team.id}-${user}`;
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
