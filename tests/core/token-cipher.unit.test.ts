import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseTokenKey, tokenCipher } from "../../bot/token-cipher.js";

const TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";

describe("Slack bot tokens at rest (AES-256-GCM under SLACK_TOKEN_KEY)", () => {
  const key = randomBytes(32);
  const cipher = tokenCipher(key);

  it("what is stored holds no trace of the token, differs every time, and gives the token back", () => {
    const sealed = cipher.encrypt(TOKEN, "T0AHLEN");
    const again = cipher.encrypt(TOKEN, "T0AHLEN");
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(TOKEN);
    expect(sealed).not.toContain("xoxb");
    for (const part of TOKEN.split("-")) expect(sealed).not.toContain(part);
    expect(sealed).not.toContain(Buffer.from(TOKEN).toString("base64url").slice(0, 16));
    expect(again).not.toBe(sealed);
    expect(cipher.decrypt(sealed, "T0AHLEN")).toBe(TOKEN);
    expect(cipher.decrypt(again, "T0AHLEN")).toBe(TOKEN);
  });

  it("a wrong key, another workspace's row or a changed byte does not decrypt", () => {
    const sealed = cipher.encrypt(TOKEN, "T0AHLEN");
    expect(() => tokenCipher(randomBytes(32)).decrypt(sealed, "T0AHLEN")).toThrow();
    expect(() => cipher.decrypt(sealed, "T0ENNIGER")).toThrow();
    const [version, iv, body, tag] = sealed.split(".");
    const flipped = Buffer.from(body ?? "", "base64url");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => cipher.decrypt([version, iv, flipped.toString("base64url"), tag].join("."), "T0AHLEN")).toThrow();
    expect(() => cipher.decrypt(TOKEN, "T0AHLEN")).toThrow("not a sealed token");
  });

  it("takes the key as 64 hex digits or base64, and nothing shorter", () => {
    expect(parseTokenKey(key.toString("hex"))).toEqual(key);
    expect(parseTokenKey(key.toString("base64"))).toEqual(key);
    expect(parseTokenKey(key.toString("base64url"))).toEqual(key);
    expect(parseTokenKey(randomBytes(16).toString("base64"))).toBeUndefined();
    expect(parseTokenKey("correct horse battery staple correct horse b")).toBeUndefined();
    expect(() => tokenCipher(randomBytes(16))).toThrow();
  });
});
