import t from 'tap';
import { reply } from '../helpers/crafted-reply.js';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { RTM_GETLINK, RTM_NEWLINK } from '../../src/generated/rtnetlink.js';
import { IFLA_MTU } from '../../src/generated/if_link.js';
import {
  NetlinkSocket, NetlinkError, NetlinkBatchError, DumpInterruptedError, ReplyTooLargeError, ReceiveOverrunError,
  MessageWriter, socketTransport, SocketBusyError, SocketClosedError, type Request,
} from '../../src/netlink/index.js';
import { SyscallError } from '../../src/sys/errors.js';
import { openNetlinkSocket } from '../../src/netns/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';

const getLink = (index: number): Request => ({
  type: RTM_GETLINK,
  encode: (w) => { const at = w.reserve(16); w.buf.writeInt32LE(index, at + 4); },
});
const dumpLinks: Request = { type: RTM_GETLINK, encode: (w) => void w.reserve(16) };
const op = { operation: 'get link', headerLength: 16 };
const ifname = (m: { buf: Buffer; offset: number }) => m.buf.readInt32LE(m.offset + 4);

t.test('execute, dump and errors against the kernel', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'sock');
  const sock = openNetlinkSocket(NETLINK_ROUTE, { netns: ns });
  t.teardown(() => sock.close());
  t.same(sock.execute(getLink(1), op, ifname), [1], 'get lo by index returns its reply');
  t.same(sock.dump(dumpLinks, { operation: 'dump links' }, ifname), [1], 'a fresh namespace has only lo');
  const err = t.throws(() => sock.execute(getLink(4242), { ...op, object: '#4242' })) as NetlinkError;
  t.type(err, NetlinkError);
  t.equal(err.code, 'ENODEV');
  t.equal(err.errno, 19);
  t.equal(err.operation, 'get link');
  t.match(err.message, /^get link #4242 failed: ENODEV/);
  t.same(await sock.executeAsync(getLink(1), op, ifname), [1], 'async execute');
  t.same(await sock.dumpAsync(dumpLinks, { operation: 'dump links' }, ifname), [1], 'async dump');
  await t.rejects(sock.executeAsync(getLink(4242), op), { code: 'ENODEV' });
});

t.test('extended ack text and offending attribute reach the error', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'extack');
  const sock = openNetlinkSocket(NETLINK_ROUTE, { netns: ns });
  t.teardown(() => sock.close());
  // An MTU below a veth's minimum: the kernel says so and points at IFLA_MTU.
  ip(ns!, 'link', 'add', 'name', 'va', 'type', 'veth', 'peer', 'name', 'vb');
  const index = ipJson(ns!, 'link', 'show', 'va')[0].ifindex as number;
  const setMtu: Request = {
    type: RTM_NEWLINK,
    encode: (w: MessageWriter) => { const at = w.reserve(16); w.buf.writeInt32LE(index, at + 4); w.u32(IFLA_MTU, 20); },
  };
  const err = t.throws(() => sock.execute(setMtu, { operation: 'set link', object: 'va', headerLength: 16 })) as NetlinkError;
  t.equal(err.code, 'EINVAL');
  t.equal(err.extack.message, 'mtu less than device minimum');
  t.match(err.message, /^set link va failed: EINVAL mtu less than device minimum$/);
  // A u32 attribute sent as one byte fails policy validation, and the kernel points at it.
  const shortMtu: Request = {
    type: RTM_NEWLINK,
    encode: (w: MessageWriter) => { const at = w.reserve(16); w.buf.writeInt32LE(index, at + 4); w.u8(IFLA_MTU, 1); },
  };
  const bad = t.throws(() => sock.execute(shortMtu, { operation: 'set link', object: 'va', headerLength: 16, attributeName: (p) => (p.at(-1) === IFLA_MTU ? 'IFLA_MTU' : undefined) })) as NetlinkError;
  t.equal(bad.code, 'ERANGE');
  t.same(bad.attributePath, [IFLA_MTU]);
  t.equal(bad.attribute, 'IFLA_MTU');
  t.match(bad.message, /^set link va failed: ERANGE Attribute failed policy validation \(at IFLA_MTU\)$/);
});

t.test('packed requests: each failure is reported against its own request', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'batch');
  const sock = openNetlinkSocket(NETLINK_ROUTE, { netns: ns, requestsPerSend: 4 });
  t.teardown(() => sock.close());
  const requests = [1, 1, 77, 1, 1, 1, 88, 1, 1, 99].map(getLink);
  const err = t.throws(() => sock.executeMany(requests, (i) => ({ operation: 'get link', object: `request ${i}` }))) as NetlinkBatchError;
  t.type(err, NetlinkBatchError);
  t.same(err.failures.map((f) => f.index), [2, 6, 9]);
  t.same(err.failures.map((f) => f.error.object), ['request 2', 'request 6', 'request 9']);
  t.equal(err.total, 10);
  t.doesNotThrow(() => sock.executeMany([1, 1, 1].map(getLink), op));
  const acked = t.throws(() => sock.executeMany(requests, (i) => ({ operation: 'get link', object: `request ${i}` }), { ackEach: true })) as NetlinkBatchError;
  t.same(acked.failures.map((f) => f.index), [2, 6, 9], 'same mapping when every request is acked');
  const asyncErr = await sock.executeManyAsync(requests, op).catch((e) => e);
  t.same((asyncErr as NetlinkBatchError).failures.map((f) => f.index), [2, 6, 9], 'async batch maps failures too');
});

// ---- crafted replies through the transport seam ----


/** Replaces send/recv with a scripted kernel for one test. */
function scripted(t: { teardown(fn: () => void): void }, respond: (seq: number) => Buffer[]): void {
  const saved = { ...socketTransport };
  const queue: Buffer[] = [];
  socketTransport.send = (_fd, buf) => { queue.push(...respond(buf.readUInt32LE(8))); return buf.length; };
  socketTransport.recv = (_fd, buf, flags) => {
    const next = queue[0];
    if (!next) {
      if (flags & 0x40) return -1; // MSG_DONTWAIT: nothing queued
      throw new Error('scripted kernel has nothing queued');
    }
    next.copy(buf, 0, 0, Math.min(next.length, buf.length));
    if (!(flags & 2)) queue.shift();
    return next.length;
  };
  t.teardown(() => Object.assign(socketTransport, saved));
}


t.test('an interrupted dump is retried, then reported when it never settles', async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE, { dumpRetries: 3 });
  t.teardown(() => sock.close());
  let attempts = 0;
  scripted(t, (seq) => {
    attempts++;
    const intr = attempts < 3 ? 0x10 : 0;
    return [Buffer.concat([reply(RTM_NEWLINK, 2 | intr, seq, sock.portId, Buffer.alloc(16)), reply(3, 2, seq, sock.portId, Buffer.alloc(4))])];
  });
  t.same(sock.dump(dumpLinks, { operation: 'dump links' }, () => 'x'), ['x'], 'third attempt is consistent');
  t.equal(attempts, 3);
  attempts = -100;
  t.throws(() => sock.dump(dumpLinks, { operation: 'dump links' }, () => 'x'), DumpInterruptedError);
});

t.test('stale replies with other sequence numbers are skipped', async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE);
  t.teardown(() => sock.close());
  scripted(t, (seq) => [reply(2, 0x100, seq - 5, sock.portId, Buffer.alloc(20)), reply(2, 0x100, seq, sock.portId, Buffer.alloc(20))]);
  t.same(sock.execute(getLink(1), op, ifname), []);
});

t.test('oversized datagrams and overruns raise instead of truncating', async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE);
  t.teardown(() => sock.close());
  scripted(t, (seq) => [reply(RTM_NEWLINK, 0, seq, sock.portId, Buffer.alloc(1 << 20)), reply(2, 0, seq, sock.portId, Buffer.alloc(20))]);
  t.throws(() => sock.execute(getLink(1), op, ifname), ReplyTooLargeError);
  // The dump path peeks first, so the same size is received whole.
  const big = NetlinkSocket.open(NETLINK_ROUTE);
  t.teardown(() => big.close());
  socketTransport.recv = () => { throw new SyscallError('recv', 105); };
  t.throws(() => big.execute(getLink(1), op), ReceiveOverrunError);
});

t.test('a dump part larger than the receive buffer enlarges it and the dump is retried whole', async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE);
  t.teardown(() => sock.close());
  const payload = Buffer.alloc(3 << 20, 7);
  scripted(t, (seq) => [reply(RTM_NEWLINK, 2, seq, sock.portId, payload), reply(3, 2, seq, sock.portId, Buffer.alloc(4))]);
  const sizes = sock.dump(dumpLinks, { operation: 'dump links' }, (m) => m.end - m.offset);
  t.same(sizes, [3 << 20], 'a 3 MiB message arrives whole');
});

t.test('a closed socket refuses requests', async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE);
  sock.close();
  t.ok(sock.isClosed);
  t.throws(() => sock.execute(getLink(1), op), SocketClosedError);
  sock.close();
});

t.test('a synchronous request waits for no async reply: it is refused while one is in flight', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'busy');
  const sock = openNetlinkSocket(NETLINK_ROUTE, { netns: ns });
  t.teardown(() => sock.close());
  // Hold the async send open, as a slow kernel operation would.
  const realSendAsync = socketTransport.sendAsync;
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  socketTransport.sendAsync = async (...args) => { const n = await realSendAsync(...args); await held; return n; };
  t.teardown(() => { socketTransport.sendAsync = realSendAsync; });
  const pending = sock.executeAsync(getLink(1), op, ifname);
  await new Promise((r) => setTimeout(r, 20));
  t.throws(() => sock.execute(getLink(1), op, ifname), SocketBusyError);
  release();
  t.same(await pending, [1], 'the async exchange still gets its own reply');
  t.same(sock.execute(getLink(1), op, ifname), [1], 'and the socket is usable synchronously afterwards');
});
