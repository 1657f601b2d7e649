import { describe, expect, it } from "vitest";
import { batched } from "../../core/batch.js";

describe("batched", () => {
  it("runs the calls of one turn together and gives each its own result, in order", async () => {
    const runs: number[][] = [];
    const double = batched(async (inputs: number[]) => {
      runs.push(inputs);
      return inputs.map((n) => n * 2);
    });
    const together = await Promise.all([double(1), double(2), double(3)]);
    const later = await double(4);
    expect(together).toEqual([2, 4, 6]);
    expect(later).toBe(8);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it("fails every call of a failed run, and the next run starts fresh", async () => {
    let fail = true;
    const run = batched(async (inputs: string[]) => {
      if (fail) throw new Error("database gone");
      return inputs;
    });
    const results = await Promise.allSettled([run("a"), run("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(run("c")).resolves.toBe("c");
  });

  it("a run that returns the wrong number of results fails its calls instead of mixing them up", async () => {
    const run = batched(async (inputs: number[]) => inputs.slice(1));
    await expect(Promise.all([run(1), run(2)])).rejects.toThrow("a batch of 2 returned 1 results");
  });

  it("starts a run as soon as the batch is full", async () => {
    const sizes: number[] = [];
    const run = batched(async (inputs: number[]) => {
      sizes.push(inputs.length);
      return inputs;
    }, 3);
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map(run));
    expect(sizes).toEqual([3, 3, 1]);
  });
});
