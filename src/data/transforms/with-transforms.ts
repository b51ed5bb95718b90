/**
 * `withTransforms(dataset, ...transforms)`: a new Dataset (in memory or streamed) that carries the transforms (after
 * any it already had). The loader applies them to each batch: random augmentations only on
 * training batches, deterministic ones (normalize, resize, channels, crop) always.
 */
import { ConfigError, show } from "../../errors.js";
import type { AnyDataset, Transform } from "../types.js";

export function withTransforms<D extends AnyDataset>(dataset: D, ...transforms: Transform[]): D {
  let shape = [...dataset.inputShape];
  const all = [...(dataset.transforms ?? []), ...transforms];
  all.forEach((t, i) => {
    if (t == null || typeof t.apply !== "function" || typeof t.outputShape !== "function")
      throw new ConfigError(
        `Dataset "${dataset.name}": transform ${i} is ${show(t)}, not a Transform.`,
        {
          task: dataset.name,
          field: "transforms",
          index: i,
          value: t,
          expected: "a Transform (transforms.normalize(...), ...)",
        },
      );
    shape = t.outputShape(shape); // fails early on a transform that does not fit the shape
  });
  return { ...dataset, transforms: all };
}
