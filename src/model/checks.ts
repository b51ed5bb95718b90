/** Checks that training/evaluation data fits the model: known tasks, input shapes, labels. */
import { sampleShape } from "../data/batch.js";
import type { Dataset } from "../data/types.js";
import { ConfigError, DataError, UnknownNameError, show } from "../errors.js";
import { sameShape } from "./network.js";
import type { ModelDef } from "./spec.js";

export function checkTaskData(
  def: ModelDef,
  data: Readonly<Record<string, Dataset | undefined>>,
  where: string,
): string[] {
  if (data === null || typeof data !== "object")
    throw new ConfigError(
      `${where}(data): expected an object of datasets by task, got ${show(data)}.`,
      {
        field: "data",
        value: data,
        expected: "{ <task>: Dataset }",
      },
    );
  const known = def.heads.map((h) => h.name);
  const tasks: string[] = [];
  for (const [task, ds] of Object.entries(data)) {
    const entry = def.heads.find((h) => h.name === task);
    if (!entry) throw new UnknownNameError("task", task, known);
    if (ds === undefined) continue;
    if (ds === null || typeof ds !== "object" || !("x" in ds) || !("inputShape" in ds))
      throw new DataError(`Task "${task}": ${show(ds)} is not a Dataset.`, {
        task,
        field: "dataset",
        value: ds,
        expected: "a Dataset (pt.datasets.fromArrays, pt.datasets.mnist, ...)",
      });
    if (!(ds.size > 0))
      throw new DataError(`Task "${task}": the ${where} dataset "${ds.name}" is empty.`, {
        task,
        field: "size",
        value: ds.size,
        expected: "at least one sample",
      });
    const want = entry.input ?? def.input;
    const got = sampleShape(ds);
    if (!sameShape(got, want))
      throw new DataError(
        `Task "${task}": dataset "${ds.name}" has inputs of shape [${got}] but the task expects [${want}]` +
          (entry.input
            ? "."
            : `; declare the task's own input with .head("${task}", h, { input: [${got}] }) to add an adapter.`),
        { task, field: "inputShape", value: got, expected: `[${want}]` },
      );
    const dtype = def.backbone?.inputDtype ?? "float32";
    if (!entry.input && ds.inputDtype !== dtype)
      throw new DataError(
        `Task "${task}": dataset "${ds.name}" has ${ds.inputDtype} inputs but the ${def.backbone?.kind} backbone takes ${dtype}.`,
        {
          task,
          field: "inputDtype",
          value: ds.inputDtype,
          expected: dtype,
        },
      );
    entry.head.checkLabels(ds, task);
    tasks.push(task);
  }
  if (tasks.length === 0)
    throw new ConfigError(`${where}(data): no datasets given; tasks: ${known.join(", ")}.`, {
      field: "data",
      value: Object.keys(data),
      expected: `datasets for some of ${known.join(", ")}`,
    });
  return known.filter((t) => tasks.includes(t));
}
