/** Learning-rate schedules: the registry keyed by `type`, its schemas, and the rates. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import {
  checkSchedule,
  learningRate,
  scheduleRegistry,
  schedules,
} from "../../src/train/schedule.js";

describe("schedules", () => {
  it("type is the registry name; factories return validated JSON values", () => {
    assert.deepEqual(scheduleRegistry.names(), ["constant", "step", "cosine"]);
    assert.deepEqual(schedules.step({ every: 2, gamma: 0.5 }), {
      type: "step",
      every: 2,
      gamma: 0.5,
    });
    assert.deepEqual(schedules.cosine(), { type: "cosine" });
    assert.deepEqual(JSON.parse(JSON.stringify(schedules.constant({ warmupSteps: 4 }))), {
      warmupSteps: 4,
      type: "constant",
    });
  });

  it("factories reject bad and unknown options through the registry's schemas", () => {
    assert.throws(
      () => schedules.step({ every: 1, evry: 2 } as never),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        e.message ===
          'schedule "step": unknown option "evry" (did you mean "every"?). Known options: every, gamma, warmupSteps.',
    );
    assert.throws(
      () => schedules.cosine({ minLr: -1 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message === 'schedule "cosine": option "minLr": expected a number >= 0, received -1.',
    );
    assert.throws(
      () => schedules.step({} as never),
      (e: unknown) => e instanceof ConfigError && e.field === "every",
    );
  });

  it("checkSchedule rejects non-objects and unknown types, names included", () => {
    assert.throws(
      () => checkSchedule("step", { where: "fit", prefix: "schedule" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.field === "schedule" &&
        /expected \{ type: "constant" \| "step" \| "cosine", \.\.\. \}, received "step"/.test(
          e.message,
        ),
    );
    for (const type of ["constructor", "__proto__", "linear"])
      assert.throws(
        () => checkSchedule({ type }),
        (e: unknown) =>
          e instanceof UnknownNameError &&
          /Known schedule names: constant, step, cosine/.test(e.message),
        type,
      );
  });

  it("rates: step decay, cosine to minLr, linear warm-up", () => {
    const step = schedules.step({ every: 2, gamma: 0.5 });
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((epoch) => learningRate(1, step, 0, epoch, 10)),
      [1, 1, 0.5, 0.5, 0.25],
    );
    const cos = schedules.cosine({ minLr: 0.1 });
    assert.equal(learningRate(1, cos, 0, 0, 10), 1);
    assert.ok(Math.abs(learningRate(1, cos, 5, 0, 10) - 0.55) < 1e-12);
    assert.ok(Math.abs(learningRate(1, cos, 10, 0, 10) - 0.1) < 1e-12);
    const warm = schedules.constant({ warmupSteps: 4 });
    assert.deepEqual(
      [0, 1, 3, 4].map((s) => learningRate(2, warm, s, 0, 10)),
      [0.5, 1, 2, 2],
    );
    assert.equal(learningRate(3, undefined, 7, 2, 10), 3);
  });
});
