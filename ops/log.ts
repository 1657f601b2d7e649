import { pino, type Logger as PinoLogger, type LoggerOptions } from "pino";

export type Logger = PinoLogger;

/** Field names whose values are personal data and never reach a log line. */
const PERSONAL_FIELDS = [
  "text",
  "caption",
  "first_name",
  "last_name",
  "firstName",
  "lastName",
  "username",
  "phone_number",
  "phone",
  "note",
  "address",
  "name",
  "payload",
  "contact",
  "location",
  "photo",
  "voice",
];

/** Every personal field up to three levels deep, e.g. `update.message.text`. */
export const REDACTED_PATHS = PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]);

/**
 * The structured logger: JSON lines, personal data redacted, errors without the request payloads that
 * platform SDK errors carry.
 *
 * @example
 * const log = createLogger({ level: "info" });
 * log.info({ updateId: 42 }, "update handled");
 */
export function createLogger(options: { level: LoggerOptions["level"]; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError, error: serializeError },
      base: { service: "brueckenbot" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { error_code?: unknown; code?: unknown }).error_code ?? (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, ...(code === undefined ? {} : { code }), stack: error.stack };
}
