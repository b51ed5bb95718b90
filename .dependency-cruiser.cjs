/**
 * The layer rules of DESIGN.md section 2, checked by `npm test` (scripts/test.sh):
 * errors/util -> backend, data -> model -> eval -> train -> viz -> notebook -> api (the facade),
 * sweep -> index.ts, cli/, kernel/. Each folder imports only from the layers below it. Type-only
 * imports and dynamic `import()`s count (tsPreCompilationDeps), so a layer cannot reach up even
 * for a type.
 */
const layers = [
  ["base", "^src/(errors\\.ts|util/)"],
  ["backend", "^src/backend/"],
  ["data", "^src/data/"],
  ["model", "^src/model/"],
  ["eval", "^src/eval/"],
  ["train", "^src/train/"],
  ["viz", "^src/viz/"],
  ["notebook", "^src/notebook/"],
  ["api", "^src/api/"],
  ["sweep", "^src/sweep/"],
  ["top", "^(src/index\\.ts|src/cli/|kernel/)"],
];
// backend and data share a level, so do api and sweep: neither imports the other
const level = { base: 0, backend: 1, data: 1, model: 2, eval: 3, train: 4, viz: 5, notebook: 6, api: 7, sweep: 7, top: 8 };

const forbidden = layers.flatMap(([name, from]) => {
  const above = layers.filter(([other]) => other !== name && level[other] >= level[name]);
  if (above.length === 0) return [];
  return [
    {
      name: `layer-${name}`,
      comment: `${name} imports only from the layers below it (DESIGN.md section 2)`,
      severity: "error",
      from: { path: from },
      to: { path: above.map(([, p]) => p) },
    },
  ];
});

module.exports = {
  forbidden: [
    ...forbidden,
    {
      name: "no-unresolvable",
      severity: "error",
      from: { path: "^(src|kernel)/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
