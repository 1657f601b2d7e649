type Waiting<I, O> = { input: I; resolve: (output: O) => void; reject: (error: unknown) => void };

/**
 * Runs the calls that arrive together as one: every call made before the event loop next turns joins
 * the same `run`, which gets all inputs and returns one output for each, in order. For the statements
 * every update runs: forty updates arriving at once then cost one round trip and one commit, not forty.
 * A failed run fails each of its calls.
 *
 * @example
 * const insert = batched((rows: Row[]) => insertRows(db, rows));
 * const id = await insert(row); // alone, or with whatever else is inserted in this turn
 */
export function batched<I, O>(run: (inputs: I[]) => Promise<O[]>, maxSize = 500): (input: I) => Promise<O> {
  let waiting: Waiting<I, O>[] = [];
  const flush = async () => {
    const batch = waiting;
    if (batch.length === 0) return; // already run when it was full
    waiting = [];
    try {
      const outputs = await run(batch.map((w) => w.input));
      if (outputs.length !== batch.length) throw new Error(`a batch of ${batch.length} returned ${outputs.length} results`);
      batch.forEach((w, i) => w.resolve(outputs[i] as O));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  };
  return (input) =>
    new Promise<O>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(() => void flush());
      waiting.push({ input, resolve, reject });
      if (waiting.length >= maxSize) void flush();
    });
}
