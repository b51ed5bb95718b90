import assert from "node:assert/strict";
import { test } from "node:test";
import { drawTask } from "../../src/data/samplers/draw.js";
import { samplers } from "../../src/data/samplers/index.js";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { Random } from "../../src/util/random.js";

const sizes = { a: 100, b: 400, c: 1600 };
const tasks = Object.keys(sizes);

function close(got: Record<string, number>, want: Record<string, number>, tol = 1e-12): void {
  for (const t of Object.keys(want))
    assert.ok(Math.abs(got[t] - want[t]) < tol, `${t}: ${got[t]} vs ${want[t]}`);
}

function expected(f: (n: number) => number): Record<string, number> {
  const w = Object.fromEntries(tasks.map((t) => [t, f(sizes[t as keyof typeof sizes])]));
  const s = Object.values(w).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(w).map(([t, v]) => [t, v / s]));
}

/** Pearson chi-square statistic of `draws` draws from `drawFrom` against the expected `p`. */
function chiSquare(
  p: Record<string, number>,
  draws: number,
  seed: number,
  drawFrom: Record<string, number> = p,
): number {
  const r = new Random(seed);
  const counts: Record<string, number> = Object.fromEntries(tasks.map((t) => [t, 0]));
  for (let i = 0; i < draws; i++) counts[drawTask(tasks, drawFrom, r)]++;
  return tasks.reduce((s, t) => s + (counts[t] - draws * p[t]) ** 2 / (draws * p[t]), 0);
}

// chi-square critical value for 2 degrees of freedom at p = 0.001
const CRIT_DF2 = 13.82;

test("proportional: p_i = n_i / sum n", () => {
  close(
    samplers.proportional().probabilities(sizes),
    expected((n) => n),
  );
});

test("temperature: p_i proportional to n_i^(1/T); T=1 is proportional", () => {
  close(
    samplers.temperature(2).probabilities(sizes),
    expected((n) => Math.sqrt(n)),
  );
  close(
    samplers.temperature(1).probabilities(sizes),
    expected((n) => n),
  );
  close(
    samplers.temperature(1e9).probabilities(sizes),
    expected(() => 1),
    1e-6,
  );
});

test("uniform and roundRobin: 1 / number of tasks", () => {
  close(
    samplers.uniform().probabilities(sizes),
    expected(() => 1),
  );
  close(
    samplers.roundRobin().probabilities(sizes),
    expected(() => 1),
  );
  const rr = samplers.roundRobin();
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((s) => rr.pick!(s, tasks)),
    ["a", "b", "c", "a", "b"],
  );
});

test("annealed: temperature moves linearly from `from` to `to` with progress", () => {
  const s = samplers.annealed({ from: 1, to: 5 });
  close(
    s.probabilities(sizes, 0),
    expected((n) => n),
  );
  close(
    s.probabilities(sizes, 0.5),
    expected((n) => n ** (1 / 3)),
  );
  close(
    s.probabilities(sizes, 1),
    expected((n) => n ** (1 / 5)),
  );
  const custom = samplers.annealed({ schedule: (p) => 1 + p });
  close(
    custom.probabilities(sizes, 1),
    expected((n) => n ** 0.5),
  );
  assert.throws(() => s.probabilities(sizes, 1.5), ConfigError);
});

test("drawn task frequencies pass a chi-square test against each sampler's formula", () => {
  const all = [
    samplers.proportional(),
    samplers.temperature(3),
    samplers.uniform(),
    samplers.annealed(),
  ];
  all.forEach((s, k) => {
    for (const progress of [0, 0.7]) {
      const p = s.probabilities(sizes, progress);
      const chi = chiSquare(p, 20000, 11 + k);
      assert.ok(
        chi < CRIT_DF2,
        `${s.name}@${progress}: chi-square ${chi.toFixed(2)} >= ${CRIT_DF2}`,
      );
    }
  });
  // the test has power: temperature-2 draws are rejected against the temperature-3 formula
  const chiWrong = chiSquare(
    expected((n) => n ** (1 / 3)),
    20000,
    3,
    expected((n) => n ** 0.5),
  );
  assert.ok(chiWrong > CRIT_DF2, `chi-square ${chiWrong} should reject`);
});

test("create(name) and its errors", () => {
  assert.equal(samplers.create("temperature", { T: 4 }).options?.T, 4);
  assert.equal(samplers.create("annealed", { from: 2, to: 3, mode: "all" }).mode, "all");
  assert.throws(
    () => samplers.create("bogus"),
    (e: unknown) =>
      e instanceof UnknownNameError &&
      /proportional, temperature, uniform, annealed, roundRobin/.test(e.message),
  );
  assert.throws(() => samplers.temperature(0), ConfigError);
  assert.throws(() => samplers.temperature(Number.NaN), ConfigError);
  assert.throws(() => samplers.uniform({ mode: "some" as "one" }), ConfigError);
  assert.throws(() => samplers.proportional().probabilities({ a: 0 }), ConfigError);
  assert.throws(() => samplers.proportional().probabilities({}), ConfigError);
});
