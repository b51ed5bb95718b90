/**
 * A child process for the checkpoint fault tests: no training, no TensorFlow.js, only a prepared
 * checkpoint read from `src` and written to `dst`.
 *   kill <src> <dst> <k>       SIGKILLs itself just before the k-th file operation of the save
 *   saves <src> <dst> <n> <id> prints "ready", then saves n times, each with state.time = id * 1000 + i
 */
import { readCheckpoint, writeCheckpoint } from "../../src/train/checkpoint.js";
import { faults } from "../../src/train/checkpoint/io.js";

const [mode, src, dst, arg, id] = process.argv.slice(2);
const data = await readCheckpoint(src);
if (mode === "kill") {
  let n = 0;
  const at = Number(arg);
  faults.hook = () => {
    if (n++ === at) process.kill(process.pid, "SIGKILL");
  };
  await writeCheckpoint(dst, data);
  process.exit(3); // the save has fewer operations than k
} else if (mode === "saves") {
  process.stdout.write("ready\n");
  for (let i = 0; i < Number(arg); i++)
    await writeCheckpoint(dst, { ...data, state: { ...data.state, time: Number(id) * 1000 + i } });
} else {
  throw new Error(`unknown mode ${mode}`);
}
