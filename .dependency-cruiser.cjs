// Dependency gate (`npm run deps`): the layer list of docs/ARCHITECTURE.md as rules.
// Layers are listed bottom to top; a module may import from its own layer or a lower one.
// Where two folders share a level in the document (log/bus, protocol/plan, web/cli) the
// order below says which way the arrow may point, so that two layers never import each other.
// Paths are relative to the directory depcruise runs in, so the gate's fixture tree
// (test/fixtures/gate/src/...) is checked by these same rules.

/** Bottom to top. `only` narrows a layer to the lower layers the document names for it. */
const LAYERS = [
  { name: 'domain', path: '^src/domain/', why: 'plain shared types' },
  { name: 'clock', path: '^src/clock\\.ts$', why: 'the one Clock shape (wall and monotonic)' },
  { name: 'log', path: '^src/log\\.ts$', why: 'the root logger' },
  { name: 'bus', path: '^src/bus\\.ts$', why: 'the typed event bus (may log)' },
  { name: 'protocol', path: '^src/protocol/', why: 'pure codecs', only: ['domain'] },
  { name: 'plan', path: '^src/plan/', why: 'pure read planning (may use the codecs)', only: ['domain', 'protocol'] },
  { name: 'by-exception', path: '^src/by-exception/', why: 'the pure store-by-exception filter', only: ['domain'] },
  {
    name: 'config',
    path: '^src/config/',
    why: 'YAML to a checked, frozen plan',
    only: ['domain', 'log', 'protocol', 'plan'],
  },
  {
    name: 'link',
    path: '^src/link/',
    why: 'the Modbus link layer: queue, outcomes, scheduler, clock, transport interface',
    only: ['domain', 'clock', 'log', 'protocol'],
  },
  {
    name: 'storage',
    path: '^src/storage/',
    why: 'every table and migration',
    only: ['domain', 'clock', 'log', 'bus', 'protocol', 'config'],
  },
  { name: 'polling', path: '^src/polling/', why: 'schedules and backoff on the link layer' },
  { name: 'gateway', path: '^src/gateway/', why: 'DTU listener and sessions' },
  { name: 'channels', path: '^src/channels/', why: 'outbound collectors (may run a socket as a gateway session)' },
  {
    name: 'events',
    path: '^src/events/',
    why: 'rules and delivery',
    only: ['domain', 'clock', 'log', 'bus', 'config', 'storage'],
  },
  {
    name: 'sinks',
    path: '^src/sinks/',
    why: "northbound sinks: the storage layer's store-and-forward in front of InfluxDB and other peers",
    only: ['domain', 'clock', 'log', 'bus', 'by-exception', 'storage'],
  },
  {
    name: 'simulator',
    path: '^src/simulator/',
    why: 'simulated DTUs and slaves for tests, demo and benchmarks',
    only: ['domain', 'clock', 'log', 'protocol', 'link'],
  },
  { name: 'services', path: '^src/services/', why: 'the facade web and cli ask the runtime through' },
  {
    name: 'web',
    path: '^src/web/',
    why: 'the HTTP API',
    only: ['domain', 'clock', 'log', 'bus', 'protocol', 'config', 'storage', 'services'],
  },
  { name: 'root', path: '^src/(app|record-history|config-reloader|config-watch)\\.ts$', why: 'the composition root' },
  { name: 'cli', path: '^src/cli/', why: 'commands: the entry points, which build the app' },
];

/** Layers whose imports of config/ must be type-only: they read the plan's shape, never run config code. */
const CONFIG_TYPES_ONLY = ['storage', 'web'];

const byName = Object.fromEntries(LAYERS.map((l) => [l.name, l]));
const anyOf = (layers) => layers.map((l) => `(${l.path})`).join('|');

const upwardRules = LAYERS.slice(0, -1).map((layer, i) => {
  const above = LAYERS.slice(i + 1);
  return {
    name: `no-upward-from-${layer.name}`,
    severity: 'error',
    comment:
      `${layer.name} (${layer.why}) sits below ${above.map((l) => l.name).join(', ')}: ` +
      'it may not import any of them, so dependencies point one way and layers stay replaceable.',
    from: { path: layer.path },
    to: { path: anyOf(above) },
  };
});

const onlyRules = LAYERS.filter((l) => l.only).map((layer) => {
  const allowed = [layer, ...layer.only.map((n) => byName[n])];
  return {
    name: `only-listed-imports-from-${layer.name}`,
    severity: 'error',
    comment:
      `${layer.name} (${layer.why}) may use only ${layer.only.join(', ')} from src/; ` +
      'anything else below it is runtime machinery it must not depend on.',
    from: { path: layer.path },
    to: { path: '^src/', pathNot: anyOf(allowed) },
  };
});

const configTypeRules = CONFIG_TYPES_ONLY.map((name) => ({
  name: `${name}-config-types-only`,
  severity: 'error',
  comment: `${name} may name config/ types (import type), but not call config code: that runs once, at load.`,
  from: { path: byName[name].path },
  to: { path: byName.config.path, dependencyTypesNot: ['type-only'] },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A module cycle has no bottom: nothing in it can be understood, tested or loaded on its own (benchmarks included).',
      from: { path: '^(src|bench)/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'Folders are units too: two folders that import each other are one tangled folder.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'storage-only-through-index',
      severity: 'error',
      comment: 'Outside storage/, its tables, dialects and migrations are reached only through src/storage/index.ts.',
      from: { path: '^src/', pathNot: '^src/storage/' },
      to: { path: '^src/storage/', pathNot: '^src/storage/index\\.ts$' },
    },
    {
      name: 'no-test-or-bench-in-src',
      severity: 'error',
      comment: 'Shipped code never depends on tests, fixtures or benchmarks (they are not built into the package).',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    ...upwardRules,
    ...onlyRules,
    ...configTypeRules,
  ],
  options: {
    // Type-only imports count: a type from a higher layer is still a wrong-way arrow.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Edges into packages, tests and benchmarks are recorded, but not cruised further.
    doNotFollow: { path: ['node_modules', '^test/'] },
    exclude: { path: '^test/fixtures/gate/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
