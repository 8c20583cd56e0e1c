// eBPF classifiers: a SCHED_CLS program loaded and pinned on a bpf filesystem
// of the test's own, attached on clsact's ingress and egress by pinned path
// and by fd, with and without direct-action; read back by nlkit and by tc,
// requests matched against what tc sends for `bpf da pinned PATH`, fds
// counted before and after, bad input refused before anything is sent.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { straceWrittenBuffers } from '../../../fixtures/capture-helpers.js';
import { RTM_NEWTFILTER, TCA_OPTIONS } from '../../../src/generated/rtnetlink.js';
import { TCA_BPF_FD, TCA_BPF_FLAG_ACT_DIRECT, TCA_CLS_FLAGS_NOT_IN_HW, TCA_CLS_FLAGS_SKIP_HW } from '../../../src/generated/pkt_cls.js';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { NetlinkError } from '../../../src/netlink/errors.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../../src/netlink/message.js';
import { openRoute, type RouteConnection } from '../../../src/route/connection.js';
import { PschedClock } from '../../../src/route/tc/clock.js';
import { loadBpfProgram, openPinnedBpfProgram } from '../../../src/route/tc/filters/bpf-program.js';
import type { BpfOptions } from '../../../src/route/tc/filters/bpf.js';
import { TC_H_CLSACT_EGRESS, TC_H_CLSACT_INGRESS } from '../../../src/route/tc/handle.js';
import { tcKind } from '../../../src/route/tc/kind.js';
import { decodeTc, encodeTc } from '../../../src/route/tc/message.js';
import { TcService } from '../../../src/route/tc/service.js';
import { prepareFilter } from '../../../src/route/tc/spec.js';
import { filterToTcJson } from '../../../src/route/tc/tcjson.js';
import { BPF_MAP_TYPE_ARRAY, bpfMapCreate, bpfObjPin, closeBpfObject } from '../../../src/sys/bpf.js';
import { SyscallError } from '../../../src/sys/errors.js';
import { mount, umountDetach } from '../../../src/sys/libc.js';
import { messageOf, requestHex } from '../codec-helpers.js';
import { openCountingContext } from '../../helpers/counting-socket.js';
import { requireRoot, testNetns } from '../../helpers/netns.js';
import { attributeTree, tcJson, type AttributeNode } from './helpers.js';

/** `r0 = 0 (TC_ACT_OK); exit`: BPF_ALU64|BPF_MOV|BPF_K, then BPF_JMP|BPF_EXIT. */
const PASS = Buffer.from('b700000000000000' + '9500000000000000', 'hex');

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

function linkNames(rt: RouteConnection): Map<number, string> {
  return new Map(rt.link.list().map((l) => [l.index, l.name]));
}

/** TCA_BPF_FD's value differs between two processes; everything else must not. */
function withoutFd(nodes: AttributeNode[], inOptions = false): AttributeNode[] {
  return nodes.map((n) => {
    // A u32 fd may read as an attribute header (4 is an empty attribute of type 0): either shape is masked.
    if (inOptions && n.type === TCA_BPF_FD) return { type: n.type, hex: 'fd' };
    return 'nested' in n ? { type: n.type, nested: withoutFd(n.nested, n.type === TCA_OPTIONS) } : n;
  });
}

if (requireRoot(t)) {
  const [ns] = testNetns(t, 1, 'bpf');
  // A bpf filesystem of the test's own: /sys/fs/bpf of the host stays untouched,
  // and unmounting it drops every pin made here.
  const bpffs = mkdtempSync(join(tmpdir(), 'nlkit-bpffs-'));
  let mounted = false;
  t.teardown(() => {
    if (mounted) umountDetach(bpffs);
    rmdirSync(bpffs);
  });
  mount('bpf', bpffs, 'bpf', 0);
  mounted = true;

  const rt = openRoute({ netns: ns! });
  t.teardown(() => rt.close());
  rt.link.add({ name: 'v0', type: 'veth', up: true, peer: { name: 'v1', up: true } });
  rt.tc.qdisc.add({ dev: 'v0', kind: 'clsact' });

  const program = loadBpfProgram({ instructions: PASS, name: 'nlkit_pass' });
  t.teardown(() => program.close());
  const pinned = join(bpffs, 'pass');
  program.pin(pinned);

  t.test('a loaded program, pinned and opened again, is the same program', (t) => {
    t.match(program, { id: Number, tag: /^[0-9a-f]{16}$/, name: 'nlkit_pass', type: 3 }, 'SCHED_CLS program with its id, tag and name');
    t.ok(program.fd >= 0, 'held by an fd');
    const again = openPinnedBpfProgram(pinned);
    t.teardown(() => again.close());
    t.same({ id: again.id, tag: again.tag, name: again.name, type: again.type }, { id: program.id, tag: program.tag, name: program.name, type: program.type }, 'the pin opens the same program');
    t.not(again.fd, program.fd, 'through an fd of its own');
    const readOnly = openPinnedBpfProgram(pinned, { readOnly: true });
    t.equal(readOnly.id, program.id, 'read-only open (BPF_F_RDONLY) too');
    readOnly.close();
    t.equal(readOnly.fd, -1, 'a closed program shows fd -1');
    readOnly.close();
    t.pass('closing twice is harmless');
    t.end();
  });

  t.test('filters by pinned path and by fd, ingress and egress, with and without direct-action, as tc -j -d shows them', async (t) => {
    const before = openFds();
    rt.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, kind: 'bpf', pinned, directAction: true });
    rt.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 2, kind: 'bpf', fd: program.fd, name: 'by-fd', classid: '1:1' });
    await rt.tc.filter.addAsync({ dev: 'v0', parent: 'egress', pref: 1, kind: 'bpf', pinned, classid: '1:2' });
    await rt.tc.filter.addAsync({ dev: 'v0', parent: 'egress', pref: 2, kind: 'bpf', fd: program.fd, directAction: true, skipHw: true });
    rt.tc.filter.add({ dev: 'v0', parent: 'egress', pref: 3, kind: 'bpf', pinned, name: 'mine', directAction: true });
    t.equal(openFds(), before, 'every pinned program opened for a request was closed again');

    const names = linkNames(rt);
    const v0 = rt.link.get('v0').index;
    for (const [hook, parent] of [['ingress', TC_H_CLSACT_INGRESS], ['egress', TC_H_CLSACT_EGRESS]] as const) {
      const ours = rt.tc.filter.list({ dev: 'v0', parent: hook });
      t.same(ours.map((f) => filterToTcJson(f, names, { dev: v0, parent })), tcJson(ns!, '-d', 'filter', 'show', 'dev', 'v0', hook), `tc -j -d filter show dev v0 ${hook}`);
      t.same(ours.map((f) => filterToTcJson(f, names)), tcJson(ns!, '-d', 'filter', 'show', 'dev', 'v0', hook).map((f: object) => ({ dev: 'v0', [hook]: true, ...f })), `with dev and parent when the show names neither (${hook})`);
    }
    t.equal(openFds(), before, 'tc -j rendering opens programs by id and closes them');

    const by = (hook: 'ingress' | 'egress', pref: number) => rt.tc.filter.list({ dev: 'v0', parent: hook, pref }).find((f) => f.options !== undefined)!.options as BpfOptions;
    const loaded = { id: program.id, tag: program.tag };
    t.match(by('ingress', 1), { ...loaded, name: 'pass:[*fsobj]', flags: TCA_BPF_FLAG_ACT_DIRECT }, 'pinned, direct-action: id, tag, tc\'s name for a pinned program');
    t.match(by('ingress', 2), { ...loaded, name: 'by-fd', classid: 0x10001 }, 'by fd with a classid');
    t.notOk(by('ingress', 2).flags, 'no direct-action flag when not asked');
    t.match(by('egress', 1), { ...loaded, name: 'pass:[*fsobj]', classid: 0x10002 }, 'pinned on egress');
    t.match(by('egress', 2), { ...loaded, name: '', flags: TCA_BPF_FLAG_ACT_DIRECT, flagsGen: TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_NOT_IN_HW }, 'by fd on egress, skip_hw (the kernel adds not_in_hw)');
    t.match(by('egress', 3), { name: 'mine' }, 'a name given with pinned replaces tc\'s');

    // Unprivileged, tc cannot open the program by id and prints only prog.id and the filter's tag: so must nlkit.
    const script = [
      `import { openRoute } from ${JSON.stringify(new URL('../../../src/route/connection.ts', import.meta.url).pathname)};`,
      `import { filterToTcJson } from ${JSON.stringify(new URL('../../../src/route/tc/tcjson.ts', import.meta.url).pathname)};`,
      'const rt = openRoute();',
      'const names = new Map(rt.link.list().map((l) => [l.index, l.name]));',
      "const out = rt.tc.filter.list({ dev: 'v0', parent: 'ingress' }).map((f) => filterToTcJson(f, names, { dev: f.ifindex, parent: f.parent }));",
      'rt.close();',
      'process.stdout.write(JSON.stringify(out));',
    ].join('\n');
    const asNobody = (...command: string[]) => JSON.parse(execFileSync('ip', ['netns', 'exec', ns!, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...command], { encoding: 'utf8', env: { ...process.env, TSX_DISABLE_CACHE: '1' } })) as { options?: { tag?: string; prog?: object } }[];
    const unprivileged = asNobody('tc', '-j', '-d', 'filter', 'show', 'dev', 'v0', 'ingress');
    t.ok(unprivileged.some((f) => f.options?.tag === program.tag && Object.keys(f.options.prog ?? {}).length === 1), 'tc without privilege prints prog.id and tag only');
    t.same(asNobody(process.execPath, '--import=tsx', '--input-type=module', '-e', script), unprivileged, 'nlkit without privilege prints what tc prints without privilege');

    const fds = openFds();
    rt.tc.filter.replace({ dev: 'v0', parent: 'ingress', pref: 1, handle: 1, kind: 'bpf', pinned, name: 'replaced' });
    await rt.tc.filter.changeAsync({ dev: 'v0', parent: 'egress', pref: 1, handle: 1, kind: 'bpf', pinned, directAction: true });
    t.match(by('ingress', 1), { ...loaded, name: 'replaced' }, 'replace by pinned path');
    t.notOk(by('ingress', 1).flags, 'without direct-action now');
    t.match(by('egress', 1), { ...loaded, name: 'pass:[*fsobj]', flags: TCA_BPF_FLAG_ACT_DIRECT }, 'change by pinned path (async)');
    t.equal(openFds(), fds, 'replace and change close the program too');

    rt.tc.filter.delete({ dev: 'v0', parent: 'egress', pref: 3 });
    t.notOk(rt.tc.filter.list({ dev: 'v0', parent: 'egress' }).some((f) => f.pref === 3), 'deleted by pref');
  });

  t.test('the request for a pinned program is the one tc sends for `bpf da pinned PATH`, attribute for attribute', (t) => {
    rt.tc.qdisc.add({ dev: 'v1', kind: 'clsact' });
    const args = ['-n', ns!, 'filter', 'add', 'dev', 'v1', 'ingress', 'pref', '7', 'bpf', 'da', 'pinned', pinned];
    const run = spawnSync('strace', ['-f', '-e', 'trace=sendmsg', '-e', 'write=all', 'tc', ...args], { encoding: 'utf8' });
    t.equal(run.status, 0, `tc ${args.join(' ')} succeeds${run.status === 0 ? '' : `: ${run.stderr.slice(-400)}`}`);
    const theirs = straceWrittenBuffers(run.stderr).filter((b) => b.length >= 16 && b.readUInt16LE(4) === RTM_NEWTFILTER).at(-1);
    if (!theirs) return t.fail('tc sent no RTM_NEWTFILTER'), t.end();

    const prepared = prepareFilter({ dev: 'v1', parent: 'ingress', pref: 7, kind: 'bpf', directAction: true, pinned }, 'create');
    const v1 = rt.link.get('v1').index;
    t.throws(() => requestHex(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, (w) => encodeTc(w, { ...prepared.message, ifindex: v1 }, { linkIndex: () => v1, clock: new PschedClock('1 1 1 1') })),
      { name: 'InvalidArgumentError', message: /opened when the request is sent/ }, 'encoding without the opened program is refused');
    const encode = () => requestHex(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, (w) => encodeTc(w, { ...prepared.message, ifindex: v1 }, { linkIndex: () => v1, clock: new PschedClock('1 1 1 1') }));
    const release = tcKind('bpf')!.acquire!(prepared.message.prepared);
    let ours: string;
    let asTcNumbered: string;
    try {
      ours = encode();
      // The same request with tc's fd number in it must be tc's, byte for byte.
      const tcFd = (decodeTc(messageOf(theirs.toString('hex'))).options as BpfOptions).unknown.find((a) => a.type === TCA_BPF_FD)!.data.readUInt32LE(0);
      const opened = (prepared.message.prepared as { fd: number }).fd;
      (prepared.message.prepared as { fd: number }).fd = tcFd;
      asTcNumbered = encode();
      (prepared.message.prepared as { fd: number }).fd = opened;
    } finally {
      release();
    }
    t.equal(asTcNumbered.slice(32), theirs.toString('hex').slice(32), 'with tc\'s fd number, the same bytes after nlmsg_seq and nlmsg_pid');
    const mine = messageOf(ours);
    const tcs = messageOf(theirs.toString('hex'));
    t.equal(mine.flags, tcs.flags, 'the same flags (create, exclusive, ack)');
    const a = attributeTree(mine);
    const b = attributeTree(tcs);
    t.equal(a.header, b.header, 'the same tcmsg');
    t.same(withoutFd(a.attributes), withoutFd(b.attributes), 'the same attributes: kind, then fd, name "pass:[*fsobj]" and flags in options');
    const { options: o1, ...rest1 } = decodeTc(mine);
    const { options: o2, ...rest2 } = decodeTc(tcs);
    t.same(rest1, rest2, 'both decode to the same filter');
    t.same({ ...(o1 as object), unknown: [] }, { ...(o2 as object), unknown: [] }, 'with the same options');

    const names = linkNames(rt);
    t.same(rt.tc.filter.list({ dev: 'v1', parent: 'ingress' }).map((f) => filterToTcJson(f, names, { dev: v1, parent: TC_H_CLSACT_INGRESS })),
      tcJson(ns!, '-d', 'filter', 'show', 'dev', 'v1', 'ingress'), 'tc\'s own filter read back by nlkit as tc shows it');
    t.end();
  });

  t.test('bad input is refused before anything is sent, and no fd is left open', async (t) => {
    const ctx = openCountingContext(t, ns!);
    const tc = new TcService(ctx);
    const v0 = rt.link.get('v0').index;
    const base = { dev: v0, parent: 'ingress', pref: 9, kind: 'bpf' } as const;
    const before = openFds();
    const sent = ctx.sent();
    t.throws(() => tc.filter.add({ ...base, pinned, fd: program.fd }), { name: 'InvalidArgumentError', message: /exactly one of bytecode.*got fd and pinned/ }, 'pinned and fd');
    t.throws(() => tc.filter.add({ ...base, pinned, bytecode: [[6, 0, 0, 0]] }), { name: 'InvalidArgumentError', message: /got bytecode and pinned/ }, 'pinned and bytecode');
    t.throws(() => tc.filter.add({ ...base }), { name: 'InvalidArgumentError', message: /exactly one of bytecode/ }, 'no program at all');
    t.throws(() => tc.filter.add({ ...base, pinned: '' }), { name: 'InvalidArgumentError', message: /absolute path/ }, 'empty path');
    t.throws(() => tc.filter.add({ ...base, pinned: 'pass' }), { name: 'InvalidArgumentError', message: /bpf pinned must be an absolute path.*"pass"/ }, 'relative path');
    t.throws(() => tc.filter.add({ ...base, pinned: 42 }), { name: 'InvalidArgumentError', message: /bpf pinned must be a string/ }, 'path of the wrong type');
    t.throws(() => tc.filter.add({ ...base, pinned: `${pinned}\0x` }), { name: 'InvalidArgumentError', message: /NUL/ }, 'path with NUL');
    t.throws(() => tc.filter.add({ ...base, bytecode: [[6, 0, 0, 0]], name: 'x' }), { name: 'InvalidArgumentError', message: /classic bytecode program has none/ }, 'name with bytecode');
    await t.rejects(tc.filter.addAsync({ ...base, pinned: 'relative/p' }), InvalidArgumentError, 'relative path (async)');

    const missing = join(bpffs, 'missing');
    const notFound = t.throws(() => tc.filter.add({ ...base, pinned: missing }), 'a path with nothing pinned') as SyscallError;
    t.type(notFound, SyscallError, 'a missing pin is a SyscallError');
    t.match(notFound, { code: 'ENOENT', target: missing, message: new RegExp(`bpf BPF_OBJ_GET ${missing} failed: ENOENT`) }, 'naming the path');
    await t.rejects(tc.filter.addAsync({ ...base, pinned: missing }), { code: 'ENOENT', target: missing }, 'the same in async');

    const map = bpfMapCreate(BPF_MAP_TYPE_ARRAY, 4, 4, 1);
    try {
      bpfObjPin(map, join(bpffs, 'map'));
    } finally {
      closeBpfObject(map);
    }
    t.throws(() => tc.filter.add({ ...base, pinned: join(bpffs, 'map') }), { name: 'InvalidArgumentError', message: `${join(bpffs, 'map')} is a pinned bpf map, not a program` }, 'a pinned map');
    t.throws(() => openPinnedBpfProgram(join(bpffs, 'map')), InvalidArgumentError, 'openPinnedBpfProgram refuses the map too');

    const action = loadBpfProgram({ instructions: PASS, name: 'nlkit_act', type: 'sched_act' });
    try {
      action.pin(join(bpffs, 'act'));
    } finally {
      action.close();
    }
    t.throws(() => tc.filter.add({ ...base, pinned: join(bpffs, 'act') }), { name: 'InvalidArgumentError', message: /is a program of type 4; tc filters run BPF_PROG_TYPE_SCHED_CLS \(3\)/ }, 'a pinned program of another type');
    t.equal(ctx.sent(), sent, 'not one request reached the kernel');
    t.equal(openFds(), before, 'and every fd opened on the way was closed');

    // The kernel refuses a filter on a link without clsact: the program is closed all the same.
    const v1 = rt.link.get('v1').index;
    rt.tc.qdisc.delete({ dev: 'v1', kind: 'clsact' });
    t.throws(() => tc.filter.add({ dev: v1, parent: 'ingress', kind: 'bpf', pinned }), NetlinkError, 'the kernel refuses it');
    await t.rejects(tc.filter.addAsync({ dev: v1, parent: 'ingress', kind: 'bpf', pinned }), NetlinkError, 'also in async');
    t.throws(() => tc.filter.add({ dev: 'nosuch0', parent: 'ingress', kind: 'bpf', pinned }), { name: 'LinkNotFoundError' }, 'an unknown link is found out before the program is opened');
    t.equal(openFds(), before, 'no fd left open by failed requests');
  });

  t.test('loadBpfProgram and openPinnedBpfProgram check their input', (t) => {
    const refused: [string, () => unknown, RegExp][] = [
      ['instructions not a Buffer', () => loadBpfProgram({ instructions: [1, 2] as never }), /instructions must be a Buffer/],
      ['instructions of a partial length', () => loadBpfProgram({ instructions: Buffer.alloc(12) }), /got 12 bytes/],
      ['empty program', () => loadBpfProgram({ instructions: Buffer.alloc(0) }), /1 to 1000000 instructions/],
      ['name too long', () => loadBpfProgram({ instructions: PASS, name: 'a'.repeat(16) }), /at most 15/],
      ['unknown type', () => loadBpfProgram({ instructions: PASS, type: 'xdp' as never }), /must be one of "sched_cls", "sched_act"/],
      ['unknown field', () => loadBpfProgram({ instructions: PASS, flags: 1 } as never), /flags/],
      ['relative pin path', () => program.pin('pass2'), /absolute path/],
      ['relative open path', () => openPinnedBpfProgram('pass'), /absolute path/],
      ['readOnly not a boolean', () => openPinnedBpfProgram(pinned, { readOnly: 'yes' as never }), /readOnly must be true or false/],
    ];
    for (const [what, call, message] of refused) t.throws(call, { name: 'InvalidArgumentError', message }, what);
    // The verifier's reason comes with a refused program: exit without setting r0.
    t.throws(() => loadBpfProgram({ instructions: Buffer.from('9500000000000000', 'hex'), name: 'bad' }), { name: 'SyscallError', code: 'EACCES', message: /verifier: .*R0 !read_ok/ }, 'the verifier log in the error');
    t.end();
  });
}
