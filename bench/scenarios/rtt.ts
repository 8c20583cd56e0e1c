// rtt: one request at a time — RTM_GETLINK of `lo` by index, with ack — so
// the figure is the fixed cost of a round trip through each implementation.
import { IFLA_EXT_MASK } from '../../src/generated/if_link.js';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { RTEXT_FILTER_VF, RTM_GETLINK, RTM_NEWLINK } from '../../src/generated/rtnetlink.js';
import { NLM_F_ACK, NLM_F_REQUEST, NLMSG_ERROR, type Message } from '../../src/netlink/message.js';
import type { NetlinkSocket, Request } from '../../src/netlink/socket.js';
import { MessageWriter } from '../../src/netlink/writer.js';
import { openNetlinkSocket } from '../../src/netns/socket.js';
import type { RouteConnection } from '../../src/route/connection.js';
import type { Link } from '../../src/route/links/types.js';
import * as libc from '../../src/sys/libc.js';
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import { loadRouteApi, type Loaded, type OpenRoute } from '../harness/nlkit.js';
import type { Implementation, Scenario, ScenarioContext, ScenarioRow } from '../harness/scenario.js';
import { perSecond } from '../harness/stats.js';
import { ipIn } from '../harness/tools.js';

/** sizeof(struct ifinfomsg) */
const IFINFOMSG_LEN = 16;
const LO_INDEX = 1;

export interface RttSizes {
  /** Round trips per run for the in-process implementations. */
  requests: number;
  /** `ip` processes per run. */
  forks: number;
}

export function rttSizes(ctx: { quick: boolean; smoke: boolean }): RttSizes {
  if (ctx.smoke) return { requests: 200, forks: 3 };
  return ctx.quick ? { requests: 20_000, forks: 100 } : { requests: 100_000, forks: 300 };
}

/**
 * ifinfomsg { index = lo } + IFLA_EXT_MASK: the request `rt.link.get(1)`
 * sends (what `ip link show` asks for, statistics included), so every
 * in-process implementation makes the kernel do the same work.
 */
function encodeGetLo(writer: MessageWriter): void {
  const at = writer.reserve(IFINFOMSG_LEN);
  writer.buf.writeInt32LE(LO_INDEX, at + 4);
  writer.u32(IFLA_EXT_MASK, RTEXT_FILTER_VF);
}

const getLo: Request = { type: RTM_GETLINK, encode: encodeGetLo };
const getLoOp = { operation: 'get link', object: 'lo', headerLength: IFINFOMSG_LEN };

/** The least a decoder can do: read ifi_index from the header, so only framing and matching are measured. */
function decodeIndex(m: Message): number {
  return m.type === RTM_NEWLINK ? m.buf.readInt32LE(m.offset + 4) : -1;
}

function rawRequestBytes(): Buffer {
  const w = new MessageWriter(64);
  const start = w.beginMessage(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1);
  encodeGetLo(w);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/** Runs `step` `count` times; returns the elapsed ms. The same loop for every implementation. */
function timedLoop(count: number, step: () => void): number {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) step();
  return performance.now() - t0;
}

function rttOutput(count: number, ms: number) {
  return { metrics: { rate: perSecond(count, ms), latency: (ms * 1000) / count } };
}

function socketIn(netns: string): NetlinkSocket {
  return openNetlinkSocket(NETLINK_ROUTE, { netns });
}

export function rttImplementations(netns: string, sizes: RttSizes, route: Loaded<OpenRoute>): Implementation[] {
  const { requests, forks } = sizes;

  let rt: RouteConnection | undefined;
  const viaApi: Implementation = {
    name: 'nlkit',
    ...(route.unavailable !== undefined ? { notApplicable: route.unavailable } : {}),
    prepare() {
      rt = route.api!({ netns });
    },
    run({ verify }) {
      const link = rt!.link;
      let last: Link | undefined;
      const ms = timedLoop(requests, () => {
        last = link.get(LO_INDEX);
      });
      verify.check(last?.name === 'lo' && last.index === LO_INDEX, `rt.link.get(1) returned ${JSON.stringify(last?.name)}`);
      return rttOutput(requests, ms);
    },
    dispose() {
      rt?.close();
    },
  };

  let socket: NetlinkSocket | undefined;
  const viaSocket: Implementation = {
    name: 'nlkit-socket',
    prepare() {
      socket = socketIn(netns);
    },
    run({ verify }) {
      const s = socket!;
      let index: number | undefined;
      const ms = timedLoop(requests, () => {
        index = s.execute(getLo, getLoOp, decodeIndex)[0];
      });
      verify.check(index === LO_INDEX, `NetlinkSocket.execute returned link index ${index}`);
      return rttOutput(requests, ms);
    },
    dispose() {
      socket?.close();
    },
  };

  let rawSocket: NetlinkSocket | undefined;
  const raw: Implementation = {
    name: 'raw-syscall',
    prepare() {
      // nlkit's socket setup (same options), but the loop below bypasses it.
      rawSocket = socketIn(netns);
    },
    run({ verify }) {
      const fd = rawSocket!.fd;
      const request = rawRequestBytes();
      const reply = Buffer.alloc(1 << 16);
      let datagrams = 0;
      let replies = 0;
      let lastErrno = 0;
      const ms = timedLoop(requests, () => {
        libc.send(fd, request, request.length);
        // The reply and the ack arrive as separate datagrams; stop at the ack.
        for (;;) {
          libc.recv(fd, reply, 0);
          datagrams++;
          if (reply.readUInt16LE(4) === NLMSG_ERROR) {
            lastErrno = reply.readInt32LE(16);
            break;
          }
          if (reply.readUInt16LE(4) === RTM_NEWLINK) replies++;
        }
      });
      verify.check(replies === requests && lastErrno === 0, `raw loop got ${replies} RTM_NEWLINK replies for ${requests} requests (last ack errno ${lastErrno}, ${datagrams} datagrams)`);
      return rttOutput(requests, ms);
    },
    dispose() {
      rawSocket?.close();
    },
  };

  const fork: Implementation = {
    name: 'ip-fork',
    run({ verify }) {
      let out = '';
      const ms = timedLoop(forks, () => {
        out = ipIn(netns, 'link', 'show', 'lo');
      });
      verify.check(out.startsWith('1: lo:'), `ip link show lo printed ${JSON.stringify(out.slice(0, 40))}`);
      return rttOutput(forks, ms);
    },
  };

  return [viaApi, viaSocket, raw, fork];
}

export const rtt: Scenario = {
  name: 'rtt',
  title: 'one request at a time: get link lo by index, with ack',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const sizes = rttSizes(ctx);
    const loaded = await loadRouteApi();
    return withBenchNamespaces(['rtt'], ([netns]) => measure(ctx, {
      scenario: 'rtt',
      metrics: [
        { key: 'rate', unit: 'req/s', better: 'higher', description: 'round trips per second, one request in flight' },
        { key: 'latency', unit: 'µs', better: 'lower', description: 'mean time per round trip', noRatios: true },
      ],
      implementations: rttImplementations(netns, sizes, loaded),
      ratioPairs: [
        ['nlkit', 'raw-syscall'], ['nlkit-socket', 'raw-syscall'], ['nlkit', 'ip-fork'],
      ],
      notes: [
        `${sizes.requests} round trips per run in process; ${sizes.forks} \`ip -n NS link show lo\` processes per run for ip-fork`,
        'nlkit = rt.link.get(1), the public API, decoding a full Link object; nlkit-socket = NetlinkSocket.execute with a decoder reading only ifi_index (framing, sequence matching and ack handling, no attribute decoding); raw-syscall = send + recv through src/sys/libc on a pre-encoded request, no parsing beyond the message type',
        'every in-process row sends the same request with NLM_F_ACK and reads both datagrams the kernel answers with (the RTM_NEWLINK and the ack), so the kernel does the same work for each',
        'nlkit/raw-syscall is the share of the raw cost nlkit achieves (target: within 10%, i.e. >= 0.90x)',
        'nlkit-socket/raw-syscall bounds what any decoding of the reply can reach: it is the execute path with no Link built at all',
      ],
    }));
  },
};
