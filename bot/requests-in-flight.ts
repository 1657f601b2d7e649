import type { NextFunction, Request, Response } from "express";

/** How long work after acknowledgements waits for a burst of requests to be acknowledged, at most. */
export const ACKS_FIRST_MS = 1500;

/**
 * Slack requests that came in and are not answered yet. `settled()` resolves once none is – or, while they
 * keep coming, once they have for `maxWaitMs` (from then on the work runs beside them, as it would
 * without this).
 */
export function requestsInFlight(maxWaitMs = ACKS_FIRST_MS) {
  let open = 0;
  let busySince: number | undefined;
  let waiting: (() => void)[] = [];
  const release = () => {
    busySince = undefined;
    const resolve = waiting;
    waiting = [];
    for (const r of resolve) r();
  };
  return {
    count: (_req: Request, res: Response, next: NextFunction) => {
      open++;
      let left = false;
      const leave = () => {
        if (left) return;
        left = true;
        if (--open === 0) release();
      };
      res.on("finish", leave);
      res.on("close", leave);
      next();
    },
    settled: (): Promise<void> => {
      if (open === 0) return Promise.resolve();
      busySince ??= Date.now();
      const left = busySince + maxWaitMs - Date.now();
      if (left <= 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, left).unref();
      });
    },
  };
}

