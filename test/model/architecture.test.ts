/**
 * The Architecture seam: a new multi-task architecture is a file implementing the interface
 * (here, in the test, a backbone with a learned per-task feature gate), with no change to the
 * training loop; its task-specific parameters get their own task's gradient under
 * gradient-based weighting, and checkpoints rebuild it through the registry.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { load } from "../../src/api/run.js";
import { UnknownNameError } from "../../src/errors.js";
import { registerArchitecture } from "../../src/model/arch/registry.js";
import type { Architecture } from "../../src/model/arch/types.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { Network } from "../../src/model/network.js";
import { pcgrad } from "../../src/train/weighting/pcgrad.js";
import { toyTasks, useCpu } from "../train/helpers.js";

function gated(): Architecture<Record<string, never>> {
  return {
    kind: "gated",
    config: {},
    async build(args) {
      const backbone = await args.backbone.build(
        args.inputShape,
        args.factory("backbone", "backbone"),
      );
      const width = backbone.outputShape[0];
      const gates = new Map(
        args.tasks.map((t) => [
          t,
          args.factory(`arch/gate/${t}`, "arch", { task: t }).weight("scale", [width], "ones"),
        ]),
      );
      return {
        outputShape: backbone.outputShape,
        represent: (task, x, ctx) => tf.mul(backbone.apply(x, ctx), gates.get(task) as tf.Variable),
      };
    },
  };
}

describe("architecture seam", () => {
  before(async () => {
    await useCpu();
    registerArchitecture("gated", gated);
  });
  const base = model({ input: [8] })
    .backbone(mlp({ units: [8] }))
    .head("cls", classifier(2))
    .head("reg", regression(1));

  it("builds task-specific architecture parameters and trains them with every kind of weighting", async () => {
    const m = base.architecture("gated");
    const net = await Network.build(m.def, 0);
    const gate = net.params.find((p) => p.name === "arch/gate/cls/scale");
    assert.ok(gate && gate.task === "cls" && !gate.shared);
    net.dispose();
    const { cls, reg } = toyTasks(48);
    const n0 = tf.memory().numTensors;
    for (const weighting of ["ew", pcgrad()]) {
      const run = await m.fit({ cls, reg }, { epochs: 2, batchSize: 16, lr: 0.05, weighting });
      const w = run.model.def.weights;
      assert.ok(
        w?.get("arch/gate/cls/scale")?.values.some((v) => v !== 1),
        "cls gate trained",
      );
      assert.ok(
        w?.get("arch/gate/reg/scale")?.values.some((v) => v !== 1),
        "reg gate trained",
      );
    }
    assert.equal(tf.memory().numTensors, n0);
  });

  it("round-trips through a checkpoint by kind, and unknown kinds list the known ones", async () => {
    const { cls } = toyTasks(32);
    const run = await base.architecture(gated()).fit({ cls }, { epochs: 1, batchSize: 16 });
    const dir = await mkdtemp(join(tmpdir(), "polytask-arch-"));
    try {
      await run.save(dir);
      const back = await load(dir);
      assert.equal(back.model.def.architecture.kind, "gated");
      assert.deepEqual(await back.evaluate({ cls }), await run.evaluate({ cls }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.throws(
      () => base.architecture("mmoe-typo"),
      (e: unknown) => e instanceof UnknownNameError && /hardSharing/.test(e.message),
    );
  });
});
