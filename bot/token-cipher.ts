import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const ALGORITHM = "aes-256-gcm";
/** GCM's recommended nonce length; a fresh random one for every token. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = "v1";

/** Encrypts and decrypts the Slack bot tokens kept in the database. */
export type TokenCipher = {
  /** `v1.<iv>.<ciphertext>.<tag>` (base64url), bound to `context` (the workspace id): it decrypts for that workspace only. */
  encrypt: (token: string, context: string) => string;
  /** The token, or an exception when the key, the context or a single byte is wrong (GCM authenticates). */
  decrypt: (sealed: string, context: string) => string;
};

/**
 * AES-256-GCM under a 32-byte key (`SLACK_TOKEN_KEY`). The workspace id is authenticated with each token, so a
 * sealed token copied to another workspace's row does not decrypt.
 *
 * @example
 * const cipher = tokenCipher(randomBytes(32));
 * const sealed = cipher.encrypt("xoxb-…", "T0123");
 * cipher.decrypt(sealed, "T0123"); // "xoxb-…"
 */
export function tokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32) throw new Error("an AES-256 key has 32 bytes");
  return {
    encrypt: (token, context) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
      return [VERSION, iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
    },
    decrypt: (sealed, context) => {
      const [version, iv, ciphertext, tag] = sealed.split(".");
      if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined) throw new Error("not a sealed token");
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}

/**
 * A 32-byte key written as 64 hex digits or as base64 (44 characters, or 43 without padding); undefined otherwise.
 *
 * @example
 * parseTokenKey(randomBytes(32).toString("base64")); // a 32-byte Buffer
 */
export function parseTokenKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)
      ? Buffer.from(trimmed.replaceAll("-", "+").replaceAll("_", "/"), "base64")
      : undefined;
  return key?.length === 32 ? key : undefined;
}
