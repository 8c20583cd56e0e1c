// The writer of the events scenario: a child process that changes one bench
// namespace as fast as a single writer can — nlkit's sync API, addresses and
// routes packed many to a send (addMany / deleteMany) — in a process of its
// own, so none of its work (its garbage collector's threads included) is
// charged to the consumers whose CPU the scenario measures. One cycle
// adds and deletes again, so the namespace ends as it began.
import { readFileSync } from 'node:fs';
import type { RouteConnection } from '../../src/route/connection.js';
import type { AddressSpec } from '../../src/route/addresses/spec.js';
import type { RouteSpec } from '../../src/route/routes/spec.js';
import { loadRouteApi } from '../harness/nlkit.js';

/** What one writer cycle does: every object is added, then deleted again. */
export interface WriterCycle {
  /** ifb links created one by one, then deleted one by one. */
  links: number;
  /** IPv4 /32 addresses on the writer's veth, added and deleted (each also makes and removes a local route). */
  addresses: number;
  /** IPv4 /32 routes on the veth, added and deleted. */
  routes4: number;
  /** IPv6 /128 routes on the veth, added and deleted. */
  routes6: number;
}

/** The environment variable that names the bench namespace the writer process changes (it holds the veth {@link WRITER_DEVICE}, up). */
export const WRITER_NETNS_VARIABLE = 'NLKIT_EVENTS_WRITER_NETNS';

/** The veth end the addresses and routes go on. */
export const WRITER_DEVICE = 'd0';
/** Name prefix of the links a cycle creates and deletes. */
export const WRITER_LINK_PREFIX = 'evl';
/** Prefix of the cycle's IPv4 addresses (`10.1.x.y/32`). */
export const WRITER_ADDRESS_PREFIX = '10.1.';
/** Prefix of the cycle's IPv4 routes (`198.18.x.y/32`). */
export const WRITER_ROUTE4_PREFIX = '198.18.';
/** Prefix of the cycle's IPv6 routes (`2001:db8::x/128`). */
export const WRITER_ROUTE6_PREFIX = '2001:db8::';

function v4(prefix: string, i: number): string {
  return `${prefix}${(i >> 8) & 255}.${i & 255}`;
}

/** How many changes (kernel requests that each cause at least one notification) one cycle makes. */
export function cycleChanges(cycle: WriterCycle): number {
  return 2 * (cycle.links + cycle.addresses + cycle.routes4 + cycle.routes6);
}

/** Runs one cycle on `rt`; returns how long it took in ms. */
export function runCycle(rt: RouteConnection, cycle: WriterCycle): number {
  const addresses: AddressSpec[] = Array.from({ length: cycle.addresses }, (_, i) => ({ dev: WRITER_DEVICE, address: `${v4(WRITER_ADDRESS_PREFIX, i)}/32` }));
  const routes: RouteSpec[] = [
    ...Array.from({ length: cycle.routes4 }, (_, i): RouteSpec => ({ dev: WRITER_DEVICE, dst: `${v4(WRITER_ROUTE4_PREFIX, i)}/32` })),
    ...Array.from({ length: cycle.routes6 }, (_, i): RouteSpec => ({ dev: WRITER_DEVICE, dst: `${WRITER_ROUTE6_PREFIX}${(i + 1).toString(16)}/128` })),
  ];
  const t0 = performance.now();
  for (let i = 0; i < cycle.links; i++) rt.link.add({ name: `${WRITER_LINK_PREFIX}${i}`, type: 'ifb' });
  for (let i = 0; i < cycle.links; i++) rt.link.delete(`${WRITER_LINK_PREFIX}${i}`);
  rt.addr.addMany(addresses);
  rt.addr.deleteMany(addresses);
  rt.route.addMany(routes);
  rt.route.deleteMany(routes);
  return performance.now() - t0;
}

/**
 * CPU time of a task in ns: the first field of its schedstat (`self` for the
 * calling thread, a pid for a whole single-threaded process); NaN when the
 * kernel does not expose it.
 */
export function schedstatCpuNs(task: 'self' | number): number {
  try {
    const path = task === 'self' ? '/proc/thread-self/schedstat' : `/proc/${task}/schedstat`;
    return Number(readFileSync(path, 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

interface Message {
  id: number;
  cmd: 'ping' | 'cycle' | 'close';
  cycle?: WriterCycle;
}

// Only when started as the writer process (the scenario imports the helpers above too).
const writerNetns = process.env[WRITER_NETNS_VARIABLE];
if (process.send !== undefined && writerNetns !== undefined) {
  const netns = writerNetns;
  const loaded = await loadRouteApi();
  let rt: RouteConnection | undefined;

  const handle = (message: Message): Record<string, unknown> => {
    if (loaded.unavailable !== undefined) throw new Error(loaded.unavailable);
    switch (message.cmd) {
      case 'ping':
        rt ??= loaded.api({ netns });
        return {};
      case 'cycle': {
        rt ??= loaded.api({ netns });
        const cpu0 = schedstatCpuNs('self');
        const ms = runCycle(rt, message.cycle!);
        return { ms, cpuNs: schedstatCpuNs('self') - cpu0 };
      }
      case 'close':
        rt?.close();
        rt = undefined;
        return {};
    }
  };

  const reply = (message: Record<string, unknown>) => process.send!(message);
  process.on('message', (message: Message) => {
    try {
      reply({ ...handle(message), id: message.id });
    } catch (error) {
      reply({ id: message.id, error: `${(error as Error).name}: ${(error as Error).message}` });
    }
  });
  // The scenario closing the channel (or dying) ends the writer.
  process.on('disconnect', () => {
    rt?.close();
    process.exit(0);
  });
}
