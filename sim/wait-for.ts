import type { EventEmitter } from "node:events";

/**
 * The first truthy result of `check`, tried at once and again on every `event` of `emitter`; rejects after
 * `timeoutMs` naming `what` was awaited.
 */
export async function waitForEvent<T>(emitter: EventEmitter, event: string, check: () => T | undefined | false | null, timeoutMs: number, what: string): Promise<T> {
  const first = check();
  if (first) return first;
  return new Promise<T>((resolve, reject) => {
    const onEvent = () => {
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
      emitter.off(event, onEvent);
    };
    emitter.on(event, onEvent);
  });
}
