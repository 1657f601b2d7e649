import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METHOD_NAMES, METHODS, OPAQUE_TYPES, TYPE_SENTENCES, TYPES, type FieldSpec } from "../../sim/telegram-spec/bot-api.js";

/**
 * Compares the emulator's table of the Bot API with the machine-readable spec (api.json of
 * PaulSonOfLars/telegram-bot-api-spec, see sim/telegram-spec/README.md). The spec is not part of the
 * repository: point TELEGRAM_BOT_API_SPEC at a copy to run this; without it the test is skipped.
 */
type SpecField = { name: string; types: string[]; required: boolean; description: string };
type Spec = {
  version: string;
  methods: Record<string, { fields?: SpecField[] }>;
  types: Record<string, { fields?: SpecField[]; subtypes?: string[]; description?: string[] }>;
};

const path = process.env.TELEGRAM_BOT_API_SPEC ?? "";
const spec = path !== "" && existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Spec) : undefined;

const written = (f: SpecField) => `${f.required ? "required " : ""}${f.types.join(" or ")}`;
const typeOf = (field: FieldSpec) => (typeof field === "string" ? field : field.type);

function expectSameFields(owner: string, ours: Readonly<Record<string, FieldSpec>>, theirs: SpecField[]): void {
  expect(Object.keys(ours), owner).toEqual(theirs.map((f) => f.name));
  for (const f of theirs) {
    const field = ours[f.name];
    if (field === undefined) continue;
    expect(typeOf(field), `${owner}.${f.name}`).toBe(written(f));
    if (typeof field !== "string" && "says" in field) expect(f.description, `${owner}.${f.name}`).toContain(field.says);
    if (typeof field !== "string" && "is" in field) expect(f.description, `${owner}.${f.name}`).toMatch(new RegExp(`must be \\*?${field.is}\\*?$`));
  }
}

describe.skipIf(spec === undefined)("the emulator's Bot API table against the spec", () => {
  const { methods, types, version } = spec ?? { methods: {}, types: {}, version: "" };

  it("follows the spec's version and knows every method", () => {
    expect(version).toBe("Bot API 10.1");
    expect(METHOD_NAMES).toEqual(Object.keys(methods));
  });

  it("has every parameter of the methods it serves, with the spec's types and limits", () => {
    for (const [method, params] of Object.entries(METHODS)) expectSameFields(method, params, methods[method]?.fields ?? []);
  });

  it("has every field of the types it checks, and their rules in the spec's words", () => {
    for (const [name, type] of Object.entries(TYPES)) {
      if (typeof type === "string") expect(type.split(" or "), name).toEqual(types[name]?.subtypes);
      else expectSameFields(name, type, types[name]?.fields ?? []);
    }
    for (const [name, sentence] of Object.entries(TYPE_SENTENCES)) expect(types[name]?.description?.join(" "), name).toContain(sentence);
    for (const name of OPAQUE_TYPES) expect(types[name], name).toBeDefined();
  });
});
