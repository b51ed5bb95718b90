import type * as tf from "@tensorflow/tfjs";
/**
 * UnsortedSegmentSum for wasm (the gradient of gather, i.e. of embeddings): an exact scatter-add
 * straight on the wasm heap. Ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
import { BackendError } from "../../errors.js";
import { type KernelArgs, sizeOf } from "./wasm_backend.js";

export function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const { backend } = args;
  const x = args.inputs.x as tf.TensorInfo;
  const segmentIds = args.inputs.segmentIds as tf.TensorInfo;
  const numSegments = args.attrs?.numSegments as number;
  const rows = sizeOf(segmentIds.shape);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = sizeOf(innerShape);
  if (rows * inner !== sizeOf(x.shape)) {
    throw new BackendError(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}].`,
      { field: "segmentIds", value: segmentIds.shape, expected: `a prefix of [${x.shape}]` },
    );
  }
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  // Views are taken after the allocation (a heap growth detaches older views).
  const dst = backend.typedArrayFromHeap(out);
  const src = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  dst.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = ids[r] as number;
    if (s < 0 || s >= numSegments) continue;
    const from = r * inner;
    const to = s * inner;
    for (let k = 0; k < inner; k++) dst[to + k] += src[from + k] as number;
  }
  return out;
}
