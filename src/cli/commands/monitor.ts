// `nlkit monitor [all|link|address|route|neigh|rule|nsid|nexthop]`: the events
// API as ip monitor prints it. With -j each notification is one line of JSON
// (the object ip's printers emit, monitorEventToIpJson); ip 6.1 itself ignores
// -j under monitor and prints text. Runs until interrupted (SIGINT/SIGTERM) or
// until the caller's abort signal fires.
import { monitorEventToIpJson, openMonitor, type MonitorEvent, type MonitorGroup } from '../../monitor/index.js';
import type { Link } from '../../route/index.js';
import { CliUsageError, matchKeyword } from '../args.js';
import type { CliContext } from '../context.js';
import { formatIpJson } from '../json-writer.js';
import { nexthopObjectText } from './nexthop-text.js';

// Abbreviations resolve in ip's order (do_ipmonitor): `n`, `ne` are neigh, `ns` nsid, `nex` nexthop;
// `all` is only ever spelt out (ip compares it with strcmp), so `a` is address.
const OBJECTS = ['link', 'address', 'route', 'neigh', 'rule', 'nsid', 'nexthop'] as const;
const GROUPS: Record<(typeof OBJECTS)[number] | 'all', MonitorGroup[]> = {
  all: ['link', 'address', 'route', 'neighbour', 'rule', 'nsid', 'nexthop'],
  link: ['link'],
  address: ['address'],
  route: ['route'],
  neigh: ['neighbour'],
  rule: ['rule'],
  nsid: ['nsid'],
  nexthop: ['nexthop'],
};

function textOf(kind: MonitorEvent['kind'], json: Record<string, unknown>): string {
  // print_cache_nexthop: the line `ip nexthop show` prints, "Deleted " before a removal.
  if (kind === 'nexthop') return `${json.deleted ? 'Deleted ' : ''}${nexthopObjectText(json)}\n`;
  const { deleted, ...rest } = json;
  const parts = Object.entries(rest).map(([k, v]) => (typeof v === 'object' && v !== null ? `${k} ${JSON.stringify(v)}` : `${k} ${v}`));
  return `${deleted ? 'Deleted ' : ''}${parts.join(' ')}\n`;
}

export async function runMonitor(ctx: CliContext, args: string[]): Promise<number> {
  const signal = ctx.io.signal;
  const groups = new Set<MonitorGroup>();
  for (const word of args) {
    const object = word === 'all' ? 'all' : matchKeyword(word, OBJECTS);
    if (!object) throw new CliUsageError(`Argument "${word}" is unknown, try "nlkit monitor help".`);
    for (const g of GROUPS[object]) groups.add(g);
  }
  if (groups.size === 0) for (const g of GROUPS.all) groups.add(g);
  const options = ctx.options.netns === undefined ? {} : { netns: ctx.options.netns };
  const links = new Map<number, Link>(ctx.rt().link.list().map((l) => [l.index, l]));
  const monitor = openMonitor({ ...options, groups: [...groups] });
  const stop = () => monitor.close();
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  const onSignal = () => stop();
  if (!signal) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    for await (const event of monitor) {
      if (event.kind === 'overrun') {
        ctx.io.stderr('nlkit monitor: the kernel dropped notifications (receive buffer overrun)\n');
        continue;
      }
      if (!('action' in event)) continue;
      if (event.kind === 'link') {
        if (event.action === 'del') links.delete(event.link.index);
        else links.set(event.link.index, event.link);
      }
      const json = monitorEventToIpJson(event as never, links, { details: ctx.options.details > 0 });
      if (!json) continue;
      ctx.out(ctx.options.json ? formatIpJson(json, ctx.options.pretty) : textOf(event.kind, json));
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    monitor.close();
  }
  return 0;
}
