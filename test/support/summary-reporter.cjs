// Mocha's spec output, then where the time went (the slowest files, tests and hooks: npm test has a 30-minute budget;
// a file's time is what its tests and hooks took),
// closed by one plain summary line ("N passed, N failed, N skipped") that CI reads.
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_TEST_END, EVENT_HOOK_END } = Mocha.Runner.constants;
const SLOWEST = 12;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let startedAt = Date.now();
    const tests = [];
    const hooks = [];
    runner.once(EVENT_RUN_BEGIN, () => { startedAt = Date.now(); });
    const files = new Map();
    const inFile = (runnable) => {
      const file = path.relative(process.cwd(), runnable.file ?? runnable.parent?.file ?? '(root hooks)');
      files.set(file, (files.get(file) ?? 0) + (runnable.duration ?? 0));
    };
    runner.on(EVENT_TEST_END, (t) => { tests.push([t.duration ?? 0, t.fullTitle()]); inFile(t); });
    runner.on(EVENT_HOOK_END, (h) => { hooks.push([h.duration ?? 0, h.fullTitle()]); inFile(h); });
    runner.once(EVENT_RUN_END, () => {
      const lines = (list) => [...list].sort((a, b) => b[0] - a[0]).slice(0, SLOWEST).map(([ms, title]) => `  ${seconds(ms).padStart(8)}  ${title.slice(0, 140)}`);
      const inTests = tests.reduce((n, [ms]) => n + ms, 0);
      const inHooks = hooks.reduce((n, [ms]) => n + ms, 0);
      process.stdout.write(`\nTime: ${seconds(Date.now() - startedAt)} in all, ${seconds(inTests)} in tests, ${seconds(inHooks)} in hooks.\n`);
      process.stdout.write(`Slowest files:\n${lines([...files].map(([file, ms]) => [ms, file])).join('\n')}\n`);
      process.stdout.write(`Slowest tests:\n${lines(tests).join('\n')}\nSlowest hooks:\n${lines(hooks).join('\n')}\n`);
      const { passes, failures, pending } = runner.stats;
      process.stdout.write(`\n${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SummaryReporter;
