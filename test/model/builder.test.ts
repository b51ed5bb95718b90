import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { type Model, model } from "../../src/api/model.js";
import type { Run } from "../../src/api/run.js";
import type { MultiTaskPair } from "../../src/data/sources/multi-mnist.js";
import { ConfigError, DataError, UnknownNameError } from "../../src/errors.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { Network } from "../../src/model/network.js";
import { toyImages, toyTasks, useCpu } from "../train/helpers.js";

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2
  ? true
  : false;
const expectType = <T extends true>(_: T) => {};

describe("model builder", () => {
  before(useCpu);
  const base = model({ input: [8] }).backbone(mlp({ units: [16] }));

  it("returns a new value on every call and never mutates the receiver", () => {
    const a = base.head("cls", classifier(2));
    const b = a.head("reg", regression(1));
    assert.notEqual(a, b);
    assert.deepEqual(a.tasks, ["cls"]);
    assert.deepEqual(b.tasks, ["cls", "reg"]);
    // re-running the "same cell" from the same value gives an equal model, not a doubled head
    const again = base.head("cls", classifier(2));
    assert.deepEqual(again.toJSON(), a.toJSON());
    assert.ok(Object.isFrozen(a));
    assert.ok(Object.isFrozen(a.def.heads));
    const frozen = a.freeze("backbone");
    assert.equal(a.def.freeze.length, 0);
    assert.equal(frozen.def.freeze.length, 1);
  });

  it("carries task names as a literal union (type tests)", async () => {
    const m = base.head("digits", classifier(10)).head("fashion", classifier(10));
    expectType<Equal<typeof m, Model<"digits" | "fashion">>>(true);
    expectType<Equal<ReturnType<typeof m.withoutHead<"digits">>, Model<"fashion">>>(true);
    const { cls } = toyTasks(8);
    const typed = base.head("cls", classifier(2));
    await assert.rejects(
      // @ts-expect-error misspelt task: a compile error, and a runtime error listing the tasks
      typed.fit({ clss: cls }),
      (e: unknown) => e instanceof UnknownNameError && /Known task names: cls/.test(e.message),
    );
    // @ts-expect-error "freeze" accepts task names, parts and globs; a number is not one
    assert.throws(() => typed.freeze(3).toJSON());
    // a spread MultiMNIST group type-checks (its type carries the non-enumerable `pairs`)
    const pair = base.head("left", classifier(10)).head("right", classifier(10));
    const fitSpread = (d: MultiTaskPair) => pair.fit({ ...d });
    const evaluateSpread = (d: MultiTaskPair) => pair.evaluate({ ...d });
    expectType<Equal<ReturnType<typeof fitSpread>, Promise<Run<"left" | "right">>>>(true);
    assert.equal(typeof evaluateSpread, "function");
    // ...while a dataset under a key that is no task is still a compile error
    // @ts-expect-error misspelt task inside a spread
    const misspelt = (d: MultiTaskPair) => pair.fit({ ...d, rigth: d.right });
    assert.equal(typeof misspelt, "function");
  });

  it("rejects a duplicate head, a bad name and a non-head", () => {
    const a = base.head("cls", classifier(2));
    assert.throws(() => a.head("cls", classifier(3)), ConfigError);
    assert.throws(() => a.head("", classifier(3)), ConfigError);
    // @ts-expect-error not a head
    assert.throws(() => a.head("x", { units: 3 }), ConfigError);
    assert.throws(() => model({ input: [0] }), ConfigError);
    assert.throws(() => classifier(0), ConfigError);
  });

  it("rejects unknown keys of model(args) and head options, and bad adapters", () => {
    assert.throws(
      () => model({ inputs: [8] } as never),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        /^model\(args\): unknown option "inputs" \(did you mean "input"\?\)\. Known options: input\.$/.test(
          e.message,
        ),
    );
    assert.throws(
      () => base.head("cls", classifier(2), { adaptor: "dense" } as never),
      (e: unknown) => e instanceof UnknownNameError && e.field === "adaptor",
    );
    assert.throws(
      () => base.head("cls", classifier(2), { adapter: "conv" as "dense" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.task === "cls" &&
        e.message ===
          'head("cls", h, opts): option "adapter": expected one of "auto", "image", "dense", received "conv".',
    );
  });

  it("fails fit with a typed error for a missing backbone, wrong shapes and bad labels", async () => {
    const { cls, reg } = toyTasks(16);
    await assert.rejects(
      model({ input: [8] })
        .head("cls", classifier(2))
        .fit({ cls }),
      ConfigError,
    );
    const wrongShape = model({ input: [4] })
      .backbone(mlp())
      .head("cls", classifier(2));
    await assert.rejects(
      wrongShape.fit({ cls }),
      (e: unknown) => e instanceof DataError && e.task === "cls" && /\[8\]/.test(e.message),
    );
    const small = base.head("cls", classifier(1));
    await assert.rejects(
      small.fit({ cls }),
      (e: unknown) => e instanceof DataError && e.field === "numClasses",
    );
    const kind = base.head("reg", classifier(2));
    await assert.rejects(
      kind.fit({ reg }),
      (e: unknown) => e instanceof DataError && e.field === "labelKind",
    );
    await assert.rejects(base.head("cls", classifier(2)).fit({}), ConfigError);
  });

  it("freezes by part, task and glob; frozen parameters do not change", async () => {
    const m = base.head("cls", classifier(2)).head("reg", regression(1));
    const net = await Network.build(m.freeze("backbone", "reg").def, 0);
    const names = net.trainableParams().map((p) => p.name);
    net.dispose();
    assert.deepEqual(names, ["head/cls/out/kernel", "head/cls/out/bias"]);
    const net2 = await Network.build(m.freeze("backbone").unfreeze("backbone/dense0/bias").def, 0);
    assert.ok(net2.trainableParams().some((p) => p.name === "backbone/dense0/bias"));
    net2.dispose();
    const { cls, reg } = toyTasks(32);
    const n0 = tf.memory().numTensors;
    const run = await m.freeze("backbone").fit({ cls, reg }, { epochs: 1, batchSize: 16 });
    const start = await Network.build(m.def, 0);
    const before = await start.snapshot();
    start.dispose();
    const after = run.model.def.weights;
    assert.deepEqual(
      after?.get("backbone/dense0/kernel")?.values,
      before.get("backbone/dense0/kernel")?.values,
    );
    assert.notDeepEqual(
      after?.get("head/cls/out/kernel")?.values,
      before.get("head/cls/out/kernel")?.values,
    );
    assert.equal(tf.memory().numTensors, n0);
  });

  it("adds per-task input adapters for differing input shapes", async () => {
    const conv = (await import("../../src/model/backbones/convNet.js")).convNet;
    const rgb = toyImages(32, 12, 3, 5, "rgb12");
    const gray = toyImages(32, 8, 1, 6, "gray8");
    const m = model({ input: [8, 8, 1] })
      .backbone(conv({ filters: [4], dense: 8 }))
      .head("gray", classifier(4))
      .head("rgb", classifier(4), { input: [12, 12, 3] });
    await assert.rejects(
      model({ input: [8, 8, 1] })
        .backbone(conv({ filters: [4], dense: 8 }))
        .head("rgb", classifier(4))
        .fit({ rgb }),
      (e: unknown) => e instanceof DataError && /input: \[12,12,3\]/.test(e.message),
    );
    const n0 = tf.memory().numTensors;
    const run = await m.fit({ gray, rgb }, { epochs: 1, batchSize: 16 });
    assert.ok(run.model.def.weights?.has("adapter/rgb/proj/kernel"));
    // vectors of another length get a learned dense adapter
    const { cls } = toyTasks(32, 4);
    const vec = await base
      .head("short", classifier(2), { input: [4] })
      .fit({ short: cls }, { epochs: 1, batchSize: 16 });
    assert.deepEqual(vec.model.def.weights?.get("adapter/short/proj/kernel")?.shape, [4, 8]);
    const ev = await run.evaluate({ rgb });
    assert.ok(Number.isFinite(ev.tasks.rgb?.accuracy));
    assert.equal(tf.memory().numTensors, n0);
  });

  it("transfers: a trained model gets a new head and keeps the trained backbone", async () => {
    const { cls, reg } = toyTasks(32);
    const run = await base.head("cls", classifier(2)).fit({ cls }, { epochs: 1, batchSize: 16 });
    const next = run.model.head("reg", regression(1));
    assert.ok(next.trained);
    const net = await Network.build(next.def, 99);
    const snap = await net.snapshot();
    net.dispose();
    assert.deepEqual(
      snap.get("backbone/dense0/kernel")?.values,
      run.model.def.weights?.get("backbone/dense0/kernel")?.values,
    );
    const run2 = await next.fit({ reg }, { epochs: 1, batchSize: 16 });
    assert.deepEqual(run2.tasks, ["reg"]);
  });
});
