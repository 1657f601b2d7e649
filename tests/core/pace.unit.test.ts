import { describe, expect, it } from "vitest";
import { sendingPace, slidingWindow } from "../../jobs/outbound-telegram.js";

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

describe("sliding window of one process's sends", () => {
  const answerAfter = (ms: number) => () => new Promise<void>((resolve) => setTimeout(resolve, ms));

  it("lets no window hold more than the limit, however the sends bunch up", async () => {
    const window = slidingWindow(3, 100);
    const started = performance.now();
    const times: number[] = [];
    const sendAndNote = () => window.send(async () => times.push(performance.now() - started));
    await Promise.all(Array.from({ length: 9 }, sendAndNote));
    expect(times).toHaveLength(9);
    // The first three at once, then each waits for the send three places before it to be 100 ms old.
    for (let i = 3; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 3] ?? 0)).toBeGreaterThanOrEqual(99);
    expect(times[2] ?? 0).toBeLessThan(50);
  });

  it("counts a send from Telegram's answer: one slow on its way holds back the send a limit after it", async () => {
    // Telegram may have received the slow send only just before it answered; the send three places later
    // must reach it a window after that, not a window after the slow one left.
    const window = slidingWindow(3, 100);
    const started = performance.now();
    let slowAnswered = 0;
    const left: number[] = [];
    const send = (answerMs: number) =>
      window.send(async () => {
        left.push(performance.now() - started);
        await answerAfter(answerMs)();
        return performance.now() - started;
      });
    const answers = await Promise.all([send(80).then((t) => (slowAnswered = t)), send(0), send(0), send(0)]);
    expect(answers).toHaveLength(4);
    expect(left[3] ?? 0).toBeGreaterThanOrEqual(slowAnswered + 99);
  });

  it("a call that never answers holds back the send a limit after it only for a while", async () => {
    const window = slidingWindow(1, 50, 100);
    void window.send(() => new Promise<void>(() => undefined));
    const started = performance.now();
    await window.send(async () => undefined);
    const waited = performance.now() - started;
    // Its answer waited for (100 ms), then a window from then (50 ms).
    expect(waited).toBeGreaterThanOrEqual(145);
    expect(waited).toBeLessThan(2000);
  });

  it("a failed call frees its place as an answered one does", async () => {
    const window = slidingWindow(1, 50);
    await expect(window.send(() => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    const started = performance.now();
    await window.send(async () => undefined);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(45);
    expect(waited).toBeLessThan(1000);
  });

  it("after a 429 holds back every send for Telegram's pause, those already waiting too", async () => {
    const window = slidingWindow(30, 1000);
    await window.send(async () => undefined);
    window.pause(200);
    const started = performance.now();
    await Promise.all([window.send(async () => undefined), window.send(async () => undefined)]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(199);
  });
});
