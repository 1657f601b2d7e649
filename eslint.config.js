import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "generated/", "dist/", "tests/artifacts/", "sim/public/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The domain stays free of the platforms and the queue: it is testable without any of them.
    files: ["core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["grammy", "grammy/*", "@grammyjs/*"], message: "core/ must not depend on grammY" },
            { group: ["@slack/*"], message: "core/ must not depend on Bolt" },
            { group: ["bullmq", "ioredis"], message: "core/ must not depend on the queues" },
            { group: ["../bot/*", "../handlers/*", "../jobs/*", "../sim/*"], message: "imports point inward: core/ imports none of these" },
          ],
        },
      ],
    },
  },
  {
    // Handlers translate platform input into core calls: no SQL, no queues.
    files: ["handlers/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["bullmq", "ioredis", "../../jobs/*"], message: "handlers/ do not call queues" },
            { group: ["../../generated/*", "@prisma/*"], message: "handlers/ do not touch the database directly" },
          ],
        },
      ],
    },
  },
  {
    files: ["bot/**/*.ts", "core/**/*.ts", "handlers/**/*.ts", "jobs/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "only bot/config.ts reads process.env",
        },
        {
          selector: "CallExpression[callee.property.name='$transaction']",
          message: "use transaction() from core/db.ts: what a transaction writes to the outbox is queued when it commits",
        },
      ],
    },
  },
  {
    // Core speaks in domain intents: no Telegram button protocol, no queue names, no hidden wiring.
    files: ["core/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: "only bot/config.ts reads process.env" },
        { selector: "CallExpression[callee.property.name='$transaction']", message: "use db.transaction(): what a transaction writes to the outbox is queued when it commits" },
        {
          selector: "Literal[value=/^(offer|menu|req|relay|done|hours|lang|consent|data|cp):/]",
          message: "callback data belongs to the Telegram layer (handlers/telegram/callback-data.ts): core uses ButtonAction",
        },
        {
          selector: "Literal[value=/^(dispatch|meetings|polls|slack-refresh|outbound-telegram|outbound-slack|digest|retention|outbox-sweep)$/]",
          message: "queue names belong to jobs/: core asks to be woken (wakeAt)",
        },
        { selector: "NewExpression[callee.name=/^Weak(Map|Set)$/]", message: "no hidden wiring: pass what a function needs (a Database, a bound core)" },
      ],
    },
  },
  {
    files: ["bot/config.ts", "bot/database.ts", "core/db.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
