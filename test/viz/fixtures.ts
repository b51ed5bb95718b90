/** Fixed, hand-made epoch logs for the figure tests (no training). */
import type { EpochLog } from "../../src/train/events.js";

/** `n` tasks named t0..t{n-1} (or the given names), `epochs` epochs, classification metrics. */
export function fakeHistory(tasks: readonly string[], epochs: number, withVal = true): EpochLog[] {
  const out: EpochLog[] = [];
  for (let e = 0; e < epochs; e++) {
    const log: Record<string, number> = { epoch: e, step: (e + 1) * 100, time: e * 2.5, lr: 1e-3 };
    let total = 0;
    tasks.forEach((t, i) => {
      const loss = 2 / (1 + e + i * 0.1);
      total += loss;
      log[`loss/${t}`] = loss;
      log[`accuracy/${t}`] = 1 - loss / 3;
      log[`weight/${t}`] = 1 + 0.1 * i - 0.02 * e;
      if (withVal) {
        log[`val/${t}/loss`] = loss * 1.1;
        log[`val/${t}/accuracy`] = 1 - (loss * 1.1) / 3;
      }
    });
    log.loss = total;
    if (withVal) log["val/mean/accuracy"] = 0.5 + e * 0.01;
    out.push({ ...log, epoch: e });
  }
  return out;
}

export function taskNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `task${i}`);
}
