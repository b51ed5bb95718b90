/**
 * The training loop: a short loop over stateful parts. `setupFit` resolves the options;
 * `buildParts` makes the network, loader, optimizer, strategy, RNGs, regulariser and epoch
 * accumulator, each of which gets and sets its own state and disposes itself. Per step:
 * snapshot -> `computeStep` (the strategy's `needs` picks the step function) ->
 * `updateOrAccumulate` (the optimizer, or the open accumulation window) -> one device read
 * (losses, weights, finiteness of the updated weights, predictions) -> commit or roll back.
 * Early stopping, checkpoints, `verbose` and the live view are ordinary listeners that get a
 * `TrainingControl`. Stops at a step boundary on an AbortSignal, SIGINT, a kernel
 * interrupt, a listener's request or a non-finite step, always leaving a consistent model.
 */
import { backendInfo } from "../backend/select.js";
import { disposeStep } from "../data/loader.js";
import type { Dataset } from "../data/types.js";
import type { Step } from "../data/types.js";
import { NonFiniteGradientError } from "../errors.js";
import type { ModelDef, WeightMap } from "../model/spec.js";
import { specToJSON } from "../model/spec.js";
import { epochLog, logKeys } from "./epochLog.js";
import type { EpochLog, TrainingControl, TrainingListener } from "./events.js";
import { yieldToEventLoop } from "./interrupt.js";
import type { FitOptions } from "./options.js";
import { type RunParts, buildParts, collectState, restoreState } from "./parts.js";
import { readStep } from "./read.js";
import { learningRate } from "./schedule.js";
import { setupFit } from "./setup.js";
import { type TrainState, epochLosses } from "./state.js";
import { type StepResult, computeStep, disposeStepResult } from "./step.js";
import { nonFiniteProbe } from "./transaction.js";
import { observeAfterStep, updateOrAccumulate } from "./update.js";

/** What `fit` produces: the trained weights and everything needed to resume. */
export interface FitResult {
  readonly weights: WeightMap;
  readonly state: TrainState;
}

function backendLine(): string {
  try {
    return backendInfo().summary;
  } catch {
    return "unknown backend";
  }
}

type Stop = { reason: TrainState["reason"]; message: string };

export async function fit(
  def: ModelDef,
  data: Readonly<Record<string, Dataset | undefined>>,
  opts: FitOptions<string> = {},
  resume?: TrainState,
): Promise<FitResult> {
  const s = setupFit(def, data, opts, resume);
  const p = await buildParts(def, s, opts, resume);
  try {
    return await loop(def, s, p, opts, resume);
  } finally {
    p.dispose();
  }
}

async function loop(
  def: ModelDef,
  s: ReturnType<typeof setupFit>,
  p: RunParts,
  opts: FitOptions<string>,
  resume: TrainState | undefined,
): Promise<FitResult> {
  const { tasks, epochs } = s;
  const { net, loader, clock } = p;
  let stop: Stop | undefined;
  if (resume) restoreState(p, resume);
  const state = async (): Promise<TrainState> => ({
    config: s.config,
    ...clock.now(),
    reason: stop?.reason ?? "completed",
    ...(stop ? { message: stop.message } : {}),
    ...(await collectState(p)),
  });
  const control: TrainingControl = {
    stop: (reason, message) => {
      stop ??= { reason, message };
    },
    weights: () => net.snapshot(),
    setWeights: (w) => net.load(w),
    checkpoint: async () => ({
      spec: specToJSON(def),
      weights: await net.snapshot(),
      state: await state(),
    }),
  };
  const listeners: TrainingListener[] = p.listeners;
  const emit = async <K extends "onTrainBegin" | "onStep" | "onEpochEnd" | "onTrainEnd">(
    k: K,
    e: Parameters<NonNullable<TrainingListener[K]>>[0],
  ) => {
    // biome-ignore lint/suspicious/noExplicitAny: dispatch over the listener hooks
    for (const l of listeners) await (l[k] as any)?.call(l, e, control);
  };
  const totalSteps = epochs * loader.stepsPerEpoch;
  const metricsFor = (t: string) => opts.metrics?.[t] ?? net.head(t).metrics;
  await emit("onTrainBegin", {
    tasks,
    epochs,
    stepsPerEpoch: loader.stepsPerEpoch,
    backend: backendLine(),
    config: s.config as unknown as Record<string, unknown>,
    logKeys: logKeys({
      tasks,
      metricsFor,
      validation: tasks.filter((t) => s.val?.[t]),
      extra: p.analysis.keys(),
    }),
  });
  const interrupted = (why: string): Stop => ({
    reason: "interrupted",
    message: `Training interrupted (${why}) at step ${clock.step}, epoch ${clock.epoch}; the model holds the weights after the last completed step.`,
  });
  // an already-aborted signal runs no step
  if (p.stopper.requested) stop = interrupted(p.stopper.requested);

  while (clock.epoch < epochs && !stop) {
    const it = loader.epoch(clock.epoch);
    let stepInEpoch = loader.stepsPerEpoch - it.steps;
    let lr = s.optimizer.lr;
    for await (const batch of it) {
      try {
        lr = learningRate(s.optimizer.lr, opts.schedule, clock.step, clock.epoch, totalSteps);
      } catch (e) {
        disposeStep(batch);
        throw e;
      }
      const endOfEpoch = stepInEpoch === loader.stepsPerEpoch - 1;
      const outcome = await trainStep(p, s, opts, batch, lr, endOfEpoch);
      if ("stop" in outcome) {
        stop = outcome.stop;
        break;
      }
      clock.step++;
      await emit("onStep", {
        step: clock.step - 1,
        epoch: clock.epoch,
        stepInEpoch,
        stepsPerEpoch: loader.stepsPerEpoch,
        losses: outcome.losses,
        weights: outcome.weights,
        ...(outcome.gradientCosine ? { gradientCosine: outcome.gradientCosine } : {}),
      });
      stepInEpoch++;
      await yieldToEventLoop();
      // at the epoch's last step the epoch is finished (and logged) first
      if (!stop && p.stopper.requested && stepInEpoch < loader.stepsPerEpoch)
        stop = interrupted(p.stopper.requested);
      if (stop) break;
    }
    if (stop && stepInEpoch < loader.stepsPerEpoch) break;
    const log: EpochLog = await epochLog({
      net,
      tasks,
      epoch: clock.epoch,
      step: clock.step,
      lr,
      time: clock.elapsed(),
      stats: p.stats.current,
      val: s.val,
      metricsFor,
      evalBatchSize: opts.evalBatchSize,
      extra: { ...p.analysis.flush(), ...(p.instance.flushLogs?.() ?? {}) },
    });
    p.history.push(log);
    p.stats.reset();
    clock.epoch++;
    await emit("onEpochEnd", log);
    if (!stop && p.stopper.requested && clock.epoch < epochs)
      stop = interrupted(p.stopper.requested);
  }
  const end = {
    history: [...p.history],
    reason: stop?.reason ?? ("completed" as const),
    ...(stop ? { message: stop.message } : {}),
  };
  await emit("onTrainEnd", end);
  return { weights: await net.snapshot(), state: await state() };
}

type StepOutcome =
  | { stop: Stop }
  | {
      losses: Record<string, number>;
      weights: Record<string, number>;
      gradientCosine?: number[][];
    };

/** One step as a transaction: everything it changes is rolled back if it turns non-finite. */
async function trainStep(
  p: RunParts,
  s: ReturnType<typeof setupFit>,
  opts: FitOptions<string>,
  batch: Step,
  lr: number,
  endOfEpoch: boolean,
): Promise<StepOutcome> {
  const { tasks } = s;
  const { clock } = p;
  const ctx = {
    step: clock.step,
    epoch: clock.epoch,
    tasks,
    epochLosses: epochLosses(p.history, tasks),
    random: () => p.weightingRandom.next(),
  };
  const tx = await p.snapshot();
  const dropoutState = p.random.getState();
  let res: StepResult | undefined;
  try {
    const gradientCosine = await p.analysis.sample(clock.step, batch, lr);
    res = await computeStep({
      net: p.net,
      tasks,
      step: batch,
      trainable: p.trainable,
      instance: p.instance,
      ctx,
      random: p.random,
      repDropout: opts.regularize?.dropout ?? 0,
    });
    const updated = updateOrAccumulate({
      grads: res.grads,
      trainable: p.trainable,
      instance: p.instance,
      reg: p.reg,
      optimizer: p.optimizer,
      lr,
      step: clock.step,
      multipliers: p.multipliers,
      accumulator: p.accumulator,
      endOfEpoch,
      clipNorm: opts.clipNorm,
      clipValue: opts.clipValue,
    });
    const probe = nonFiniteProbe(
      opts.checkFinite === false ? [] : [...p.watched, ...(p.instance.stateVariables ?? [])],
    );
    const read = await readStep(tasks, res, probe);
    probe.dispose();
    const bad = tasks.findIndex(
      (_, i) =>
        read.active[i] &&
        (!Number.isFinite(read.losses[i]) || (read.weights && !Number.isFinite(read.weights[i]))),
    );
    if (bad >= 0 || !read.finite) {
      await tx.restore();
      const what =
        bad >= 0
          ? !Number.isFinite(read.losses[bad])
            ? `Task "${tasks[bad]}": the loss became ${read.losses[bad]}`
            : `Task "${tasks[bad]}": the strategy's weight became ${(read.weights as ArrayLike<number>)[bad]}`
          : "The update made the weights non-finite";
      return {
        stop: {
          reason: "nanLoss",
          message: `${what} at step ${clock.step} (epoch ${clock.epoch}); training stopped with the weights of the last finite step. Lower the learning rate or check the task's data.`,
        },
      };
    }
    tx.release();
    p.stats.current.addStep(read, res.outputs);
    if (updated)
      await observeAfterStep(
        p.net,
        tasks,
        batch,
        p.instance,
        read.losses,
        dropoutState,
        opts.regularize?.dropout ?? 0,
        { ...ctx, active: read.active },
      );
    const losses: Record<string, number> = {};
    const weights: Record<string, number> = {};
    tasks.forEach((t, i) => {
      if (!read.active[i]) return;
      losses[t] = read.losses[i];
      weights[t] = read.weights ? read.weights[i] : 1;
    });
    return { losses, weights, ...(gradientCosine ? { gradientCosine } : {}) };
  } catch (e) {
    await tx.restore();
    // a strategy refused a NaN or infinite task gradient: the same stop as a NaN loss
    if (e instanceof NonFiniteGradientError)
      return {
        stop: {
          reason: "nanLoss",
          message: `${e.message.replace(/ at step \d+\.$/, "")} at step ${clock.step} (epoch ${clock.epoch}); training stopped with the weights of the last finite step. Lower the learning rate or check the task's data.`,
        },
      };
    throw e;
  } finally {
    if (res) disposeStepResult(res);
    disposeStep(batch);
  }
}
