// nlkit's built-in host-local IPAM against the reference plugin
// (/usr/lib/cni/host-local, containernetworking-plugins 1.1.1) on the same data
// directory: the same addresses, the same files byte for byte, each releasing
// the other's allocations, and no address handed out twice when both run at
// once. Every data directory lives under a fresh temporary directory.
import t, { type Test } from 'tap';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CniError } from '../../src/cni/errors.js';
import { hostLocalIpam } from '../../src/cni/ipam/host-local/index.js';
import type { IpamRequest } from '../../src/cni/ipam/types.js';
import { InvalidArgumentError, withFileLock } from '../../src/index.js';
import { lockFile, tryLockFile, unlockFile } from '../../src/sys/flock.js';
import { requireRoot, testNetns } from '../helpers/netns.js';

const REFERENCE = '/usr/lib/cni/host-local';

type Conf = Record<string, any> & { name: string; cniVersion: string; ipam: Record<string, any> };
interface Call {
  containerId?: string;
  ifname?: string;
  /** CNI_ARGS, as the runtime sets it. */
  args?: string;
}
type Outcome = { ok: true; result?: any } | { ok: false; code: number; msg: string };

let netnsPath = '/proc/self/ns/net';

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-host-local-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the reference plugin once, the configuration on stdin. */
function reference(command: IpamRequest['command'], conf: Conf, call: Call = {}): Promise<Outcome> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    CNI_COMMAND: command,
    CNI_CONTAINERID: call.containerId ?? 'c',
    CNI_NETNS: netnsPath,
    CNI_IFNAME: call.ifname ?? 'eth0',
    CNI_PATH: '/usr/lib/cni',
  };
  if (call.args !== undefined) env.CNI_ARGS = call.args;
  return new Promise((resolve, reject) => {
    const child = spawn(REFERENCE, [], { env });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (status) => {
      const parsed = out.trim() === '' ? undefined : JSON.parse(out);
      resolve(status === 0 ? { ok: true, result: parsed } : { ok: false, code: parsed?.code, msg: parsed?.msg });
    });
    child.stdin.end(JSON.stringify(conf));
  });
}

function cniArgs(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  return Object.fromEntries(text.split(';').map((pair) => pair.split('=') as [string, string]));
}

/** The same call through nlkit, built from the same configuration the reference gets. */
async function nlkit(command: IpamRequest['command'], conf: Conf, call: Call = {}): Promise<Outcome> {
  const request: IpamRequest = {
    command,
    cniVersion: conf.cniVersion,
    networkName: conf.name,
    ipam: conf.ipam,
    rawConfig: Buffer.from(JSON.stringify(conf)),
  };
  if (command !== 'GC' && command !== 'STATUS') {
    request.containerId = call.containerId ?? 'c';
    request.ifname = call.ifname ?? 'eth0';
  }
  const args = cniArgs(call.args);
  if (args) request.args = args;
  if (conf.runtimeConfig?.ips) request.ips = conf.runtimeConfig.ips;
  if (conf['cni.dev/valid-attachments']) request.validAttachments = conf['cni.dev/valid-attachments'];
  try {
    const result = await hostLocalIpam(request);
    return result === undefined ? { ok: true } : { ok: true, result };
  } catch (error) {
    if (error instanceof CniError) return { ok: false, code: error.code, msg: error.message };
    throw error;
  }
}

function addresses(outcome: Outcome): string[] {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.code}: ${outcome.msg}`);
  return outcome.result.ips.map((ip: { address: string }) => ip.address);
}

/** What host-local's result says, without the `dns: {}` it always prints. */
function comparable(outcome: Outcome): unknown {
  if (!outcome.ok) return { code: outcome.code };
  if (outcome.result === undefined) return { ok: true };
  const { ips, routes, dns } = outcome.result;
  return { ips, routes: routes ?? [], dns: dns && Object.keys(dns).length > 0 ? dns : undefined };
}

/** Every entry under `dir` with its kind, permission bits and bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string, rel: string): void => {
    const st = statSync(path);
    out[rel] = `${st.isDirectory() ? 'dir' : 'file'} ${(st.mode & 0o7777).toString(8)}${st.isDirectory() ? '' : ` ${readFileSync(path).toString('hex')}`}`;
    if (st.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name), `${rel}/${name}`);
  };
  walk(dir, '.');
  return out;
}

function allocationFiles(networkDir: string): string[] {
  return readdirSync(networkDir).filter((n) => n !== 'lock' && !n.startsWith('last_reserved_ip.'));
}

t.before(() => {
  process.umask(0o022);
});

t.test('host-local compatibility', async (t) => {
  if (!requireRoot(t)) return;
  t.ok(existsSync(REFERENCE), 'the reference plugin is installed');
  netnsPath = `/run/netns/${testNetns(t, 1, 'ipam')[0]}`;

  t.test('flock: a lock held through one descriptor keeps out another, until released', async (t) => {
    const file = join(tempDir(t), 'lock');
    writeFileSync(file, '');
    const a = openSync(file, 'r');
    const b = openSync(file, 'r');
    t.teardown(() => {
      closeSync(a);
      closeSync(b);
    });
    t.equal(tryLockFile(a), true, 'first descriptor takes the lock');
    t.equal(tryLockFile(b), false, 'second descriptor cannot');
    t.equal(tryLockFile(b, 'shared'), false, 'not even shared');
    let acquired = false;
    const waiting = lockFile(b).then(() => (acquired = true));
    await new Promise((r) => setTimeout(r, 100));
    t.equal(acquired, false, 'a waiting lock does not return while the other holds it');
    unlockFile(a);
    await waiting;
    t.equal(acquired, true, 'and returns once it is released');
    unlockFile(b);
    t.equal(tryLockFile(a, 'shared'), true, 'shared locks coexist');
    t.equal(tryLockFile(b, 'shared'), true);
    t.throws(() => tryLockFile(-1), { name: 'SyscallError', code: 'EBADF' }, 'a bad descriptor is a SyscallError');
  });

  t.test('withFileLock: excludes other processes and queues calls in this one', async (t) => {
    const file = join(tempDir(t), 'sub-lock');
    // flock(1) -n exits 1 at once when the lock is held elsewhere.
    const probe = (): number | null => spawnSync('flock', ['-n', file, 'true']).status;
    const order: string[] = [];
    const first = withFileLock(file, async () => {
      order.push('first in');
      t.equal(probe(), 1, 'another process cannot take the lock meanwhile');
      await new Promise((r) => setTimeout(r, 50));
      order.push('first out');
      return 1;
    }, { createMode: 0o640 });
    const second = withFileLock(file, () => {
      order.push('second');
      return 2;
    });
    t.same(await Promise.all([first, second]), [1, 2], 'each call returns what its body returned');
    t.same(order, ['first in', 'first out', 'second'], 'the second call waited for the first');
    t.equal(statSync(file).mode & 0o777, 0o640, 'the lock file was created with createMode');
    t.equal(probe(), 0, 'released afterwards');
    await t.rejects(withFileLock(file, () => {
      throw new Error('boom');
    }), { message: 'boom' }, 'the body\'s error comes through');
    t.equal(probe(), 0, 'and the lock is released after it');
    for (const [what, call] of [
      ['an empty path', () => withFileLock('', () => 0)],
      ['a path that is not a string', () => withFileLock(5 as never, () => 0)],
      ['a body that is not a function', () => withFileLock(file, 5 as never)],
      ['an unknown mode', () => withFileLock(file, () => 0, { mode: 'both' as never })],
      ['options that are not an object', () => withFileLock(file, () => 0, null as never)],
      ['a createMode that is not permission bits', () => withFileLock(file, () => 0, { createMode: -1 })],
    ] as const) {
      await t.rejects(call(), InvalidArgumentError, `${what} is refused`);
    }
    await t.rejects(withFileLock(join(file, 'below-a-file'), () => 0), { name: 'SyscallError', code: 'ENOTDIR' }, 'an unusable path is a SyscallError');
  });

  t.test('alternating with the reference on one network', async (t) => {
    const dataDir = join(tempDir(t), 'networks');
    const conf: Conf = {
      cniVersion: '1.0.0', name: 'alt',
      ipam: { type: 'host-local', dataDir, subnet: '10.20.0.0/29', routes: [{ dst: '0.0.0.0/0' }, { dst: '192.168.7.0/24', gw: '10.20.0.1' }] },
    };
    const dir = join(dataDir, 'alt');
    const add = (impl: typeof reference, id: string) => impl('ADD', conf, { containerId: id });

    const r1 = await add(reference, 'c1');
    const n2 = await add(nlkit, 'c2');
    t.same(addresses(r1), ['10.20.0.2/29']);
    t.same(addresses(n2), ['10.20.0.3/29'], 'nlkit continues the round after the reference');
    t.same(comparable(n2), { ...(comparable(r1) as object), ips: [{ address: '10.20.0.3/29', gateway: '10.20.0.1' }] }, 'same result shape, routes and gateway');
    t.same(addresses(await add(reference, 'c3')), ['10.20.0.4/29'], 'the reference continues after nlkit');

    t.same(await reference('CHECK', conf, { containerId: 'c2' }), { ok: true, result: undefined }, 'the reference sees nlkit\'s allocation');
    t.same(await nlkit('CHECK', conf, { containerId: 'c1' }), { ok: true }, 'nlkit sees the reference\'s allocation');
    const missingRef = await reference('CHECK', conf, { containerId: 'nobody' });
    const missingNl = await nlkit('CHECK', conf, { containerId: 'nobody' });
    t.equal(missingNl.ok ? 0 : missingNl.code, missingRef.ok ? 0 : missingRef.code, 'CHECK without allocation: same code as the reference');
    t.same(await nlkit('CHECK', conf, { containerId: 'c1', ifname: 'eth1' }), { ok: false, code: 999, msg: 'host-local: Failed to find address added by container c1 (interface eth1) in network alt' }, 'CHECK matches the interface too');

    t.same(await nlkit('DEL', conf, { containerId: 'c1' }), { ok: true }, 'nlkit releases the reference\'s allocation');
    t.notOk(existsSync(join(dir, '10.20.0.2')));
    t.same(await reference('DEL', conf, { containerId: 'c2' }), { ok: true, result: undefined }, 'the reference releases nlkit\'s');
    t.notOk(existsSync(join(dir, '10.20.0.3')));
    t.same(await nlkit('DEL', conf, { containerId: 'c2' }), { ok: true }, 'DEL again succeeds');
    t.same(await nlkit('DEL', conf, { containerId: 'never-added' }), { ok: true }, 'DEL of an unknown container succeeds');

    t.same(addresses(await add(nlkit, 'c4')), ['10.20.0.5/29'], 'round-robin goes on past released addresses');
    t.same(addresses(await add(reference, 'c5')), ['10.20.0.6/29']);
    t.same(addresses(await add(nlkit, 'c6')), ['10.20.0.2/29'], 'wraps to the start, skipping the gateway');
    t.same(addresses(await add(reference, 'c7')), ['10.20.0.3/29']);

    const refFull = await add(reference, 'c8');
    const nlFull = await add(nlkit, 'c8');
    t.equal(refFull.ok, false, 'the reference finds the range exhausted');
    t.same(nlFull, { ok: false, code: refFull.ok ? -1 : refFull.code, msg: refFull.ok ? '' : refFull.msg }, 'nlkit: same code and message');
    t.same(await nlkit('STATUS', conf), { ok: false, code: 50, msg: 'no IP addresses available in range set 0: 10.20.0.1-10.20.0.6' }, 'STATUS: 50 when exhausted');

    const dupRef = await add(reference, 'c4');
    const dupNl = await add(nlkit, 'c5');
    t.same([dupRef.ok, dupNl.ok], [false, false], 'a second ADD of one attachment is refused');
    t.equal(dupNl.ok ? 0 : dupNl.code, dupRef.ok ? -1 : dupRef.code);
    t.match(dupNl, { msg: 'failed to allocate for range 0: 10.20.0.6 has been allocated to c5, duplicate allocation is not allowed' });

    // GC keeps c3 (reference), c4 (nlkit) and c7 (reference); c5, c6 go.
    const gc = { ...conf, 'cni.dev/valid-attachments': [{ containerID: 'c3', ifname: 'eth0' }, { containerID: 'c4', ifname: 'eth0' }, { containerID: 'c7', ifname: 'eth0' }, { containerID: 'c6', ifname: 'eth9' }] };
    t.same(await nlkit('GC', gc), { ok: true });
    t.same(allocationFiles(dir).sort(), ['10.20.0.3', '10.20.0.4', '10.20.0.5'], 'GC released every allocation not listed (an attachment is container and interface)');
    t.same(await nlkit('STATUS', conf), { ok: true }, 'STATUS: available again');
    t.same(addresses(await add(reference, 'c9')), ['10.20.0.6/29'], 'the reference allocates what GC freed');
    t.same(await nlkit('GC', { ...conf, 'cni.dev/valid-attachments': [] }), { ok: true }, 'GC with nothing valid');
    t.same(allocationFiles(dir), [], 'releases everything');
    t.match(await nlkit('GC', conf), { ok: false, code: 7 }, 'GC without cni.dev/valid-attachments is refused rather than releasing everything');
  });

  t.test('the files are byte-identical to what the reference writes for the same sequence', async (t) => {
    const root = tempDir(t);
    const confIn = (dataDir: string): Conf => ({
      cniVersion: '1.0.0', name: 'same',
      ipam: {
        type: 'host-local', dataDir,
        ranges: [
          [{ subnet: '10.50.0.0/28', rangeStart: '10.50.0.3', rangeEnd: '10.50.0.9' }, { subnet: '10.51.0.0/29' }],
          [{ subnet: 'fd00:50::/124', gateway: 'fd00:50::a' }],
        ],
        routes: [{ dst: '0.0.0.0/0' }, { dst: '::/0', gw: 'fd00:50::a' }],
      },
    });
    const steps: [IpamRequest['command'], Call, Record<string, unknown>?][] = [
      ['ADD', { containerId: 'a' }],
      ['ADD', { containerId: 'b', args: 'IgnoreUnknown=1;IP=10.50.0.7;K8S_POD_NAME=x' }],
      ['ADD', { containerId: 'c' }, { runtimeConfig: { ips: ['fd00:50::9/124'] } }],
      ['ADD', { containerId: 'a', ifname: 'eth1' }],
      ['DEL', { containerId: 'b' }],
      ['ADD', { containerId: 'd' }],
      ['ADD', { containerId: 'e' }],
      ['ADD', { containerId: 'f' }, { args: { cni: { ips: ['10.51.0.4'] } } }],
      ['ADD', { containerId: 'g' }],
      ['DEL', { containerId: 'zzz' }],
      ['ADD', { containerId: 'h' }],
      ['ADD', { containerId: 'i' }],
      ['ADD', { containerId: 'j' }],
      ['CHECK', { containerId: 'j' }],
      ['DEL', { containerId: 'a', ifname: 'eth1' }],
      ['ADD', { containerId: 'k' }],
      ['ADD', { containerId: 'l' }],
      ['ADD', { containerId: 'm' }],
    ];
    const refDir = join(root, 'reference', 'networks');
    const nlDir = join(root, 'nlkit', 'networks');
    for (const [command, call, extra] of steps) {
      const ref = await reference(command, { ...confIn(refDir), ...extra }, call);
      const nl = await nlkit(command, { ...confIn(nlDir), ...extra }, call);
      t.same(comparable(nl), comparable(ref), `${command} ${call.containerId} ${call.ifname ?? 'eth0'}: same result`);
    }
    t.same(snapshot(join(root, 'nlkit')), snapshot(join(root, 'reference')), 'same directories, names, modes and bytes');
    t.equal(readFileSync(join(nlDir, 'same', '10.51.0.4'), 'latin1'), 'f\r\neth0', 'containerID CRLF ifname');
  });

  t.test('concurrent allocations from nlkit and reference processes never share an address', async (t) => {
    const dataDir = join(tempDir(t), 'networks');
    // 30 addresses for 40 requests: the losers must fail, not double up.
    const conf: Conf = { cniVersion: '1.0.0', name: 'race', ipam: { type: 'host-local', dataDir, subnet: '10.30.0.0/24', rangeStart: '10.30.0.2', rangeEnd: '10.30.0.31' } };
    const calls: Promise<Outcome & { id: string }>[] = [];
    for (let i = 0; i < 20; i++) {
      calls.push(reference('ADD', conf, { containerId: `ref${i}` }).then((o) => ({ ...o, id: `ref${i}` })));
      calls.push(nlkit('ADD', conf, { containerId: `nl${i}` }).then((o) => ({ ...o, id: `nl${i}` })));
    }
    const outcomes = await Promise.all(calls);
    const won = outcomes.filter((o) => o.ok);
    const lost = outcomes.filter((o) => !o.ok);
    t.equal(won.length, 30, 'every address was handed out');
    t.equal(lost.length, 10, 'the rest were refused');
    t.same([...new Set(lost.map((o) => (o.ok ? 0 : o.code)))], [999], 'with the exhaustion code');
    const given = won.map((o) => addresses(o)[0]!);
    t.equal(new Set(given).size, 30, 'no address twice');
    t.ok(won.some((o) => o.id.startsWith('ref')) && won.some((o) => o.id.startsWith('nl')), 'both implementations got addresses');
    const dir = join(dataDir, 'race');
    t.equal(allocationFiles(dir).length, 30, 'one file per address');
    for (const o of won) {
      const address = addresses(o)[0]!.split('/')[0]!;
      t.equal(readFileSync(join(dir, address), 'latin1'), `${o.id}\r\neth0`, `${address} belongs to ${o.id}`);
    }

    // Release half from each side at once, then refill: still no address twice.
    const dels = won.slice(0, 16).map((o, i) => (i % 2 === 0 ? reference : nlkit)('DEL', conf, { containerId: o.id }));
    const adds = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? nlkit : reference)('ADD', conf, { containerId: `again${i}` }));
    const mixed = await Promise.all([...dels, ...adds]);
    t.ok(mixed.slice(0, 16).every((o) => o.ok), 'every DEL succeeded');
    const files = allocationFiles(dir);
    const owners = files.map((f) => readFileSync(join(dir, f), 'latin1').split('\r\n')[0]);
    t.equal(new Set(owners).size, owners.length, 'no container holds two addresses');
    const refilled = mixed.slice(16).filter((o) => o.ok).map((o) => addresses(o)[0]!);
    t.equal(new Set(refilled).size, refilled.length, 'refills are distinct');
    t.equal(files.length, 30 - 16 + refilled.length, 'files match what is held');
  });

  t.test('the lock is shared with other processes', async (t) => {
    const dataDir = join(tempDir(t), 'networks');
    const conf: Conf = { cniVersion: '1.0.0', name: 'locked', ipam: { type: 'host-local', dataDir, subnet: '10.60.0.0/24' } };
    mkdirSync(join(dataDir, 'locked'), { recursive: true });
    const holder: ChildProcessWithoutNullStreams = spawn('flock', ['-x', join(dataDir, 'locked', 'lock'), '-c', 'echo held; read line']);
    t.teardown(() => {
      if (holder.exitCode === null) holder.kill();
    });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    let done = false;
    const add = nlkit('ADD', conf, { containerId: 'waits' }).then((o) => {
      done = true;
      return o;
    });
    await new Promise((r) => setTimeout(r, 300));
    t.equal(done, false, 'nlkit waits while another process holds the flock');
    t.notOk(existsSync(join(dataDir, 'locked', '10.60.0.2')), 'and writes nothing');
    holder.stdin.end('\n');
    t.same(addresses(await add), ['10.60.0.2/24'], 'then allocates');
  });

  t.test('IPv6 and dual-stack', async (t) => {
    const root = tempDir(t);
    const confIn = (dataDir: string): Conf => ({
      cniVersion: '1.0.0', name: 'dual',
      ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: 'fd00:10::/120', rangeStart: 'fd00:10::fd' }], [{ subnet: '10.40.0.0/24', rangeStart: '10.40.0.253' }]] },
    });
    for (const id of ['x0', 'x1', 'x2']) {
      const ref = await reference('ADD', confIn(join(root, 'r')), { containerId: id });
      const nl = await nlkit('ADD', confIn(join(root, 'n')), { containerId: id });
      t.same(comparable(nl), comparable(ref), `ADD ${id}: same as the reference (IPv6 runs to ::ff, IPv4 stops before .255)`);
    }
    t.same(snapshot(join(root, 'n')), snapshot(join(root, 'r')), 'same files');

    const shared = confIn(join(root, 'shared'));
    const dir = join(root, 'shared', 'dual');
    t.same(addresses(await reference('ADD', shared, { containerId: 'one' })), ['fd00:10::fd/120', '10.40.0.253/24']);
    t.same(addresses(await nlkit('ADD', shared, { containerId: 'two' })), ['fd00:10::fe/120', '10.40.0.254/24']);
    const refFull = await reference('ADD', shared, { containerId: 'three' });
    const nlFull = await nlkit('ADD', shared, { containerId: 'three' });
    t.match(refFull, { ok: false, code: 999, msg: /^failed to allocate for range 1: no IP addresses available/ });
    t.same(nlFull, refFull, 'IPv4 exhausted: same error as the reference');
    t.same(allocationFiles(dir).sort(), ['10.40.0.253', '10.40.0.254', 'fd00:10::fd', 'fd00:10::fe'], 'the IPv6 address taken before the failure was given back');
    t.same(await nlkit('DEL', shared, { containerId: 'one' }), { ok: true }, 'DEL releases both families');
    t.same(addresses(await reference('ADD', shared, { containerId: 'three' })), ['fd00:10::fd/120', '10.40.0.253/24'], 'round-robin wrapped in both sets');

    const wide = (dataDir: string): Conf => ({ cniVersion: '1.0.0', name: 'wide', ipam: { type: 'host-local', dataDir, subnet: 'fd00:64::/64' } });
    const refWide = await reference('ADD', wide(join(root, 'r')), { containerId: 'w' });
    t.same(comparable(await nlkit('ADD', wide(join(root, 'n')), { containerId: 'w' })), comparable(refWide), 'a /64 with the defaults');
    t.same(addresses(refWide), ['fd00:64::2/64']);

    // Two equal runs of zeros: Go shortens the first, and the file is named that way.
    const runs = (dataDir: string): Conf => ({ cniVersion: '1.0.0', name: 'runs', ipam: { type: 'host-local', dataDir, subnet: '2001:db8:0:0:1::/120' } });
    const refRuns = await reference('ADD', runs(join(root, 'r')), { containerId: 'z' });
    t.same(comparable(await nlkit('ADD', runs(join(root, 'n')), { containerId: 'z' })), comparable(refRuns), 'an address with two runs of zeros');
    t.same(addresses(refRuns), ['2001:db8::1:0:0:2/120']);
    t.same(snapshot(join(root, 'n')), snapshot(join(root, 'r')), 'same files, names included');
  });

  t.test('requested addresses', async (t) => {
    const root = tempDir(t);
    const confIn = (dataDir: string, extra: Record<string, unknown> = {}): Conf => ({
      cniVersion: '1.0.0', name: 'req', ...extra,
      ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.70.0.0/24' }], [{ subnet: 'fd00:70::/64' }]] },
    });
    const cases: [string, Call, Record<string, unknown>?][] = [
      ['CNI_ARGS IP=', { containerId: 'a', args: 'IP=10.70.0.50' }],
      ['runtimeConfig.ips with prefixes', { containerId: 'b' }, { runtimeConfig: { ips: ['10.70.0.60/24', 'fd00:70::60/64'] } }],
      ['args.cni.ips', { containerId: 'c' }, { args: { cni: { ips: ['fd00:70::70'] } } }],
      ['an address already taken', { containerId: 'd', args: 'IP=10.70.0.50' }],
      ['the gateway', { containerId: 'e', args: 'IP=10.70.0.1' }],
      ['an address in no range set', { containerId: 'f', args: 'IP=10.99.0.5' }],
      ['an unknown CNI_ARGS key', { containerId: 'h', args: 'FOO=bar' }],
      ['an unknown key with IgnoreUnknown', { containerId: 'i', args: 'IgnoreUnknown=true;FOO=bar' }],
      ['a malformed IP=', { containerId: 'j', args: 'IgnoreUnknown=1;IP=10.70.0' }],
      ['an IP= with an impossible prefix', { containerId: 'k', args: 'IP=10.70.0.90/99' }],
      ['an IP= with a prefix', { containerId: 'l', args: 'IP=10.70.0.91/24' }],
    ];
    for (const [what, call, extra] of cases) {
      const ref = await reference('ADD', confIn(join(root, 'r'), extra), call);
      const nl = await nlkit('ADD', confIn(join(root, 'n'), extra), call);
      t.same(nl.ok, ref.ok, `${what}: ${ref.ok ? 'accepted' : 'refused'} as by the reference`);
      if (ref.ok) t.same(comparable(nl), comparable(ref), `${what}: same addresses`);
      else if (ref.msg.startsWith('ARGS')) t.equal(nl.ok ? 0 : nl.code, 4, `${what}: refused as a CNI_ARGS error (${ref.msg})`);
      else t.same(nl, ref, `${what}: same code and message`);
    }
    t.same(snapshot(join(root, 'n')), snapshot(join(root, 'r')), 'same files');

    // host-local picks one of two addresses for a set at random (a Go map), then fails on the other.
    const two = { runtimeConfig: { ips: ['10.70.0.80', '10.70.0.81'] } };
    const refTwo = await reference('ADD', confIn(join(root, 'r'), two), { containerId: 'g' });
    const nlTwo = await nlkit('ADD', confIn(join(root, 'n'), two), { containerId: 'g' });
    t.match(refTwo, { ok: false, code: 999, msg: /^failed to allocate all requested IPs: 10\.70\.0\.8[01]$/ });
    t.same(nlTwo, { ok: false, code: 999, msg: 'failed to allocate all requested IPs: 10.70.0.81' }, 'two addresses for one set: same error (nlkit keeps the first)');
    t.same(allocationFiles(join(root, 'n', 'req')).sort(), allocationFiles(join(root, 'r', 'req')).sort(), 'and nothing left behind');
  });

  t.test('configuration errors are refused before the data directory is touched', async (t) => {
    const root = tempDir(t);
    const dataDir = join(root, 'networks');
    const ipamWith = (ipam: Record<string, unknown>): Conf => ({ cniVersion: '1.0.0', name: 'bad', ipam: { type: 'host-local', dataDir, ...ipam } });
    const cases: [string, Conf, RegExp][] = [
      ['a /31', ipamWith({ subnet: '10.0.0.0/31' }), /^invalid range set 0: Network 10\.0\.0\.0\/31 too small to allocate from$/],
      ['a /128', ipamWith({ ranges: [[{ subnet: 'fd00::1/128' }]] }), /too small to allocate from/],
      ['host bits', ipamWith({ subnet: '10.0.0.1/24' }), /Network has host bits set\. For a subnet mask of length 24 the network address is 10\.0\.0\.0/],
      ['rangeStart outside', ipamWith({ subnet: '10.0.0.0/24', rangeStart: '10.0.1.5' }), /RangeStart 10\.0\.1\.5 not in network 10\.0\.0\.0\/24/],
      ['rangeEnd outside', ipamWith({ subnet: '10.0.0.0/24', rangeEnd: '10.0.1.5' }), /RangeEnd 10\.0\.1\.5 not in network 10\.0\.0\.0\/24/],
      ['overlapping ranges in a set', ipamWith({ ranges: [[{ subnet: '10.0.0.0/24' }, { subnet: '10.0.0.0/25' }]] }), /subnets 10\.0\.0\.1-10\.0\.0\.254 and 10\.0\.0\.1-10\.0\.0\.126 overlap/],
      ['overlapping range sets', ipamWith({ ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '10.0.0.0/16' }]] }), /^range set 0 overlaps with 1$/],
      ['the old form overlapping ranges', ipamWith({ subnet: '10.0.0.0/24', ranges: [[{ subnet: '10.0.0.128/25' }]] }), /^range set 0 overlaps with 1$/],
      ['mixed families in a set', ipamWith({ ranges: [[{ subnet: '10.0.0.0/24' }, { subnet: 'fd00::/64' }]] }), /mixed address families/],
      ['no ranges', ipamWith({}), /no IP ranges specified/],
      ['an empty range set', ipamWith({ ranges: [[]] }), /empty range set/],
      ['a subnet that is not CIDR', ipamWith({ subnet: '10.0.0.0' }), /ipam\.subnet must be a subnet in CIDR notation/],
      ['a bad gateway', ipamWith({ subnet: '10.0.0.0/24', gateway: '10.0.0.300' }), /ipam\.gateway must be an IP address/],
      ['a range without subnet', ipamWith({ ranges: [[{ rangeStart: '10.0.0.2' }]] }), /ipam\.ranges\[0\]\[0\]\.subnet is missing/],
      ['two IPv4 sets for CNI 0.2.0', { ...ipamWith({ ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '10.1.0.0/24' }]] }), cniVersion: '0.2.0' }, /CNI version 0\.2\.0 does not support more than 1 address per family/],
    ];
    for (const [what, conf, message] of cases) {
      const ref = await reference('ADD', conf, { containerId: 'x' });
      t.equal(ref.ok, false, `${what}: the reference refuses it too (${ref.ok ? '' : ref.msg})`);
      const nl = await nlkit('ADD', conf, { containerId: 'x' });
      t.match(nl, { ok: false, code: 7, msg: message }, `${what}: invalid configuration`);
    }
    t.notOk(existsSync(dataDir), 'nothing was written by nlkit (the reference refused before writing too)');

    const good = ipamWith({ subnet: '10.0.0.0/24' });
    // host-local hands such a route on with dst "<nil>"; nlkit refuses it.
    t.match(await nlkit('ADD', ipamWith({ subnet: '10.0.0.0/24', routes: [{ gw: '10.0.0.1' }] }), { containerId: 'x' }), { ok: false, code: 7, msg: /ipam\.routes\[0\]\.dst is missing/ }, 'a route without dst');
    t.match(await nlkit('ADD', { ...good, name: '../escape' }, { containerId: 'x' }), { ok: false, code: 7, msg: /network name/ }, 'a network name that is not a path component');
    t.match(await nlkit('ADD', good, { containerId: 'x\r\ny' }), { ok: false, code: 4, msg: /CNI_CONTAINERID/ }, 'a container ID that would corrupt the file format');
    t.match(await nlkit('ADD', good, { containerId: 'x', ifname: 'much-too-long-name' }), { ok: false, code: 4, msg: /CNI_IFNAME/ }, 'an interface name Linux refuses');
    t.match(await nlkit('ADD', { ...good, ipam: { ...good.ipam, dataDir: 7 } }, { containerId: 'x' }), { ok: false, code: 7, msg: /ipam\.dataDir must be a path/ });
    await t.rejects(hostLocalIpam({ command: 'NOPE' } as unknown as IpamRequest), { name: 'CniError', code: 4 }, 'an unknown command');
    await t.rejects(hostLocalIpam(null as unknown as IpamRequest), { name: 'CniError', code: 4 }, 'no request at all');
    await t.rejects(hostLocalIpam({ command: 'ADD', cniVersion: '1.0.0', networkName: 'n', ipam: good.ipam, containerId: 'x', ifname: 'eth0', rawConfig: Buffer.from('{') }), { name: 'CniError', code: 6 }, 'undecodable configuration');
    t.notOk(existsSync(dataDir), 'still nothing written');

    // Go matches JSON keys without regard to case; so does nlkit.
    const shouting = ipamWith({ Subnet: '10.0.0.0/24', RANGESTART: '10.0.0.9', gateway: '10.0.0.254' });
    const ref = await reference('ADD', { ...shouting, ipam: { ...shouting.ipam, dataDir: join(root, 'r') } }, { containerId: 'x' });
    const nl = await nlkit('ADD', { ...shouting, ipam: { ...shouting.ipam, dataDir: join(root, 'n') } }, { containerId: 'x' });
    t.same(comparable(nl), comparable(ref), 'keys in any case, as host-local reads them');
    t.same(addresses(nl), ['10.0.0.9/24']);
  });

  t.test('resolvConf and routes in the result', async (t) => {
    const root = tempDir(t);
    const resolv = join(root, 'resolv.conf');
    writeFileSync(resolv, '# comment\n; other\nnameserver 10.0.0.53\nnameserver fd00::53\ndomain example.test\nsearch a.test b.test\noptions ndots:2 edns0\nlonely\n');
    const confIn = (dataDir: string): Conf => ({
      cniVersion: '1.0.0', name: 'dns',
      ipam: { type: 'host-local', dataDir, subnet: '10.80.0.0/24', resolvConf: resolv, routes: [{ dst: '10.0.0.5/8' }, { dst: 'fd00:1::/64', gw: 'fd00::1' }] },
    });
    const ref = await reference('ADD', confIn(join(root, 'r')), { containerId: 'x' });
    const nl = await nlkit('ADD', confIn(join(root, 'n')), { containerId: 'x' });
    t.same(comparable(nl), comparable(ref), 'same dns and routes (a dst keeps its host bits, as in host-local)');
    t.same((nl as { result: any }).result.dns, { nameservers: ['10.0.0.53', 'fd00::53'], domain: 'example.test', search: ['a.test', 'b.test'], options: ['ndots:2', 'edns0'] });
    const missing = { ...confIn(join(root, 'n')), ipam: { ...confIn(join(root, 'n')).ipam, resolvConf: join(root, 'absent') } };
    t.match(await nlkit('ADD', missing, { containerId: 'y' }), { ok: false, code: 5, msg: /cannot read resolvConf/ }, 'an unreadable resolvConf');
  });

  t.test('STATUS', async (t) => {
    const root = tempDir(t);
    const conf = (dataDir: string): Conf => ({ cniVersion: '1.0.0', name: 'st', ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.90.0.0/30' }], [{ subnet: 'fd00:90::/64' }]] } });
    t.same(await nlkit('STATUS', conf(join(root, 'fresh'))), { ok: true }, 'available before the directory exists');
    t.notOk(existsSync(join(root, 'fresh')), 'and STATUS created nothing');
    writeFileSync(join(root, 'file'), '');
    t.match(await nlkit('STATUS', conf(join(root, 'file', 'networks'))), { ok: false, code: 50, msg: /cannot be written/ }, '50 when the data directory cannot be created');
    t.match(await nlkit('ADD', conf(join(root, 'file', 'networks')), { containerId: 'x' }), { ok: false, code: 5 }, 'ADD there is an I/O failure');
    const used = conf(join(root, 'used'));
    t.same(addresses(await reference('ADD', used, { containerId: 'x' })), ['10.90.0.2/30', 'fd00:90::2/64']);
    t.match(await nlkit('STATUS', used), { ok: false, code: 50, msg: 'no IP addresses available in range set 0: 10.90.0.1-10.90.0.2' }, '50 when one set is exhausted, even with a /64 left');
    await nlkit('DEL', used, { containerId: 'x' });
    t.same(await nlkit('STATUS', used), { ok: true }, 'available again after DEL');
  });
});
