import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { liveView, resetPlotlyLoader, setHost } from "../../src/notebook/index.js";
import type { TrainBeginEvent } from "../../src/train/events.js";
import { fakeHistory } from "../viz/fixtures.js";
import { StubHost, figureOf } from "./stub-host.js";

const TASKS = ["digits", "fashion"];
const begin = (epochs: number, stepsPerEpoch: number): TrainBeginEvent => ({
  tasks: TASKS,
  epochs,
  stepsPerEpoch,
  backend: "cpu (test)",
  config: { epochs },
});

/** Drives a listener like the training loop would: `epochs` x `steps`, `msPerStep` apart. */
async function simulate(
  view: ReturnType<typeof liveView>,
  clock: { t: number },
  epochs: number,
  steps: number,
  msPerStep: number,
) {
  const history = fakeHistory(TASKS, epochs);
  await view.onTrainBegin?.(begin(epochs, steps));
  let step = 0;
  for (let e = 0; e < epochs; e++) {
    for (let s = 0; s < steps; s++) {
      clock.t += msPerStep;
      step += 1;
      await view.onStep?.({
        step,
        epoch: e,
        stepInEpoch: s,
        stepsPerEpoch: steps,
        losses: { digits: 1 / step, fashion: 2 / step },
        weights: { digits: 1, fashion: 1 },
        ...(step % 5 === 0
          ? {
              gradientCosine: [
                [1, -0.2],
                [-0.2, 1],
              ],
            }
          : {}),
      });
    }
    await view.onEpochEnd?.(history[e]!);
  }
  await view.onTrainEnd?.({ history, reason: "completed" });
  return history;
}

describe("liveView in a notebook", () => {
  beforeEach(() => resetPlotlyLoader());
  afterEach(() => setHost(undefined));

  it("a 20-epoch run makes one display and updates it in place, not 20 displays", async () => {
    const host = new StubHost();
    setHost(host);
    const clock = { t: 0 };
    const view = liveView({ now: () => clock.t });
    await simulate(view, clock, 20, 3, 10); // short epochs: 30 ms each
    const figures = host.figures();
    const fresh = figures.filter((f) => f.opts.update !== true);
    assert.equal(fresh.length, 1, "one display");
    assert.equal(host.loaders().length, 1);
    const ids = new Set(figures.map((f) => f.opts.displayId));
    assert.deepEqual([...ids], [view.displayId]);
    // begin + 20 epoch ends + end; no in-epoch refreshes (epochs are shorter than 2 s)
    assert.equal(figures.length, 22);
    assert.equal(view.displays, 1);
    assert.equal(view.updates, 21);
    const last = figures.at(-1)!.bundle;
    assert.match(String(last["text/plain"]), /done after 20 epochs/);
    // no plotly JSON part: the jupyterlab-plotly renderer would freeze on the first one
    assert.ok(!("application/vnd.plotly.v1+json" in last));
    const json = figureOf(last) as unknown as { data: { x: number[] }[] };
    assert.equal(json.data[0]!.x.length, 20);
    assert.match(String(last["image/svg+xml"]), /^<svg /);
  });

  it("long epochs refresh at most every 2 s with a provisional running-loss point", async () => {
    const host = new StubHost();
    setHost(host);
    const clock = { t: 0 };
    const view = liveView({ now: () => clock.t });
    await simulate(view, clock, 2, 100, 100); // 10 s per epoch
    const figures = host.figures();
    const inEpoch = figures.filter((f) => /in progress/.test(String(f.bundle["text/plain"])));
    assert.ok(inEpoch.length >= 8 && inEpoch.length <= 10, `${inEpoch.length} in-epoch refreshes`);
    assert.equal(figures.filter((f) => f.opts.update !== true).length, 1);
    const mid = figureOf(inEpoch[0]!.bundle) as unknown as {
      data: { name: string; y: number[] }[];
    };
    assert.ok(mid.data.some((t) => t.name === "loss (train)" && t.y.length === 1));
    const meta = view.meta();
    assert.equal(meta.steps!.filter((s) => s.gradientCosine).length, 40);
    assert.deepEqual(meta.tasks, TASKS);
  });
});

describe("liveView in a terminal", () => {
  it("plain lines when not a TTY: a begin line, one per epoch, an end line", async () => {
    const out: string[] = [];
    const clock = { t: 0 };
    const view = liveView({
      stream: { write: (s: string) => out.push(s), isTTY: false },
      now: () => clock.t,
    });
    await simulate(view, clock, 3, 10, 50);
    const text = out.join("");
    assert.ok(!text.includes("\r"), "no carriage returns in logs");
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.length, 5);
    assert.match(
      lines[0]!,
      /Training 2 tasks \(digits, fashion\) for 3 epochs × 10 steps on cpu \(test\)/,
    );
    assert.match(
      lines[1]!,
      /^epoch 1\/3 · .* · digits loss 2 acc 0\.3333 \| val loss 2\.2 acc 0\.2667 · fashion/,
    );
    assert.match(lines[4]!, /^Training done: 3 epochs in 1\.5s/);
  });

  it("a progress bar redrawn in place on a TTY, per-task losses, throttled", async () => {
    const out: string[] = [];
    const clock = { t: 0 };
    const view = liveView({
      stream: { write: (s: string) => out.push(s), isTTY: true, columns: 200 },
      now: () => clock.t,
    });
    await simulate(view, clock, 1, 50, 20); // 1 s epoch, redraw every 100 ms
    const bars = out.filter((s) => s.startsWith("\r\x1b[K") && /\[[#.]{20}\]/.test(s));
    assert.ok(bars.length >= 9 && bars.length <= 12, `${bars.length} redraws`);
    assert.match(
      bars.at(-1)!,
      /epoch 1\/1 \[#{20}\] 100% 50\/50 · .* step\/s · ETA .* · digits [\d.]+ · fashion [\d.]+/,
    );
    assert.ok(out.join("").includes("\r\x1b[Kepoch 1/1 · "));
  });

  it("many tasks put one task per line", async () => {
    const { epochLines } = await import("../../src/notebook/progress.js");
    const tasks = Array.from({ length: 12 }, (_, i) => `task${i}`);
    const lines = epochLines(fakeHistory(tasks, 1)[0]!, 5, 100);
    assert.equal(lines.length, 13);
    assert.match(lines[1]!, /^ {2}task0 loss/);
  });
});
