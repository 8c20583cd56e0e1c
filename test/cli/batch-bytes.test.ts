// `nlkit -batch` packs runs of route and address lines through its own
// reader, parser entry and services (batch.ts, batch-packing.ts,
// batch-services.ts); a line run on its own goes through the route or
// address command. Both must send the kernel the same request, byte for
// byte: a corpus of lines with every option the grammar has, sent both
// ways into a socket that records instead of sending.
import t from 'tap';
import { BatchReader } from '../../src/cli/batch.js';
import { runPackedBatch } from '../../src/cli/batch-packing.js';
import { parseAddressSpec } from '../../src/cli/commands/address-spec.js';
import { parseRouteSpec } from '../../src/cli/commands/route-spec.js';
import { CliContext, defaultOptions } from '../../src/cli/context.js';
import { RTM_GETLINK } from '../../src/generated/rtnetlink.js';
import type { Request } from '../../src/netlink/socket.js';
import { MessageWriter } from '../../src/netlink/writer.js';
import { AddressService } from '../../src/route/addresses/service.js';
import { RouteService } from '../../src/route/routes/service.js';

const ROUTES = [
  '10.1.0.0/16 via 10.0.0.2',
  '10.1.2.3 via inet 10.0.0.2 dev v0',
  'to 10.2.0.0/16 dev v0 src 10.0.0.1 table 100 metric 7',
  'default via 10.0.0.2 table 1000 proto static',
  'default dev v0 scope link proto 42 priority 9',
  '10.3.0.0/24 oif v1 preference 3 onlink via 10.0.0.9',
  '10.4.0.0/24 via 10.0.0.2 tos 0x10',
  '10.4.1.0/24 via 10.0.0.2 dsfield 8 table main',
  '10.5.0.0/24 via 10.0.0.2 mtu 1400 advmss 1360 window 65535 rtt 100ms rttvar 50ms ssthresh 10 cwnd 20',
  '10.5.1.0/24 via 10.0.0.2 reordering 3 hoplimit 64 initcwnd 10 initrwnd 20 rto_min 200 quickack 1 features ecn',
  '10.5.2.0/24 via 10.0.0.2 mtu lock 1300 window lock 1000',
  '10.6.0.0/24 nexthop via 10.0.0.2 dev v0 weight 3 nexthop via 10.0.1.2 dev v1 onlink',
  '10.6.1.0/24 nexthop dev v0 nexthop via inet 10.0.1.2 weight 256',
  'blackhole 10.7.0.0/24', 'unreachable 10.7.1.0/24 metric 1', 'prohibit 10.7.2.0/24', 'throw 10.7.3.0/24 table 7',
  'local 10.8.0.1 dev v0', 'broadcast 10.8.0.255 dev v0 table local scope 253', 'multicast 224.1.0.0/16 dev v0',
  'nat 10.8.1.0/24 via 10.0.0.2', 'anycast 10.8.2.0/24 dev v0', 'unicast 10.8.3.0/24 via 10.0.0.2 scope global',
  'fd00:1::/64 via fd00::2 dev v0 pref high expires 300',
  'fd00:2::1 dev v0 metric 1024 pref low table 200',
  'default via fd00::2 dev v0 pref medium',
  'default via inet6 fe80::1 dev v0 hoplimit 32',
  'blackhole fd00:3::/48',
];

const ADDRESSES = [
  '10.0.0.1/24 dev v0',
  '10.0.0.2 dev v0',
  'local 10.0.1.1/24 dev v0 broadcast + label v0:1 scope link',
  '10.0.2.1/30 brd 10.0.2.3 dev v1 metric 5',
  '10.0.3.1 peer 10.0.3.2/32 dev v1 scope 200',
  '10.0.4.1/24 remote 10.0.4.9 dev v1 valid_lft 300 preferred_lft 100',
  '10.0.5.1/24 dev v0 valid_lft forever preferred_lft forever noprefixroute',
  '127.0.0.2/8 dev lo',
  '239.1.1.1/32 dev v0 autojoin',
  'fd00::1/64 dev v0 nodad home mngtmpaddr',
  'fd00::2/64 dev v0 optimistic valid_lft 600 priority 11',
  'fd00::3 peer fd00::4/128 dev v1 preference 12',
];

/** What a request puts on the wire, nlmsghdr aside (its flags differ: a packed send asks only its last request to be acknowledged). */
function recorded(request: Request): string {
  const writer = new MessageWriter();
  request.encode(writer);
  return `${request.type} ${request.flags ?? 0} ${writer.bytes().toString('hex')}`;
}

/** A socket that records requests, answers a link lookup with an index per name, and acknowledges everything else. */
function recordingSocket() {
  const sent: string[] = [];
  const indexes = new Map<string, number>();
  const socket = {
    sent,
    execute(request: Request, _op: unknown, decode?: unknown): unknown[] {
      if (request.type === RTM_GETLINK) {
        const name = recorded(request);
        if (!indexes.has(name)) indexes.set(name, indexes.size + 2);
        return decode ? [indexes.get(name)] : [];
      }
      sent.push(recorded(request));
      return [];
    },
    executeMany(requests: readonly Request[]): void {
      for (const request of requests) sent.push(recorded(request));
    },
    executeAsync: async () => [],
    executeManyAsync: async () => undefined,
  };
  return socket;
}

function services() {
  const socket = recordingSocket();
  const connection = { socket: socket as never, label: 'test' };
  return { sent: socket.sent, route: new RouteService(connection), addr: new AddressService(connection), socket: socket as never };
}

for (const [object, lines] of [['route', ROUTES], ['address', ADDRESSES]] as const) {
  for (const command of ['add', 'delete'] as const) {
    t.test(`${object} ${command}: a packed run sends what the lines one by one send`, async (t) => {
      const packed = services();
      const ctx = new CliContext({ ...defaultOptions(), force: true }, { stdout: () => {}, stderr: (text) => t.fail(text) });
      // The file abbreviates as users do; every line is of one run.
      const words = object === 'route' ? ['r', command === 'add' ? 'add' : 'del'] : ['a', command === 'add' ? 'add' : 'd'];
      const file = lines.map((line) => `${words.join(' ')} ${line}`).join('\n') + '\n';
      const status = await runPackedBatch(ctx, 'f', new BatchReader(file), async () => t.fail('a line ran the ordinary way') as never, () => packed);
      t.equal(status, 0);

      const single = services();
      for (const line of lines) {
        const args = line.split(' ');
        if (object === 'route') {
          const spec = parseRouteSpec(args, undefined);
          if (command === 'add') single.route.add(spec);
          else single.route.delete(spec);
        } else {
          const spec = parseAddressSpec(args);
          if (command === 'add') single.addr.add(spec);
          else single.addr.delete(spec);
        }
      }
      t.equal(single.sent.length, lines.length, 'one request per line');
      t.same(packed.sent, single.sent, 'the same requests, byte for byte');
    });
  }
}
