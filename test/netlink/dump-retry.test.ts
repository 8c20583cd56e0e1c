// Inconsistent dumps (NLM_F_DUMP_INTR) are retried with backoff inside a time
// budget; past it the caller gets the last result, in an error or flagged.
import t from 'tap';
import { reply } from '../helpers/crafted-reply.js';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { RTM_GETLINK, RTM_NEWLINK } from '../../src/generated/rtnetlink.js';
import { DumpInterruptedError, isInconsistentDump, NetlinkSocket, socketTransport, type Request } from '../../src/netlink/index.js';
import { dumpRetryDelayMs } from '../../src/netlink/dump-retry.js';
import { SyscallError } from '../../src/sys/errors.js';
import { RouteConnection } from '../../src/route/index.js';

const dumpLinks: Request = { type: RTM_GETLINK, encode: (w) => void w.reserve(16) };
const op = { operation: 'list links', object: 'in test' };


/** A scripted kernel: each dump gets two parts, the second flagged interrupted while `interrupted()` says so. */
function scriptedDumps(t: { teardown(fn: () => void): void }, sock: NetlinkSocket, interrupted: (attempt: number) => boolean, overrunAt?: number) {
  const saved = { ...socketTransport };
  const queue: (Buffer | 'ENOBUFS')[] = [];
  let attempt = 0;
  socketTransport.send = (_fd, buf) => {
    const seq = buf.readUInt32LE(8);
    attempt++;
    const flag = interrupted(attempt) ? 0x10 : 0;
    if (attempt === overrunAt) queue.push('ENOBUFS');
    queue.push(reply(RTM_NEWLINK, 2, seq, sock.portId, Buffer.from([attempt, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])));
    queue.push(Buffer.concat([reply(RTM_NEWLINK, 2 | flag, seq, sock.portId, Buffer.from([attempt, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), reply(3, 2 | flag, seq, sock.portId, Buffer.alloc(4))]));
    return buf.length;
  };
  socketTransport.recv = (_fd, buf, flags) => {
    const next = queue[0];
    if (next === undefined) return -1;
    if (next === 'ENOBUFS') {
      queue.shift();
      throw new SyscallError('recv', 105);
    }
    next.copy(buf, 0, 0, Math.min(next.length, buf.length));
    if (!(flags & 2)) queue.shift();
    return next.length;
  };
  socketTransport.sendAsync = async (fd, buf, length) => socketTransport.send(fd, buf, length);
  socketTransport.pollReadable = () => true;
  t.teardown(() => Object.assign(socketTransport, saved));
  return { attempts: () => attempt };
}

const decode = (m: { buf: Buffer; offset: number }) => `${m.buf[m.offset]}.${m.buf[m.offset + 1]}`;

t.test('retries until consistent; parts decode only from the consistent attempt', async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE);
  t.teardown(() => sock.close());
  const k = scriptedDumps(t, sock, (a) => a < 6);
  t.same(sock.dump(dumpLinks, op, decode), ['6.0', '6.1']);
  t.equal(k.attempts(), 6);
  const k2 = scriptedDumps(t, sock, (a) => a < 4);
  t.same(await sock.dumpAsync(dumpLinks, op, decode), ['4.0', '4.1'], 'async too');
  t.equal(k2.attempts(), 4);
});

t.test('an overrun during a dump is retried like an interruption', async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE);
  t.teardown(() => sock.close());
  scriptedDumps(t, sock, () => false, 1);
  t.same(sock.dump(dumpLinks, op, decode), ['2.0', '2.1']);
});

t.test('past the budget: DumpInterruptedError with the last result, or that result flagged', async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE, { dumpRetryBudgetMs: 30 });
  t.teardown(() => sock.close());
  scriptedDumps(t, sock, () => true);
  const started = performance.now();
  const error = t.throws(() => sock.dump(dumpLinks, op, decode)) as DumpInterruptedError<string>;
  t.type(error, DumpInterruptedError);
  t.equal(error.code, 'EINTR');
  t.ok(error.attempts > 3, `several attempts (${error.attempts})`);
  t.ok(error.elapsedMs >= 30 && performance.now() - started < 2000, 'the budget bounds the time');
  t.same(error.partial, [`${error.attempts}.0`, `${error.attempts}.1`], 'the last attempt is carried');
  t.match(error.message, /list links in test: the table kept changing .* \.partial/);
  t.equal(error.operation, 'list links');

  const lenient = NetlinkSocket.open(NETLINK_ROUTE, { dumpRetryBudgetMs: 0, inconsistentDumps: 'return' });
  t.teardown(() => lenient.close());
  scriptedDumps(t, lenient, () => true);
  const result = lenient.dump(dumpLinks, op, decode);
  t.same(result, ['1.0', '1.1'], 'one attempt with a zero budget');
  t.ok(isInconsistentDump(result), 'flagged');
  scriptedDumps(t, lenient, () => false);
  t.notOk(isInconsistentDump(lenient.dump(dumpLinks, op, decode)), 'a consistent dump is not flagged');

  const capped = NetlinkSocket.open(NETLINK_ROUTE, { dumpRetries: 2 });
  t.teardown(() => capped.close());
  scriptedDumps(t, capped, () => true);
  await t.rejects(capped.dumpAsync(dumpLinks, op, decode), { name: 'DumpInterruptedError', attempts: 2 });
});

t.test('backoff: immediate retries first, then growing delays with jitter, capped', async (t) => {
  t.equal(dumpRetryDelayMs(1), 0);
  t.equal(dumpRetryDelayMs(2), 0);
  for (let attempt = 3; attempt < 30; attempt++) {
    const d = dumpRetryDelayMs(attempt);
    const ceiling = Math.min(25, 0.5 * 2 ** (attempt - 3));
    t.ok(d >= ceiling / 2 && d <= ceiling, `attempt ${attempt}: ${d.toFixed(3)} ms within [${ceiling / 2}, ${ceiling}]`);
  }
});

t.test('socket options are checked as a JavaScript caller may pass them', async (t) => {
  t.throws(() => NetlinkSocket.open(NETLINK_ROUTE, 'pod1' as never), /options must be an object, got the string "pod1" \(to open a socket in a namespace, use openNetlinkSocket\(protocol, \{ netns: "pod1" \}\)\)/);
  t.throws(() => NetlinkSocket.open(NETLINK_ROUTE, { dumpRetries: 0 }), /dumpRetries must be an integer from 1/);
  t.throws(() => NetlinkSocket.open(NETLINK_ROUTE, { inconsistentDumps: 'ignore' as never }), /inconsistentDumps must be 'throw' or 'return'/);
  t.throws(() => NetlinkSocket.open(NETLINK_ROUTE, { recieveBufferSize: 1 } as never), /unknown option "recieveBufferSize"/);
  t.throws(() => NetlinkSocket.open(NETLINK_ROUTE, { strictCheck: 'yes' as never }), /strictCheck must be a boolean/);
});

t.test("inconsistentDumps: 'return' keeps its mark through the services' filtering", async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE, { dumpRetryBudgetMs: 0, inconsistentDumps: 'return' });
  const rt = new RouteConnection(sock, 'scripted netns');
  t.teardown(() => rt.close());
  scriptedDumps(t, sock, () => true);
  const links = rt.link.list();
  t.same(links.map((l) => l.index), [1, 2]);
  t.ok(isInconsistentDump(links), 'rt.link.list() result is flagged');
  scriptedDumps(t, sock, () => true);
  t.ok(isInconsistentDump(await rt.link.listAsync()), 'and the async form');
  scriptedDumps(t, sock, () => false);
  t.notOk(isInconsistentDump(rt.link.list()), 'a consistent list is not');
});

t.test('an async dump is read in the turn of the event loop that sent it, so a busy table cannot change in between', async (t) => {
  const sock = NetlinkSocket.open(NETLINK_ROUTE, { dumpRetryBudgetMs: 0, dumpRetries: 1 });
  t.teardown(() => sock.close());
  const saved = { ...socketTransport };
  t.teardown(() => Object.assign(socketTransport, saved));
  // A scripted kernel whose table changes whenever the event loop turns after
  // the dump began; the part read after such a change is flagged NLM_F_DUMP_INTR.
  let changedSinceSend = false;
  let parts: ((changed: boolean) => Buffer)[] = [];
  let sends = 0;
  socketTransport.send = (_fd, buf) => {
    const seq = buf.readUInt32LE(8);
    sends++;
    changedSinceSend = false;
    setImmediate(() => { changedSinceSend = true; });
    parts = [
      () => reply(RTM_NEWLINK, 2, seq, sock.portId, Buffer.from([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
      (changed) => Buffer.concat([
        reply(RTM_NEWLINK, 2 | (changed ? 0x10 : 0), seq, sock.portId, Buffer.from([1, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
        reply(3, 2 | (changed ? 0x10 : 0), seq, sock.portId, Buffer.alloc(4)),
      ]),
    ];
    return buf.length;
  };
  socketTransport.recv = (_fd, buf, flags) => {
    const next = parts[0];
    if (next === undefined) return -1;
    const part = next(changedSinceSend);
    part.copy(buf, 0, 0, Math.min(part.length, buf.length));
    if (!(flags & 2)) parts.shift();
    return part.length;
  };
  socketTransport.pollReadable = () => true;
  // As the thread pool does it: the kernel handles the send at once, the completion comes a turn later.
  socketTransport.sendAsync = (fd, buf, length) => {
    const sent = socketTransport.send(fd, buf, length);
    return new Promise((resolve) => setImmediate(() => resolve(sent)));
  };
  t.same(await sock.dumpAsync(dumpLinks, op, decode), ['1.0', '1.1']);
  t.equal(sends, 1, 'consistent on the first attempt');
});
