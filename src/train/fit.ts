/**
 * The training loop. Per step: the loader's Step -> per-task losses (masked labels skipped) ->
 * the weighting strategy, per its `needs` (step.ts) -> regularisation -> clipping -> the
 * optimizer. Emits events to listeners, yields to the event loop between steps, and stops at a
 * step boundary on an AbortSignal, SIGINT, a kernel interrupt, early stopping or a NaN loss,
 * always leaving a consistent model in the returned `Run`.
 */
import * as tf from "@tensorflow/tfjs";
import { backendInfo } from "../backend/select.js";
import { MultiTaskLoader, disposeStep } from "../data/loader.js";
import { split } from "../data/ops.js";
import { create as createSampler } from "../data/samplers/index.js";
import type { Dataset, TaskSampler } from "../data/types.js";
import { ConfigError } from "../errors.js";
import type { Model } from "../model/builder.js";
import { Network } from "../model/network.js";
import { Random } from "../util/random.js";
import { checkTaskData } from "./checks.js";
import { clipGradients } from "./clip.js";
import { EarlyStopping } from "./earlyStopping.js";
import { EpochStats, epochLog } from "./epochLog.js";
import type { EpochLog, TrainingListener } from "./events.js";
import { StopController, yieldToEventLoop } from "./interrupt.js";
import { resolveOptimizer } from "./optimizers/registry.js";
import type { FitOptions } from "./options.js";
import { Regularizer } from "./regularize.js";
import { Run } from "./run.js";
import { learningRate } from "./schedule.js";
import type { RunConfig, TrainState } from "./state.js";
import { computeStep } from "./step.js";
import { resolveWeighting } from "./weighting/registry.js";

function positiveInt(field: string, v: unknown, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || (x as number) < 1)
    throw new ConfigError(`Option "${field}" must be a positive integer, got ${String(v)}.`, {
      field,
      value: v,
      expected: "an integer >= 1",
    });
  return x as number;
}

function backendLine(): string {
  try {
    return backendInfo().summary;
  } catch {
    return tf.getBackend();
  }
}

export async function fit<T extends string>(
  model: Model<T>,
  data: { readonly [K in T]?: Dataset },
  opts: FitOptions<T> = {},
  resume?: TrainState,
): Promise<Run<T>> {
  const def = model.def;
  const tasks = checkTaskData(def, data as Record<string, Dataset | undefined>, "fit");
  const epochs = positiveInt("epochs", opts.epochs, 1);
  const batchSize = positiveInt("batchSize", opts.batchSize, 32);
  const seed = opts.seed ?? 0;
  let train: Record<string, Dataset> = {};
  let val = opts.validationData as Record<string, Dataset | undefined> | undefined;
  for (const t of tasks) train[t] = (data as Record<string, Dataset>)[t];
  if (opts.validationSplit !== undefined) {
    if (val)
      throw new ConfigError("Give validationSplit or validationData, not both.", {
        field: "validationSplit",
      });
    const parts = tasks.map(
      (t) => [t, split(train[t], opts.validationSplit as number, seed)] as const,
    );
    train = Object.fromEntries(parts.map(([t, p]) => [t, p.train]));
    val = Object.fromEntries(parts.map(([t, p]) => [t, p.val]));
  }
  if (val) checkTaskData(def, val, "validationData");
  const strategy = resolveWeighting(opts.weighting);
  const sampler: TaskSampler | undefined =
    typeof opts.sampler === "string" ? createSampler(opts.sampler) : opts.sampler;
  const optimizerSpec = resolveOptimizer(opts.optimizer, opts.lr);
  const config: RunConfig = JSON.parse(
    JSON.stringify({
      epochs,
      batchSize,
      seed,
      tasks,
      sampler: { name: sampler?.name ?? "proportional", options: sampler?.options },
      weighting: { name: strategy.name, config: strategy.config },
      optimizer: { name: optimizerSpec.name, config: optimizerSpec.config },
      schedule: opts.schedule,
      clipNorm: opts.clipNorm,
      clipValue: opts.clipValue,
      regularize: opts.regularize,
      validationSplit: opts.validationSplit,
      earlyStopping: opts.earlyStopping,
      metrics: opts.metrics,
    }),
  );
  if (resume && resume.config.tasks.join("\0") !== tasks.join("\0"))
    throw new ConfigError(
      `The saved run trained tasks ${resume.config.tasks.join(", ")}; resume got ${tasks.join(", ")}.`,
      {
        field: "data",
        value: tasks,
        expected: resume.config.tasks.join(", "),
      },
    );

  const loader = new MultiTaskLoader(train, {
    batchSize,
    sampler,
    seed,
    epochs,
    mode: strategy.needs === "losses" ? undefined : "all",
  });
  const net = await Network.build(def, seed);
  const instance = strategy.create(tasks, { seed });
  const optimizer = optimizerSpec.create();
  const trainable = net.trainableParams();
  const stateParams = net.params.filter((p) => !p.trainable);
  const reg = new Regularizer(trainable, opts.regularize, resume?.theta0);
  const master = new Random((seed ^ 0x5bd1e995) >>> 0);
  const random = master.fork();
  const weightingRandom = master.fork();
  const stopper = new StopController(opts.signal, opts.handleSigint ?? true);
  let history: EpochLog[] = [];
  let epochLosses: number[][] = [];
  let epoch = 0;
  let step = 0;
  let time0 = 0;
  let stopMessage: string | undefined;
  let reason: TrainState["reason"] = "completed";
  const early = opts.earlyStopping
    ? new EarlyStopping(opts.earlyStopping, {
        stop: (m) => {
          reason = "earlyStopping";
          stopMessage = m;
        },
        snapshot: () => net.snapshot(),
      })
    : undefined;
  try {
    if (trainable.length === 0)
      throw new ConfigError(
        "Every parameter is frozen: nothing to train. Unfreeze a part (model.unfreeze(...)).",
        { field: "freeze" },
      );
    if (resume) {
      loader.setState(resume.loader);
      optimizer.setState(resume.optimizer);
      instance.setState(resume.weighting);
      random.setState(resume.random);
      weightingRandom.setState(resume.weightingRandom);
      history = [...resume.history];
      epochLosses = resume.epochLosses.map((r) => [...r]);
      epoch = resume.epoch;
      step = resume.step;
      time0 = resume.time;
      if (early && resume.early) early.state = { ...resume.early.state };
    }
    const listeners: TrainingListener[] = [...(opts.listeners ?? []), ...(early ? [early] : [])];
    const emit = async <K extends keyof TrainingListener>(
      k: K,
      e: Parameters<NonNullable<TrainingListener[K]>>[0],
    ) => {
      // biome-ignore lint/suspicious/noExplicitAny: dispatch over the listener hooks
      for (const l of listeners) await (l[k] as any)?.call(l, e);
    };
    const started = performance.now();
    const elapsed = () => time0 + (performance.now() - started) / 1000;
    const totalSteps = epochs * loader.stepsPerEpoch;
    const baseLr = optimizerSpec.lr;
    const metricsFor = (t: string) => opts.metrics?.[t as T] ?? net.head(t).metrics;
    await emit("onTrainBegin", {
      tasks,
      epochs,
      stepsPerEpoch: loader.stepsPerEpoch,
      backend: backendLine(),
      config: config as unknown as Record<string, unknown>,
    });

    while (epoch < epochs && reason === "completed") {
      const it = loader.epoch(epoch);
      const stats = new EpochStats(tasks, (t) => net.head(t).units);
      let stepInEpoch = loader.stepsPerEpoch - it.steps;
      let lr = baseLr;
      let broke = false;
      for await (const batch of it) {
        lr = learningRate(baseLr, opts.schedule, step, epoch, totalSteps);
        const ctx = { step, epoch, tasks, epochLosses, random: () => weightingRandom.next() };
        const before = random.getState();
        // batch-norm moving statistics change in the forward pass: keep them to undo a NaN step
        const stateBefore = stateParams.map((p) => tf.keep(p.variable.clone()));
        const res = computeStep({
          net,
          tasks,
          step: batch,
          trainable,
          instance,
          needs: strategy.needs,
          ctx,
          random,
          repDropout: opts.regularize?.dropout ?? 0,
        });
        try {
          const bad = Object.entries(res.losses).find(([, l]) => !Number.isFinite(l));
          if (bad) {
            random.setState(before);
            stateParams.forEach((p, i) => p.variable.assign(stateBefore[i]));
            reason = "nanLoss";
            stopMessage = `Task "${bad[0]}": the loss became ${bad[1]} at step ${step} (epoch ${epoch}); training stopped with the weights of the last good step. Lower the learning rate or check the task's data.`;
            broke = true;
            break;
          }
          const vars = [...res.grads.keys()];
          const byVar = new Map(trainable.map((p) => [p.variable, p]));
          const grads = vars.map((v) => {
            const p = byVar.get(v);
            return p && reg.active
              ? reg.add(p, res.grads.get(v) as tf.Tensor)
              : (res.grads.get(v) as tf.Tensor).clone();
          });
          const clipped = clipGradients(grads, opts.clipNorm, opts.clipValue);
          optimizer.apply(
            vars.map((v) => byVar.get(v)?.name ?? `weighting/${instance.variables.indexOf(v)}`),
            vars,
            clipped,
            lr,
          );
          for (const g of new Set([...grads, ...clipped])) g.dispose();
          stats.addStep(res);
          if (instance.observeLossesAfterStep) {
            const after = tf.tidy(() =>
              Float32Array.from(tasks, (t) => {
                const b = batch[t as T];
                return b ? computeEvalLoss(net, t, b) : 0;
              }),
            );
            instance.observeLossesAfterStep(after, ctx);
          }
        } finally {
          for (const t of stateBefore) t.dispose();
          for (const g of res.grads.values()) g.dispose();
          for (const o of Object.values(res.outputs)) o.pred.dispose();
          disposeStep(batch);
        }
        step++;
        await emit("onStep", {
          step: step - 1,
          epoch,
          stepInEpoch,
          stepsPerEpoch: loader.stepsPerEpoch,
          losses: res.losses,
          weights: res.weights,
        });
        stepInEpoch++;
        await yieldToEventLoop();
        if (stopper.requested) {
          reason = "interrupted";
          stopMessage = `Training interrupted (${stopper.requested}) at step ${step}, epoch ${epoch}; the model holds the weights after the last completed step.`;
          broke = true;
          break;
        }
      }
      if (broke) break;
      const log = epochLog({
        net,
        tasks,
        epoch,
        step,
        lr,
        time: elapsed(),
        stats,
        val,
        metricsFor,
        evalBatchSize: opts.evalBatchSize,
      });
      history.push(log);
      epochLosses.push(tasks.map((t) => log[`loss/${t}`] ?? Number.NaN));
      epoch++;
      if (opts.verbose)
        console.log(
          Object.entries(log)
            .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
            .join(" "),
        );
      await emit("onEpochEnd", log);
    }
    if (
      early?.bestWeights &&
      (opts.earlyStopping?.restoreBest ?? true) &&
      early.state.bestEpoch !== history[history.length - 1]?.epoch
    )
      net.load(early.bestWeights);
    const state: TrainState = {
      config,
      epoch,
      step,
      history,
      epochLosses,
      loader: loader.getState(),
      random: random.getState(),
      weightingRandom: weightingRandom.getState(),
      weighting: instance.getState(),
      optimizer: optimizer.getState(),
      ...(early ? { early: { state: early.state } } : {}),
      ...(reg.active ? { theta0: reg.referenceWeights() } : {}),
      reason,
      ...(stopMessage ? { message: stopMessage } : {}),
      time: elapsed(),
    };
    const run = new Run<T>(model.withWeights(net.snapshot()), state, opts);
    await emit("onTrainEnd", { history, reason, ...(stopMessage ? { message: stopMessage } : {}) });
    return run;
  } finally {
    stopper.dispose();
    reg.dispose();
    optimizer.dispose();
    instance.dispose();
    net.dispose();
  }
}

function computeEvalLoss(net: Network, t: string, b: import("../data/types.js").Batch): number {
  const head = net.head(t);
  const out = net.forward(t, b.x, { training: false });
  const l = head.loss(out, b.y);
  const m = b.mask ?? tf.onesLike(l);
  return tf.div(tf.sum(tf.mul(l, m)), tf.maximum(tf.sum(m), 1)).dataSync()[0];
}
