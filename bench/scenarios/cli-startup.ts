// cli-startup: how long the `nlkit` command takes to start and answer, next
// to `ip` (a C program) and to Node's own start (`node -e 0`), in one run.
// nlkit's share is its figure less Node's: what lazy loading can still cut.
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import type { Implementation, Scenario, ScenarioContext, ScenarioRow } from '../harness/scenario.js';
import { ipBatch, run } from '../harness/tools.js';

const BIN = new URL('../../bin/nlkit', import.meta.url).pathname;

/** Milliseconds per process, averaged over `count` runs of `command args`. */
function msPerRun(count: number, command: string, args: readonly string[]): number {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) run(command, args);
  return (performance.now() - t0) / count;
}

export const cliStartup: Scenario = {
  name: 'cli-startup',
  title: 'start-up of the nlkit command: -V, and `-j link show lo` in a namespace, one process each',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const count = ctx.smoke ? 2 : ctx.quick ? 10 : 30;
    return withBenchNamespaces(['cli'], async ([netns]) => {
      ipBatch(['link set lo up'], netns);
      const show = ['-n', netns!, '-j', 'link', 'show', 'lo'];
      const implementations: Implementation[] = [
        {
          name: 'node',
          metricNotApplicable: { show: 'Node alone answers nothing' },
          run() {
            return { metrics: { version: msPerRun(count, process.execPath, ['-e', '0']) } };
          },
        },
        {
          name: 'nlkit',
          run({ verify }) {
            verify.check(/"ifname":"lo"/.test(run(process.execPath, [BIN, ...show])), 'nlkit -j link show lo printed lo');
            return { metrics: { version: msPerRun(count, process.execPath, [BIN, '-V']), show: msPerRun(count, process.execPath, [BIN, ...show]) } };
          },
        },
        {
          name: 'nlkit-own',
          metricNotApplicable: { version: 'see show' },
          run() {
            // Measured right after Node's own start in the same round: the command's share.
            const own = msPerRun(count, process.execPath, [BIN, ...show]) - msPerRun(count, process.execPath, ['-e', '0']);
            return { metrics: { show: own } };
          },
        },
        {
          name: 'ip',
          run() {
            return { metrics: { version: msPerRun(count, 'ip', ['-V']), show: msPerRun(count, 'ip', show) } };
          },
        },
      ];
      return measure(ctx, {
        scenario: 'cli-startup',
        metrics: [
          { key: 'version', unit: 'ms', better: 'lower', description: 'one process printing its version (-V)' },
          { key: 'show', unit: 'ms', better: 'lower', description: 'one process printing `-j link show lo` of a namespace' },
        ],
        implementations,
        notes: ['nlkit runs dist/ when built (npm ci builds it), else the TypeScript sources through tsx (much slower to start).'],
      });
    });
  },
};
