/**
 * The training loop. Per step: the loader's Step -> per-task losses (masked labels skipped) ->
 * the weighting strategy, per its `needs` (step.ts) -> regularisation -> clipping -> the
 * optimizer (update.ts). Emits events to listeners, yields to the event loop between steps,
 * and stops at a step boundary on an AbortSignal, SIGINT, a kernel interrupt, early stopping
 * or a NaN loss, always leaving a consistent model in the returned `Run`.
 */
import * as tf from "@tensorflow/tfjs";
import { backendInfo } from "../backend/select.js";
import { MultiTaskLoader, disposeStep } from "../data/loader.js";
import type { Dataset } from "../data/types.js";
import { ConfigError } from "../errors.js";
import type { Model } from "../model/builder.js";
import { Network } from "../model/network.js";
import { Random } from "../util/random.js";
import { TrainingAnalysis } from "./analysis.js";
import { defaultListeners } from "./defaults.js";
import { EarlyStopping } from "./earlyStopping.js";
import { EpochStats, epochLog } from "./epochLog.js";
import type { EpochLog, TrainingListener } from "./events.js";
import { StopController, yieldToEventLoop } from "./interrupt.js";
import type { FitOptions } from "./options.js";
import { Regularizer } from "./regularize.js";
import { Run } from "./run.js";
import { learningRate } from "./schedule.js";
import { setupFit } from "./setup.js";
import type { TrainState } from "./state.js";
import { type StepResult, computeStep } from "./step.js";
import { applyUpdate, observeAfterStep } from "./update.js";

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
  const s = setupFit(
    def,
    data as Record<string, Dataset | undefined>,
    opts as FitOptions<string>,
    resume,
  );
  const { tasks, epochs, seed, strategy, config } = s;
  const loader = new MultiTaskLoader(s.train, {
    batchSize: s.batchSize,
    sampler: s.sampler,
    seed,
    epochs,
    mode: strategy.needs === "losses" ? undefined : "all",
  });
  const net = await Network.build(def, seed);
  const instance = strategy.create(tasks, { seed });
  const optimizer = s.optimizer.create();
  const trainable = net.trainableParams();
  const stateParams = net.params.filter((p) => !p.trainable);
  const reg = new Regularizer(trainable, opts.regularize, resume?.theta0);
  const analysis = new TrainingAnalysis(opts.analysis ?? {}, net, tasks);
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
  try {
    // inside the try: a bad option must not leak the network or the SIGINT handler
    const early = opts.earlyStopping
      ? new EarlyStopping(opts.earlyStopping, {
          stop: (m) => {
            reason = "earlyStopping";
            stopMessage = m;
          },
          snapshot: () => net.snapshot(),
        })
      : undefined;
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
      if (early && resume.early) {
        early.state = { ...resume.early.state };
        early.bestWeights = resume.early.bestWeights;
      }
    }
    const listeners: TrainingListener[] = [
      ...(opts.listeners ?? defaultListeners()),
      ...(early ? [early] : []),
    ];
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
    const baseLr = s.optimizer.lr;
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
        let gradientCosine: number[][] | undefined;
        let res: StepResult | undefined;
        try {
          gradientCosine = analysis.sample(step, batch, lr);
          res = computeStep({
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
          const bad = Object.entries(res.losses).find(([, l]) => !Number.isFinite(l));
          if (bad) {
            random.setState(before);
            stateParams.forEach((p, i) => p.variable.assign(stateBefore[i]));
            reason = "nanLoss";
            stopMessage = `Task "${bad[0]}": the loss became ${bad[1]} at step ${step} (epoch ${epoch}); training stopped with the weights of the last good step. Lower the learning rate or check the task's data.`;
            broke = true;
            break;
          }
          // every label of the step masked: nothing to apply, the strategy's state stays put
          const any = Object.keys(res.losses).length > 0;
          if (any)
            applyUpdate({
              res,
              trainable,
              instance,
              reg,
              optimizer,
              lr,
              clipNorm: opts.clipNorm,
              clipValue: opts.clipValue,
            });
          stats.addStep(res);
          if (any)
            observeAfterStep(net, tasks, batch, instance, {
              ...ctx,
              active: tasks.map((t) => t in (res as StepResult).losses),
            });
        } finally {
          for (const t of stateBefore) t.dispose();
          if (res) {
            for (const g of res.grads.values()) g.dispose();
            for (const o of Object.values(res.outputs)) o.pred.dispose();
          }
          disposeStep(batch);
        }
        step++;
        await emit("onStep", {
          step: step - 1,
          epoch,
          stepInEpoch,
          stepsPerEpoch: loader.stepsPerEpoch,
          losses: (res as StepResult).losses,
          weights: (res as StepResult).weights,
          ...(gradientCosine ? { gradientCosine } : {}),
        });
        stepInEpoch++;
        await yieldToEventLoop();
        // at the epoch's last step the epoch is finished (and logged) first: see below
        if (stopper.requested && stepInEpoch < loader.stepsPerEpoch) {
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
        val: s.val,
        metricsFor,
        evalBatchSize: opts.evalBatchSize,
        extra: analysis.flush(),
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
      if (stopper.requested && reason === "completed" && epoch < epochs) {
        reason = "interrupted";
        stopMessage = `Training interrupted (${stopper.requested}) at step ${step}, epoch ${epoch}; the model holds the weights after the last completed step.`;
      }
    }
    // restore-best only when early stopping ended the run: an interrupted or completed run keeps
    // its last weights, so that resuming it continues exactly
    if (
      (reason as TrainState["reason"]) === "earlyStopping" &&
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
      ...(early
        ? {
            early: {
              state: { ...early.state },
              ...(early.bestWeights ? { bestWeights: early.bestWeights } : {}),
            },
          }
        : {}),
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
