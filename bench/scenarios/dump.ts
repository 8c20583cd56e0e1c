// dump: decode throughput of a large link dump and a large route dump —
// objects and netlink megabytes per second — against `ip` printing the same.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { RT_TABLE_MAIN, RTM_GETADDR, RTM_GETLINK, RTM_GETROUTE } from '../../src/generated/rtnetlink.js';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import type { Message } from '../../src/netlink/message.js';
import type { NetlinkSocket, Request } from '../../src/netlink/socket.js';
import { NLMSG_HDRLEN } from '../../src/netlink/writer.js';
import { openNetlinkSocket } from '../../src/netns/socket.js';
import type { RouteConnection } from '../../src/route/connection.js';
import { collectGarbage } from '../harness/gc.js';
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import { loadRouteApi, type Loaded, type OpenRoute } from '../harness/nlkit.js';
import type { Implementation, RunInfo, Scenario, ScenarioContext, ScenarioRow } from '../harness/scenario.js';
import { perSecond } from '../harness/stats.js';
import { countLines, ipBatch, ipIn } from '../harness/tools.js';
import { addRoutingLinks, routeDestination } from './routes.js';

/** sizeof(struct ifinfomsg), sizeof(struct rtmsg) */
const IFINFOMSG_LEN = 16;
const RTMSG_LEN = 12;
const IFADDRMSG_LEN = 8;
/** From glibc's <bits/socket.h>, which codegen does not cover. */
const AF_INET = 2;

export interface DumpSizes {
  /** veth pairs, so the link dump holds twice as many links plus lo. */
  vethPairs: number;
  routes: number;
  /** IPv4 /32 addresses on one veth. */
  addresses: number;
}

export function dumpSizes(quick: boolean): DumpSizes {
  return quick ? { vethPairs: 500, routes: 100_000, addresses: 2_000 } : { vethPairs: 1_000, routes: 100_000, addresses: 5_000 };
}

/** What is dumped, by each implementation's means. */
interface DumpTarget {
  key: 'links' | 'routes' | 'addresses';
  netns: string;
  expected: number;
  nlkit(rt: RouteConnection): unknown[];
  /** The same dump request at socket level, decoded into nothing. */
  request: Request;
  /** `ip` arguments printing the objects; text has one object per line with -o. */
  ipText: string[];
  ipJson: string[];
  /** Objects in ip's parsed JSON, when they are not its top-level entries (`ip -j addr` lists links). */
  countJson?: (parsed: unknown[]) => number;
}

/**
 * Between two timed dumps of one run: the garbage of the last (100k routes
 * are ~30 MB) is collected here, untimed, as the harness does between runs,
 * instead of inside the next dump.
 */
async function betweenDumps(): Promise<void> {
  collectGarbage();
  await sleep(100);
}

/** The first dump of a fresh process (see dump-first.ts): cold JIT, as a short-lived tool or a just-started agent sees it. */
function firstCallDump(target: DumpTarget): { objects: number; ms: number; cpuMs: number } {
  const out = execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), new URL('./dump-first.ts', import.meta.url).pathname, target.key, target.netns], { encoding: 'utf8' });
  return JSON.parse(out) as { objects: number; ms: number; cpuMs: number };
}

/** CPU time (user + system, every thread of the process) since `start`, in ms. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** The netlink bytes of one dump, measured once at socket level: sum of message lengths. */
function dumpBytes(socket: NetlinkSocket, target: DumpTarget): { bytes: number; objects: number } {
  const sizes = socket.dump(target.request, { operation: `dump ${target.key}` }, (m: Message) => m.end - m.offset + NLMSG_HDRLEN);
  return { bytes: sizes.reduce((a, b) => a + b, 0), objects: sizes.length };
}

function implementations(targets: DumpTarget[], route: Loaded<OpenRoute>): Implementation[] {
  const connections = new Map<string, RouteConnection>();
  const sockets = new Map<string, NetlinkSocket>();
  const bytes = new Map<string, number>();
  // cpuMs: user + system CPU time of the process over the dump (all its
  // threads, the garbage collector's included): steadier than wall time on a
  // loaded machine. Absent for ip, whose work is in a child process.
  const rates = (key: string, objects: number, ms: number, withBytes: boolean, cpuMs?: number) => ({
    [`${key}`]: perSecond(objects, ms),
    ...(withBytes ? { [`${key}-mb`]: perSecond(bytes.get(key)! / 1e6, ms) } : {}),
    ...(cpuMs !== undefined ? { [`${key}-cpu`]: perSecond(objects, cpuMs) } : {}),
  });
  const noBytes = {
    'links-mb': "ip's netlink traffic is not observable from outside; compare objects/s",
    'routes-mb': "ip's netlink traffic is not observable from outside; compare objects/s",
    'addresses-mb': "ip's netlink traffic is not observable from outside; compare objects/s",
    'links-cpu': 'ip runs in a child process; its CPU time is not measured',
    'routes-cpu': 'ip runs in a child process; its CPU time is not measured',
    'addresses-cpu': 'ip runs in a child process; its CPU time is not measured',
  };
  return [
    {
      name: 'nlkit',
      ...(route.unavailable !== undefined ? { notApplicable: route.unavailable } : {}),
      prepare() {
        for (const t of targets) connections.set(t.key, route.api!({ netns: t.netns }));
      },
      async run({ verify }: RunInfo) {
        let metrics = {};
        for (const t of targets) {
          await betweenDumps();
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          const objects = t.nlkit(connections.get(t.key)!);
          const ms = performance.now() - t0;
          const cpuMs = cpuMsSince(cpu0);
          verify.check(objects.length === t.expected, `nlkit dumped ${objects.length} ${t.key}, expected ${t.expected}`);
          metrics = { ...metrics, ...rates(t.key, objects.length, ms, true, cpuMs) };
        }
        return { metrics };
      },
      dispose() {
        for (const c of connections.values()) c.close();
      },
    },
    {
      name: 'nlkit-first',
      ...(route.unavailable !== undefined ? { notApplicable: route.unavailable } : {}),
      run({ verify }: RunInfo) {
        let metrics = {};
        for (const t of targets) {
          const { objects, ms, cpuMs } = firstCallDump(t);
          verify.check(objects === t.expected, `nlkit's first dump in a fresh process returned ${objects} ${t.key}, expected ${t.expected}`);
          metrics = { ...metrics, ...rates(t.key, objects, ms, true, cpuMs) };
        }
        return { metrics };
      },
    },
    {
      name: 'nlkit-socket',
      prepare() {
        for (const t of targets) {
          const socket = openNetlinkSocket(NETLINK_ROUTE, { netns: t.netns });
          sockets.set(t.key, socket);
          bytes.set(t.key, dumpBytes(socket, t).bytes);
        }
      },
      async run({ verify }: RunInfo) {
        let metrics = {};
        for (const t of targets) {
          await betweenDumps();
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          // Framing, sequence checks and DUMP_INTR handling, but no attribute decoding.
          const objects = sockets.get(t.key)!.dump(t.request, { operation: `dump ${t.key}` }, (m: Message) => m.type);
          const ms = performance.now() - t0;
          const cpuMs = cpuMsSince(cpu0);
          verify.check(objects.length === t.expected, `socket dump returned ${objects.length} ${t.key}, expected ${t.expected}`);
          metrics = { ...metrics, ...rates(t.key, objects.length, ms, true, cpuMs) };
        }
        return { metrics };
      },
      dispose() {
        for (const s of sockets.values()) s.close();
      },
    },
    {
      name: 'ip-json',
      metricNotApplicable: noBytes,
      async run({ verify }: RunInfo) {
        let metrics = {};
        for (const t of targets) {
          await betweenDumps();
          const t0 = performance.now();
          const parsed = JSON.parse(ipIn(t.netns, '-j', ...t.ipJson)) as unknown[];
          const ms = performance.now() - t0;
          const objects = { length: t.countJson ? t.countJson(parsed) : parsed.length };
          verify.check(objects.length === t.expected, `ip -j ${t.ipJson.join(' ')} gave ${objects.length} ${t.key}, expected ${t.expected}`);
          metrics = { ...metrics, ...rates(t.key, objects.length, ms, false) };
        }
        return { metrics };
      },
    },
    {
      name: 'ip-text',
      metricNotApplicable: noBytes,
      run({ verify }: RunInfo) {
        let metrics = {};
        for (const t of targets) {
          const t0 = performance.now();
          const lines = countLines(ipIn(t.netns, ...t.ipText));
          const ms = performance.now() - t0;
          verify.check(lines === t.expected, `ip ${t.ipText.join(' ')} printed ${lines} lines, expected ${t.expected}`);
          metrics = { ...metrics, ...rates(t.key, lines, ms, false) };
        }
        return { metrics };
      },
    },
  ];
}

function linkDumpRequest(): Request {
  return { type: RTM_GETLINK, encode: (w) => void w.reserve(IFINFOMSG_LEN) };
}

function addressDumpRequest(): Request {
  // struct ifaddrmsg, family AF_INET.
  return {
    type: RTM_GETADDR,
    encode(w) {
      const at = w.reserve(IFADDRMSG_LEN);
      w.buf[at] = AF_INET;
    },
  };
}

function routeDumpRequest(): Request {
  return {
    type: RTM_GETROUTE,
    encode(w) {
      const at = w.reserve(RTMSG_LEN);
      w.buf[at] = AF_INET;
      w.buf[at + 4] = RT_TABLE_MAIN;
    },
  };
}

export const dump: Scenario = {
  name: 'dump',
  title: 'decode throughput of large link, route and address dumps, warm and as a process\'s first call',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const sizes = dumpSizes(ctx.quick);
    const route = await loadRouteApi();
    return withBenchNamespaces(['dump-links', 'dump-routes', 'dump-addresses'], ([linksNetns, routesNetns, addressesNetns]) => {
      ctx.progress(`dump: creating ${sizes.vethPairs} veth pairs, ${sizes.routes} routes and ${sizes.addresses} addresses (untimed)`);
      ipBatch(['link add da0 type veth peer name da1', ...Array.from({ length: sizes.addresses }, (_, i) => `addr add 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 dev da0`)], addressesNetns);
      ipBatch(Array.from({ length: sizes.vethPairs }, (_, i) => `link add dl${i} type veth peer name dr${i}`), linksNetns);
      addRoutingLinks(routesNetns);
      ipBatch(Array.from({ length: sizes.routes }, (_, i) => `route add ${routeDestination(i)}/32 via 10.9.0.2`), routesNetns);
      // The connected route of rA comes with the table.
      const routeCount = sizes.routes + 1;
      const targets: DumpTarget[] = [
        {
          key: 'links', netns: linksNetns, expected: sizes.vethPairs * 2 + 1,
          nlkit: (rt) => rt.link.list(), request: linkDumpRequest(),
          ipText: ['-d', '-o', 'link', 'show'], ipJson: ['-d', 'link', 'show'],
        },
        {
          key: 'routes', netns: routesNetns, expected: routeCount,
          nlkit: (rt) => rt.route.list({ family: 4, table: 'main' }), request: routeDumpRequest(),
          ipText: ['route', 'show'], ipJson: ['route', 'show'],
        },
        {
          key: 'addresses', netns: addressesNetns!, expected: sizes.addresses,
          nlkit: (rt) => rt.addr.list({ family: 4 }), request: addressDumpRequest(),
          ipText: ['-4', '-o', 'addr', 'show'], ipJson: ['-4', 'addr', 'show'],
          countJson: (links) => (links as { addr_info?: unknown[] }[]).reduce((n, l) => n + (l.addr_info?.length ?? 0), 0),
        },
      ];
      return measure(ctx, {
        scenario: 'dump',
        metrics: [
          { key: 'links', unit: 'links/s', better: 'higher', description: `links dumped per second (${targets[0]!.expected} links)` },
          { key: 'links-mb', unit: 'MB/s', better: 'higher', description: 'netlink bytes of the link dump consumed per second', noRatios: true },
          { key: 'links-cpu', unit: 'links/CPU-s', better: 'higher', description: 'links dumped per CPU-second of the process (user + system, all threads)' },
          { key: 'routes', unit: 'routes/s', better: 'higher', description: `routes dumped per second (${routeCount} routes, table main)` },
          { key: 'routes-mb', unit: 'MB/s', better: 'higher', description: 'netlink bytes of the route dump consumed per second', noRatios: true },
          { key: 'routes-cpu', unit: 'routes/CPU-s', better: 'higher', description: 'routes dumped per CPU-second of the process (user + system, all threads)' },
          { key: 'addresses', unit: 'addrs/s', better: 'higher', description: `addresses dumped per second (${sizes.addresses} IPv4 addresses on one link)` },
          { key: 'addresses-mb', unit: 'MB/s', better: 'higher', description: 'netlink bytes of the address dump consumed per second', noRatios: true },
          { key: 'addresses-cpu', unit: 'addrs/CPU-s', better: 'higher', description: 'addresses dumped per CPU-second of the process (user + system, all threads)' },
        ],
        implementations: implementations(targets, route),
        ratioPairs: [['nlkit', 'ip-json'], ['nlkit', 'ip-text'], ['nlkit', 'nlkit-socket'], ['nlkit-first', 'nlkit'], ['nlkit-first', 'ip-json']],
        notes: [
          `${targets[0]!.expected} links (veth pairs + lo) in one namespace; ${routeCount} IPv4 routes in another; ${sizes.addresses} IPv4 /32 addresses on one veth in a third`,
          'nlkit is warm (the same calls ran in the warm-up round and every run before); nlkit-first is the first call of a fresh process per run (node --import=tsx bench/scenarios/dump-first.ts: the connection is opened untimed, the one dump timed), where V8 has compiled none of the decoders yet',
          'nlkit: rt.link.list() / rt.route.list({ family: 4, table: "main" }) / rt.addr.list({ family: 4 }) decoding every message into objects; nlkit-socket: the same dump through NetlinkSocket.dump with no attribute decoding (the receive + framing floor)',
          'ip-json: `ip -j -d link show` / `ip -j route show` + JSON.parse in Node; ip-text: `ip -d -o link show` / `ip route show`, printing only',
          'MB/s counts the netlink bytes of nlkit\'s own dump request (measured once, untimed); nlkit/nlkit-socket is the share of the floor that full decoding keeps',
          '-cpu rows: objects per CPU-second of the dumping process (process.cpuUsage around the one dump: user + system, every thread, the garbage collector\'s included); steadier than wall time on a loaded machine; n/a for ip (a child process)',
        ],
      });
    });
  },
};
