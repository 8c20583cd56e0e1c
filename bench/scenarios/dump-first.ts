// One dump as the first call of a fresh process (V8 has compiled nothing of
// nlkit's decoders yet): the dump scenario's nlkit-first column. Run as
// `node --import=tsx dump-first.ts KEY NETNS`; prints `{ objects, ms, cpuMs,
// second }`, `second` being the same dump again in the same process (what of
// the first call's cost was one-time work; dump-first-harness.ts reports it).
import { openRoute } from '../../src/index.js';

const [key, netns] = process.argv.slice(2);
const rt = openRoute({ netns: netns! });
const dumps: Record<string, () => unknown[]> = {
  links: () => rt.link.list(),
  routes: () => rt.route.list({ family: 4, table: 'main' }),
  addresses: () => rt.addr.list({ family: 4 }),
};
const dumpOf = dumps[key!];
if (!dumpOf) throw new Error(`unknown dump "${key}" (known: ${Object.keys(dumps).join(', ')})`);

// The `performance` global loads perf_hooks on first use (about a millisecond):
// done here, untimed, so the first dump's figures are nlkit's alone.
performance.now();

function timed(): { objects: number; ms: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const objects = dumpOf!().length;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { objects, ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const first = timed();
const second = timed();
rt.close();
process.stdout.write(JSON.stringify({ ...first, second }));
