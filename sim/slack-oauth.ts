import { randomBytes } from "node:crypto";

/** The Slack app as Slack knows it: its credentials, and where installers are sent back to unless the request names a URL. */
export type OAuthApp = { clientId: string; clientSecret: string; appId: string; redirectUri?: string };

/** What the member in the browser answers on Slack's consent screen, and as whom (workspace and user). */
export type Consent = { teamId: string; userId: string; decision: "allow" | "deny" };

/** A granted installation, handed over for a code: whose workspace, who approved, which scopes. */
export type Grant = { teamId: string; userId: string; scopes: string[] };

/** The browser's next step: a redirect, or a page Slack shows instead (a broken link). */
export type AuthorizeAnswer = { status: 302; location: string } | { status: 400; text: string };

/** Slack's authorization codes expire after ten minutes (installing-with-oauth, step 3). */
export const CODE_LIFETIME_MS = 10 * 60_000;

/**
 * The authorization-server half of Slack's OAuth v2 ("Installing with OAuth",
 * https://docs.slack.dev/authentication/installing-with-oauth): `GET /oauth/v2/authorize` sends the browser
 * back to the app with a short-lived, single-use `code` (or `error=access_denied`), and `oauth.v2.access`
 * exchanges that code for the grant (https://docs.slack.dev/reference/methods/oauth.v2.access: client id and
 * secret by HTTP Basic auth or as form fields; `redirect_uri` must match the one of the authorize request;
 * errors `invalid_client_id`, `bad_client_secret`, `invalid_code`, `bad_redirect_uri`).
 */
export class SlackOAuth {
  private consent: Consent | undefined;
  private readonly codes = new Map<string, Grant & { redirectUri: string | undefined; expiresAt: number }>();

  constructor(
    readonly app: OAuthApp,
    private readonly codeLifetimeMs = CODE_LIFETIME_MS,
  ) {}

  /** Who is signed in to Slack in the browser that follows the app's "Add to Slack" link, and what they click. */
  signIn(consent: Consent): void {
    this.consent = consent;
  }

  /** `GET /oauth/v2/authorize?client_id&scope&redirect_uri&state`. */
  authorize(query: URLSearchParams, now = Date.now()): AuthorizeAnswer {
    if (query.get("client_id") !== this.app.clientId) return { status: 400, text: "invalid_client_id" };
    const scopes = (query.get("scope") ?? "").split(",").filter(Boolean);
    if (scopes.length === 0) return { status: 400, text: "invalid_scope" };
    const asked = query.get("redirect_uri") ?? undefined;
    const target = asked ?? this.app.redirectUri;
    if (!target) return { status: 400, text: "bad_redirect_uri" };
    if (!this.consent) return { status: 400, text: "nobody is signed in to Slack in this browser: call authorizeAs(teamId, userId) first" };
    const back = new URL(target);
    const state = query.get("state");
    if (this.consent.decision === "deny") {
      back.searchParams.set("error", "access_denied");
    } else {
      const code = `${Date.now()}.${randomBytes(16).toString("hex")}`;
      this.codes.set(code, { teamId: this.consent.teamId, userId: this.consent.userId, scopes, redirectUri: asked, expiresAt: now + this.codeLifetimeMs });
      back.searchParams.set("code", code);
    }
    if (state !== null) back.searchParams.set("state", state);
    return { status: 302, location: back.toString() };
  }

  /** `oauth.v2.access`: the grant for a code, once; or Slack's error. */
  exchange(authorization: string | undefined, params: Record<string, unknown>, now = Date.now()): { ok: true; grant: Grant } | { ok: false; error: string } {
    const basic = /^Basic (.+)$/.exec(authorization ?? "")?.[1];
    const [basicId, ...secretParts] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":") : [];
    const clientId = basicId ?? stringOf(params.client_id);
    const clientSecret = basic ? secretParts.join(":") : stringOf(params.client_secret);
    if (clientId !== this.app.clientId) return { ok: false, error: "invalid_client_id" };
    if (clientSecret !== this.app.clientSecret) return { ok: false, error: "bad_client_secret" };
    const code = stringOf(params.code) ?? "";
    const granted = this.codes.get(code);
    // Used once, whatever happens next: a code that was tried is gone.
    this.codes.delete(code);
    if (!granted || granted.expiresAt < now) return { ok: false, error: "invalid_code" };
    if (granted.redirectUri !== undefined && stringOf(params.redirect_uri) !== granted.redirectUri) return { ok: false, error: "bad_redirect_uri" };
    return { ok: true, grant: { teamId: granted.teamId, userId: granted.userId, scopes: granted.scopes } };
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
