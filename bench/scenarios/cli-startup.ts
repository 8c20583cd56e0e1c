// cli-startup: how long the `nlkit` command takes to start and answer, next
// to `ip` (a C program) and to Node's own start (`node -e 0`), in one run:
// wall-clock time per process and the CPU time (user + system) the processes
// used, which moves less with the machine's load. nlkit's share is its figure
// less Node's: what bundling and lazy loading can still cut.
import { readFileSync } from 'node:fs';
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import type { Implementation, Scenario, ScenarioContext, ScenarioRow } from '../harness/scenario.js';
import { ipBatch, run } from '../harness/tools.js';

const BIN = new URL('../../bin/nlkit', import.meta.url).pathname;
/** USER_HZ: the unit of the children's times in /proc/self/stat. */
const TICK_MS = 10;

/** CPU time (user + system, ms) of the child processes this process has waited for. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces): cutime and cstime are the 16th and 17th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/** Wall-clock and CPU milliseconds per process, over `count` runs of `command args` (`input` on stdin). */
function perRun(count: number, command: string, args: readonly string[], input?: string): { ms: number; cpu: number } {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) run(command, args, input);
  return { ms: (performance.now() - t0) / count, cpu: (childrenCpuMs() - cpu0) / count };
}

/** A small batch file that leaves the namespace as it found it: 50 routes added, then deleted. */
function batchText(): string {
  const lines: string[] = [];
  for (let i = 0; i < 50; i++) lines.push(`route add 198.18.0.${i}/32 dev lo`);
  for (let i = 0; i < 50; i++) lines.push(`route del 198.18.0.${i}/32 dev lo`);
  return `${lines.join('\n')}\n`;
}

export const cliStartup: Scenario = {
  name: 'cli-startup',
  title: 'start-up of the nlkit command: -V, `-j link show lo` and a 100-line -batch in a namespace, one process each',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const count = ctx.smoke ? 2 : ctx.quick ? 10 : 30;
    return withBenchNamespaces(['cli'], async ([netns]) => {
      ipBatch(['link set lo up'], netns);
      const show = ['-n', netns!, '-j', 'link', 'show', 'lo'];
      const batch = ['-n', netns!, '-batch', '-'];
      const text = batchText();
      const nlkit = (args: readonly string[], input?: string) => perRun(count, process.execPath, [BIN, ...args], input);
      const node = () => perRun(count, process.execPath, ['-e', '0']);
      const implementations: Implementation[] = [
        {
          name: 'node',
          metricNotApplicable: { show: 'Node alone answers nothing', batch: 'Node alone answers nothing', 'cpu-show': 'see cpu-version', 'cpu-batch': 'see cpu-version' },
          run() {
            const start = node();
            return { metrics: { version: start.ms, 'cpu-version': start.cpu } };
          },
        },
        {
          name: 'nlkit',
          run({ verify }) {
            verify.check(/"ifname":"lo"/.test(run(process.execPath, [BIN, ...show])), 'nlkit -j link show lo printed lo');
            run(process.execPath, [BIN, ...batch], text);
            verify.check(!/198\.18\.0\./.test(run('ip', ['-n', netns!, 'route', 'show', 'table', 'all'])), 'the batch left no route behind');
            const [version, listing, batched] = [nlkit(['-V']), nlkit(show), nlkit(batch, text)];
            return {
              metrics: {
                version: version.ms, show: listing.ms, batch: batched.ms,
                'cpu-version': version.cpu, 'cpu-show': listing.cpu, 'cpu-batch': batched.cpu,
              },
            };
          },
        },
        {
          name: 'nlkit-own',
          metricNotApplicable: { version: 'see show', 'cpu-version': 'see cpu-show' },
          run() {
            // Measured right after Node's own start in the same round: the command's share.
            const [listing, batched, start] = [nlkit(show), nlkit(batch, text), node()];
            return { metrics: { show: listing.ms - start.ms, batch: batched.ms - start.ms, 'cpu-show': listing.cpu - start.cpu, 'cpu-batch': batched.cpu - start.cpu } };
          },
        },
        {
          name: 'ip',
          run() {
            const [version, listing, batched] = [perRun(count, 'ip', ['-V']), perRun(count, 'ip', show), perRun(count, 'ip', batch, text)];
            return {
              metrics: {
                version: version.ms, show: listing.ms, batch: batched.ms,
                'cpu-version': version.cpu, 'cpu-show': listing.cpu, 'cpu-batch': batched.cpu,
              },
            };
          },
        },
      ];
      return measure(ctx, {
        scenario: 'cli-startup',
        metrics: [
          { key: 'version', unit: 'ms', better: 'lower', description: 'one process printing its version (-V)' },
          { key: 'show', unit: 'ms', better: 'lower', description: 'one process printing `-j link show lo` of a namespace' },
          { key: 'batch', unit: 'ms', better: 'lower', description: 'one `-batch -` process: 50 route adds, then their 50 deletes' },
          { key: 'cpu-version', unit: 'ms CPU', better: 'lower', description: 'CPU time (user + system) of one -V process' },
          { key: 'cpu-show', unit: 'ms CPU', better: 'lower', description: 'CPU time of one `-j link show lo` process' },
          { key: 'cpu-batch', unit: 'ms CPU', better: 'lower', description: 'CPU time of one 100-line `-batch -` process' },
        ],
        implementations,
        notes: [
          'nlkit runs the bundled command (dist/cli/nlkit.cjs with its V8 code cache) when built (npm ci builds it), else tsc\'s dist/cli/bin.js, else the TypeScript sources through tsx (much slower to start).',
          'CPU times come from the children\'s user and system times in /proc/self/stat (10 ms ticks, summed over every run of a round).',
        ],
      });
    });
  },
};
