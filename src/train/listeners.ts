/**
 * Built-in training listeners besides early stopping: periodic checkpoints
 * (`fit(..., { checkpoint: { dir, every } })`) and `verbose` epoch lines.
 */
import { writeCheckpoint } from "./checkpoint.js";
import type { EpochLog, TrainEndEvent, TrainingControl, TrainingListener } from "./events.js";

export interface CheckpointOptions {
  /** Directory of the checkpoint (replaced atomically at every save). */
  dir: string;
  /** Save every this many epochs. Defaults to `1`. */
  every?: number;
  /** Also save every this many steps within an epoch. Defaults to none. */
  everySteps?: number;
}

/** Saves a resumable checkpoint every `every` epochs (and `everySteps` steps) and at the end. */
export class CheckpointListener implements TrainingListener {
  constructor(readonly opts: CheckpointOptions) {}

  private async save(control: TrainingControl): Promise<void> {
    await writeCheckpoint(this.opts.dir, await control.checkpoint());
  }

  async onStep(e: { step: number }, control: TrainingControl): Promise<void> {
    const n = this.opts.everySteps;
    if (n && (e.step + 1) % n === 0) await this.save(control);
  }

  async onEpochEnd(log: EpochLog, control: TrainingControl): Promise<void> {
    if ((log.epoch + 1) % (this.opts.every ?? 1) === 0) await this.save(control);
  }

  async onTrainEnd(_e: TrainEndEvent, control: TrainingControl): Promise<void> {
    await this.save(control);
  }
}

/** One line per epoch on the console (`verbose: true`). */
export class VerboseListener implements TrainingListener {
  constructor(private readonly print: (line: string) => void = console.log) {}

  onEpochEnd(log: EpochLog): void {
    this.print(
      Object.entries(log)
        .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
        .join(" "),
    );
  }

  onTrainEnd(e: TrainEndEvent): void {
    if (e.reason !== "completed" && e.message) this.print(e.message);
  }
}
