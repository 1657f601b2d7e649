import { describe, expect, it } from "vitest";
import { sendingPace } from "../../jobs/outbound-telegram.js";

describe("sending pace", () => {
  it.each([30, 29, 25, 20, 10, 3, 1])("never lets a sliding second hold more than %i messages, even with 30 ms of jitter", (rate) => {
    const { max, duration } = sendingPace(rate);
    // The worst case: each window's messages leave at its start, and one window's late by the jitter.
    const sends: number[] = [];
    for (let window = 0; window < 200; window++) for (let i = 0; i < max; i++) sends.push(window * duration + (window % 7 === 0 ? 30 : 0));
    sends.sort((a, b) => a - b);
    let most = 0;
    for (const start of sends) most = Math.max(most, sends.filter((t) => t >= start && t < start + 1000).length);
    expect(most).toBeLessThanOrEqual(rate);
    // And not much slower than allowed.
    expect((max * 1000) / duration).toBeGreaterThan(rate * 0.95);
  });
});
