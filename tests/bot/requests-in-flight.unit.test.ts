import { EventEmitter } from "node:events";
import type { NextFunction, Request, Response } from "express";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { requestsInFlight } from "../../bot/requests-in-flight.js";

/** A request arriving: counted, and answered when the returned function is called. */
function arrive(gate: ReturnType<typeof requestsInFlight>): () => void {
  const res = new EventEmitter();
  gate.count({} as Request, res as unknown as Response, (() => undefined) as NextFunction);
  return () => res.emit("finish");
}

const state = async (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
};

describe("work after acknowledgements waits for a burst to be acknowledged", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("goes at once when nothing is arriving", async () => {
    expect(await state(requestsInFlight(1500).settled())).toBe(true);
  });

  it("waits while requests are unanswered, and goes when the last is answered", async () => {
    const gate = requestsInFlight(1500);
    const answers = [arrive(gate), arrive(gate)];
    const work = gate.settled();
    expect(await state(work)).toBe(false);
    answers[0]?.();
    expect(await state(work)).toBe(false);
    answers[1]?.();
    expect(await state(work)).toBe(true);
  });

  it("while requests keep coming, waits at most the bound, and then no longer", async () => {
    const gate = requestsInFlight(1500);
    arrive(gate);
    const first = gate.settled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await state(first)).toBe(false);
    arrive(gate);
    await vi.advanceTimersByTimeAsync(500);
    expect(await state(first)).toBe(true);
    // The same busy stretch: later work is not held again.
    expect(await state(gate.settled())).toBe(true);
  });

  it("a response that closes without finishing is counted once", async () => {
    const gate = requestsInFlight(1500);
    const res = new EventEmitter();
    gate.count({} as Request, res as unknown as Response, (() => undefined) as NextFunction);
    res.emit("finish");
    res.emit("close");
    arrive(gate);
    expect(await state(gate.settled())).toBe(false);
  });
});
