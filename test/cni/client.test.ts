// The plugin clients, C and Perl, each run the same way against fake agents
// (unix sockets this test serves) and the real one: the request on the wire,
// the answer relayed, the standalone fallback, malformed and missing answers,
// both timeouts, huge stdin, and the DEL queue with no agent and no Node.js.
// The two kinds must agree byte for byte. Everything lives in temp dirs and
// namespaces the test makes.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { startCniAgent } from '../../src/cni/agent/index.js';
import { cClientConfigHeader } from '../../src/cni/agent/c-client.js';
import { C_CLIENT_FLAGS, C_CLIENT_SOURCE } from '../helpers/c-client.js';
import { QUEUED_FILE } from '../../src/cni/agent/del-queue.js';
import { parseRequest } from '../../src/cni/agent/protocol.js';
import { ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { CLIENT_KINDS, fakeAgent, perClient, writeClient, type ClientKind } from './clients.js';
import { cniEnv, NLKIT_BIN, pods, resultShape } from './helpers.js';

if (!requireRoot(t)) process.exit(0);

const PATH = process.env.PATH ?? '/usr/bin:/bin';

interface Ran {
  code: number;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

/** Runs `client` with exactly `env` (and PATH), stdin `input`; SIGKILL after `limitMs`, so a hang is a failure, not a stuck test. */
function run(client: string, env: Record<string, string>, input: Buffer | string, limitMs = 30_000): Promise<Ran> {
  const t0 = performance.now();
  const child = spawn(client, [], { env: { PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout: Buffer.concat(out), stderr: err, ms: performance.now() - t0 });
    });
  });
}

const json = (r: Ran): any => {
  try {
    return JSON.parse(r.stdout.toString('utf8'));
  } catch {
    return undefined;
  }
};

/** A temp dir with a fake `node` that reports how it was started (argv, command, stdin, inherited sockets) and exits 3. */
function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-client-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const fakeNode = join(dir, 'fake-node');
  writeFileSync(fakeNode, `#!/bin/sh
printf 'standalone %s %s' "$CNI_COMMAND" "$1"
cat > '${dir}/standalone-stdin'
for f in /proc/$$/fd/*; do case \${f##*/} in 0|1|2) ;; *) readlink "$f" ;; esac; done | grep -c 'socket:' > '${dir}/standalone-sockets'
exit 3
`);
  chmodSync(fakeNode, 0o755);
  return {
    dir, fakeNode, entry: join(dir, 'entry.js'), socketPath: join(dir, 'run', 'cni.sock'), queue: join(dir, 'queue'),
    standaloneStdin: () => (existsSync(join(dir, 'standalone-stdin')) ? readFileSync(join(dir, 'standalone-stdin')) : undefined),
    standaloneSockets: () => readFileSync(join(dir, 'standalone-sockets'), 'utf8').trim(),
  };
}

const ODD_ENV: Record<string, string> = {
  CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_NETNS: '/run/netns/none',
  A: 'tab\there "quoted" back\\slash', A0: 'ctl\x01\x1f\x7f', A_B: 'é ünïcode ✓', a: '', Z: '=equals=in=value',
};

perClient(t, 'with an agent: the request carries the sorted environment and stdin; stdout and exit code are relayed byte for byte', async (t, kind) => {
  const s = setup(t);
  const requests = await fakeAgent(t, s.socketPath, { answer: '7 12\n{"x":1}\nend\0' });
  const client = writeClient(kind, join(s.dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[s.fakeNode]], entry: s.entry, socketPath: s.socketPath });
  const stdin = Buffer.from('{"cniVersion":"1.0.0","name":"n"}\n\0\xff', 'latin1');
  const r = await run(client, ODD_ENV, stdin);
  t.equal(r.code, 7, 'the agent\'s exit code');
  t.same(r.stdout, Buffer.from('{"x":1}\nend\0'), 'the agent\'s stdout, NUL and all');
  t.equal(requests.length, 1, 'one request');
  const parsed = parseRequest(requests[0]!, true);
  t.equal(parsed.state, 'complete', 'a complete request');
  if (parsed.state !== 'complete') return;
  t.equal(parsed.request.plugin, 'nlkit-bridge');
  // The test runner adds variables of its own to every child: compare what this test set.
  const sent = { PATH, ...ODD_ENV };
  t.same(Object.fromEntries(Object.keys(sent).map((k) => [k, parsed.request.env[k]])), sent, 'the environment, values intact');
  t.same(parsed.request.stdin, stdin, 'stdin, raw bytes');
  const header = requests[0]!.subarray(0, requests[0]!.indexOf(0x0a)).toString('utf8');
  const keys = Object.keys(JSON.parse(header).env);
  t.same(keys, [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))), 'names sorted bytewise');
  t.equal(s.standaloneStdin(), undefined, 'no standalone run');
});

perClient(t, 'no agent: the standalone command runs with the entry, the environment and the untouched stdin (8 MiB), no socket inherited', async (t, kind) => {
  const s = setup(t);
  const client = writeClient(kind, join(s.dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[join(s.dir, 'missing-node')], [s.fakeNode]], entry: s.entry, socketPath: join(s.dir, 'absent.sock') });
  const big = Buffer.alloc(8 * 1024 * 1024 + 17, 'x');
  const r = await run(client, cniEnv('DEL', { containerId: 'c1', ifname: 'eth0' }), big);
  t.equal(r.code, 3, 'the standalone exit code (the missing first command skipped)');
  t.equal(r.stdout.toString(), `standalone DEL ${s.entry}`, 'started with the entry as its argument and the environment');
  t.ok(s.standaloneStdin()?.equals(big), 'stdin reached it whole');
  t.equal(s.standaloneSockets(), '0', 'no socket descriptor leaked into it');
  // A stale socket file (bound, nobody listening) is no agent either.
  const stale = join(s.dir, 'stale.sock');
  execFileSync('perl', ['-e', 'use Socket; socket(S, AF_UNIX, SOCK_STREAM, 0) or die; bind(S, pack_sockaddr_un($ARGV[0])) or die', stale]);
  const r2 = await run(client, { ...cniEnv('VERSION'), NLKIT_CNI_AGENT_SOCKET: stale }, '{}');
  t.equal(r2.stdout.toString(), `standalone VERSION ${s.entry}`, 'a stale socket: standalone');
});

perClient(t, 'the real Node.js fallback: the plugin itself answers VERSION', async (t, kind) => {
  const s = setup(t);
  const client = writeClient(kind, join(s.dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[process.execPath, '--import=tsx']], entry: NLKIT_BIN, socketPath: join(s.dir, 'absent.sock') });
  const r = await run(client, cniEnv('VERSION'), '{"cniVersion":"1.0.0"}', 60_000);
  t.equal(r.code, 0, `exit 0 ${r.stderr}`);
  t.same(json(r), { cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] });
});

const MALFORMED: [string, Buffer | string][] = [
  ['not the protocol', 'garbage\n'],
  ['a body shorter than announced', '0 5\nabc'],
  ['a body longer than announced', '0 2\nabcdef'],
  ['an exit code over 255', '256 0\n'],
  ['a negative exit code', '-1 0\n'],
  ['no header line', '0 0'],
  ['nothing at all', ''],
];

perClient(t, 'a malformed answer: ADD answers code 11 and is not retried; other commands run standalone with the saved stdin', async (t, kind) => {
  for (const [what, answer] of MALFORMED) {
    const s = setup(t);
    await fakeAgent(t, s.socketPath, { answer });
    const client = writeClient(kind, join(s.dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[s.fakeNode]], entry: s.entry, socketPath: s.socketPath });
    const add = await run(client, cniEnv('ADD', { containerId: 'c1', netns: '/run/netns/x', ifname: 'eth0' }), '{"cniVersion":"0.4.0"}');
    t.equal(add.code, 1, `${what}: ADD exit 1`);
    t.same(json(add), { cniVersion: '0.4.0', code: 11, msg: 'the nlkit CNI agent closed the connection without an answer; try again' }, `${what}: ADD code 11 in the request's version`);
    t.equal(s.standaloneStdin(), undefined, `${what}: the ADD did not run standalone`);
    const del = await run(client, cniEnv('DEL', { containerId: 'c1', ifname: 'eth0' }), '{"name":"n"}');
    t.equal(del.code, 3, `${what}: DEL ran standalone`);
    t.equal(s.standaloneStdin()?.toString(), '{"name":"n"}', `${what}: with the stdin`);
    t.equal(s.standaloneSockets(), '0', `${what}: the agent's socket closed before it`);
  }
  const s = setup(t);
  await fakeAgent(t, s.socketPath, { close: true });
  const client = writeClient(kind, join(s.dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[s.fakeNode]], entry: s.entry, socketPath: s.socketPath });
  const add = await run(client, cniEnv('ADD', { containerId: 'c1', netns: '/run/netns/x', ifname: 'eth0' }), '{}');
  t.same(json(add), { cniVersion: '1.1.0', code: 11, msg: 'the nlkit CNI agent closed the connection without an answer; try again' }, 'closed mid-request: code 11, version 1.1.0 when stdin names none');
});

perClient(t, 'an agent that accepts and never answers: the answer timeout, then code 11 for ADD and standalone for the rest', async (t, kind) => {
  const s = setup(t);
  const requests = await fakeAgent(t, s.socketPath, { silent: true });
  const client = writeClient(kind, join(s.dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[s.fakeNode]], entry: s.entry, socketPath: s.socketPath, answerTimeoutSeconds: 1 });
  const add = await run(client, cniEnv('ADD', { containerId: 'c1', netns: '/run/netns/x', ifname: 'eth0' }), '{"cniVersion":"1.0.0"}');
  t.same(json(add), { cniVersion: '1.0.0', code: 11, msg: 'the nlkit CNI agent did not answer within 1 s; try again' }, 'ADD: code 11');
  t.ok(add.ms >= 900 && add.ms < 8000, `after about 1 s (${add.ms.toFixed(0)} ms)`);
  t.equal(requests.length, 1, 'the request was sent whole first');
  const check = await run(client, cniEnv('CHECK', { containerId: 'c1', netns: '/run/netns/x', ifname: 'eth0' }), '{"cniVersion":"1.0.0"}');
  t.equal(check.code, 3, 'CHECK: run standalone after the timeout');
  t.equal(s.standaloneStdin()?.toString(), '{"cniVersion":"1.0.0"}', 'with its stdin');
});

t.test('an agent that accepts and never reads a huge request: the send timeout (10 s), both clients at once', async (t) => {
  const s = setup(t);
  await fakeAgent(t, s.socketPath, { deaf: true });
  const huge = Buffer.alloc(6 * 1024 * 1024, 'y');
  const results = await Promise.all(CLIENT_KINDS.map(async (kind) => {
    const client = writeClient(kind, join(s.dir, `nlkit-bridge-${kind}`), { plugin: 'nlkit-bridge', nodeCommands: [[s.fakeNode]], entry: s.entry, socketPath: s.socketPath });
    return [kind, await run(client, cniEnv('ADD', { containerId: 'c1', netns: '/run/netns/x', ifname: 'eth0' }), huge, 40_000)] as const;
  }));
  for (const [kind, r] of results) {
    t.same(json(r), { cniVersion: '1.1.0', code: 11, msg: 'the nlkit CNI agent did not take the request within 10 s; try again' }, `${kind}: code 11`);
    t.ok(r.ms >= 9500 && r.ms < 30_000, `${kind}: after about 10 s (${r.ms.toFixed(0)} ms)`);
  }
});

perClient(t, 'the real agent: a huge stdin within its limit is served, one over it refused with the agent\'s code 6', async (t, kind) => {
  const s = setup(t);
  const agent = await startCniAgent({ socketPath: s.socketPath });
  t.teardown(() => agent.close());
  const client = writeClient(kind, join(s.dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[s.fakeNode]], entry: s.entry, socketPath: s.socketPath });
  const padded = (bytes: number) => `{"cniVersion":"1.0.0","pad":"${'p'.repeat(bytes)}"}`;
  const within = await run(client, cniEnv('VERSION'), padded(7 * 1024 * 1024));
  t.same(json(within), { cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] }, '7 MiB: answered');
  const over = await run(client, cniEnv('VERSION'), padded(9 * 1024 * 1024));
  t.equal(over.code, 1, 'over 8 MiB: exit 1');
  t.equal(json(over)?.code, 6, `the agent's refusal relayed (${json(over)?.msg})`);
  t.equal(s.standaloneStdin(), undefined, 'an answer, even a refusal, is not retried standalone');
  t.equal(agent.inFlight, 0, 'the agent is idle again');
});

perClient(t, 'ADD, CHECK, DEL of a pod through the real agent', async (t, kind) => {
  const s = setup(t);
  const [outer] = testNetns(t, 1, 'cniclient');
  const [pod] = pods(t, 1);
  const agent = await startCniAgent({ socketPath: s.socketPath, runOptions: { hostNetns: outer! } });
  t.teardown(() => agent.close());
  const client = writeClient(kind, join(s.dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[s.fakeNode]], entry: s.entry, socketPath: s.socketPath });
  const conf = { cniVersion: '1.1.0', name: 'clientnet', type: 'nlkit-bridge', bridge: 'cni0', isGateway: true, ipam: { type: 'host-local', subnet: '10.77.0.0/24', dataDir: join(s.dir, 'ipam') } };
  const env = (command: string) => cniEnv(command, { containerId: 'c1', netns: pod!.path, ifname: 'eth0' });
  const add = await run(client, env('ADD'), JSON.stringify(conf));
  t.equal(add.code, 0, `ADD ${add.stdout}`);
  t.same(json(add)?.ips, [{ interface: 2, address: '10.77.0.2/24', gateway: '10.77.0.1' }], 'the address');
  t.ok(resultShape(json(add)), 'a result');
  t.equal((await run(client, env('CHECK'), JSON.stringify({ ...conf, prevResult: json(add) }))).code, 0, 'CHECK');
  t.equal((await run(client, env('DEL'), JSON.stringify(conf))).code, 0, 'DEL');
  t.same(ipJson(pod!.name, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'the pod end is gone');
  t.equal(agent.answered, 3, 'all three through the agent');
  t.equal(s.standaloneStdin(), undefined, 'none standalone');
});

/** The no-agent, no-Node.js answers of one client kind, in one queue directory. */
async function withoutNode(kind: ClientKind, dir: string, queue: string) {
  const client = writeClient(kind, join(dir, `nlkit-bridge-${kind}`), { plugin: 'nlkit-bridge', nodeCommands: [[join(dir, 'no-such-node')]], entry: '/nowhere/nlkit-bridge.js', socketPath: join(dir, 'absent.sock'), delQueueDir: queue });
  const stdin = '{"cniVersion":"1.0.0","name":"qnet","type":"nlkit-bridge"}';
  const env = (command: string) => cniEnv(command, { containerId: 'c1', ifname: 'eth0' });
  const out: Record<string, Ran> = {};
  for (const command of ['VERSION', 'ADD', 'CHECK', 'GC', 'STATUS', 'DEL']) out[command] = await run(client, env(command), stdin);
  return { out, stdin, env: { PATH, ...env('DEL') } };
}

perClient(t, 'no agent and no Node.js: DEL queued durably (0600 in 0700), VERSION answered, ADD/CHECK/GC 11, STATUS 50; the agent replays the queue', async (t, kind) => {
  const s = setup(t);
  const queue = join(s.dir, 'state', 'del-queue');
  const { out, stdin, env } = await withoutNode(kind, s.dir, queue);
  t.same(json(out.VERSION!), { cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] }, 'VERSION');
  for (const command of ['ADD', 'CHECK', 'GC', 'STATUS']) {
    const r = out[command]!;
    t.equal(r.code, 1, `${command}: exit 1`);
    t.same(json(r), {
      cniVersion: '1.0.0', code: command === 'STATUS' ? 50 : 11, msg: 'the nlkit CNI agent is not running and Node.js was not found: start the agent',
      details: `no nlkit CNI agent on ${join(s.dir, 'absent.sock')} and no node to run /nowhere/nlkit-bridge.js`,
    }, `${command}: the error`);
  }
  t.equal(out.DEL!.code, 0, 'DEL: exit 0');
  t.equal(out.DEL!.stdout.length, 0, 'DEL prints nothing');
  const files = readdirSync(queue);
  t.equal(files.length, 1, 'one file queued, no temporary left');
  t.match(files[0], QUEUED_FILE, 'named as the agent expects');
  t.equal(statSync(join(queue, files[0]!)).mode & 0o777, 0o600, 'the file is 0600');
  t.equal(statSync(queue).mode & 0o777, 0o700, 'the directory is 0700');
  t.equal(statSync(join(queue, '..')).mode & 0o777, 0o700, 'and its parent, made too');
  const parsed = parseRequest(readFileSync(join(queue, files[0]!)), true);
  t.ok(parsed.state === 'complete' && parsed.request.stdin.toString() === stdin, 'the request as it would have gone over the socket');
  if (parsed.state === 'complete') t.same(Object.fromEntries(Object.keys(env).map((k) => [k, parsed.request.env[k]])), env, 'with the environment');
  t.match(out.DEL!.stderr, /DEL queued as /, 'said on stderr');

  const [outer] = testNetns(t, 1, 'cniclient');
  const agent = await startCniAgent({ socketPath: s.socketPath, delQueueDir: queue, runOptions: { hostNetns: outer! } });
  t.teardown(() => agent.close());
  t.same(await agent.ready, { replayed: 1, failed: 0 }, 'the agent replayed it');
  t.same(readdirSync(queue), [], 'and emptied the queue');
});

perClient(t, 'no agent and no Node.js: a queue the agent would not replay is not written to; the DEL fails with code 11', async (t, kind) => {
  const s = setup(t);
  const open = join(s.dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  const { out } = await withoutNode(kind, s.dir, open);
  t.equal(out.DEL!.code, 1, 'a world-writable queue: DEL exit 1');
  t.equal(json(out.DEL!)?.code, 11, 'code 11');
  t.match(json(out.DEL!)?.details, /could not be queued in .*writable by group or others \(mode 777\)/, 'saying why');
  t.same(readdirSync(open), [], 'nothing written');
  const file = join(s.dir, 'a-file');
  writeFileSync(file, '');
  const { out: out2 } = await withoutNode(kind, s.dir, file);
  t.match(json(out2.DEL!)?.details, /could not be queued in .*a-file: not a directory/, 'a file in the way: not a directory');
});

t.test('the C and Perl clients agree byte for byte: requests, answers without agent or Node.js, queued files', async (t) => {
  if (CLIENT_KINDS.length < 2) {
    t.fail('no C compiler (cc): install one (apt-get install gcc) to test the C client');
    return;
  }
  const s = setup(t);
  const requests = await fakeAgent(t, s.socketPath, { answer: '0 0\n' });
  for (const kind of CLIENT_KINDS) {
    const client = writeClient(kind, join(s.dir, `nlkit-portmap-${kind}`), { plugin: 'nlkit-portmap', nodeCommands: [[s.fakeNode]], entry: s.entry, socketPath: s.socketPath });
    await run(client, ODD_ENV, '{"cniVersion":"1.1.0"}');
  }
  t.equal(requests.length, 2, 'one request each');
  t.same(requests[0], requests[1], 'identical requests');
  const queues = CLIENT_KINDS.map((kind) => join(s.dir, `queue-${kind}`));
  const [c, perl] = await Promise.all(CLIENT_KINDS.map((kind, i) => withoutNode(kind, s.dir, queues[i]!)));
  for (const command of Object.keys(c!.out)) {
    t.same(c!.out[command]!.stdout.toString(), perl!.out[command]!.stdout.toString(), `${command}: the same stdout`);
    t.equal(c!.out[command]!.code, perl!.out[command]!.code, `${command}: the same exit code`);
  }
  const queued = queues.map((q) => readFileSync(join(q, readdirSync(q)[0]!)));
  t.same(queued[0], queued[1], 'the same queued bytes');
});

t.test('the C client compiles without a warning (-std=c99 -Wall -Wextra -pedantic -Werror), with and without a baked entry', async (t) => {
  if (!CLIENT_KINDS.includes('c')) {
    t.fail('no C compiler (cc): install one (apt-get install gcc)');
    return;
  }
  const s = setup(t);
  const variants = [
    { plugin: 'nlkit-bridge' },
    { plugin: 'nlkit-bandwidth', entry: '/opt/odd "path"/with\\back?slash??/é.js', nodeCommands: [['/usr/bin/node', '--max-old-space-size=64'], ['node']], socketPath: '/run/x.sock', delQueueDir: '/var/q', answerTimeoutSeconds: 5 },
  ];
  for (const [i, options] of variants.entries()) {
    const header = join(s.dir, `config-${i}.h`);
    writeFileSync(header, cClientConfigHeader(options));
    let output = '';
    try {
      output = execFileSync('cc', [...C_CLIENT_FLAGS, '-pedantic', '-Werror', '-include', header, C_CLIENT_SOURCE, '-o', join(s.dir, `client-${i}`)], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    } catch (error) {
      output = String((error as { stderr?: Buffer }).stderr ?? error);
    }
    t.equal(output, '', `${options.plugin}: no diagnostics`);
    t.ok(existsSync(join(s.dir, `client-${i}`)), `${options.plugin}: built`);
  }
  t.ok(readFileSync(join(s.dir, 'client-1')).includes(Buffer.from('/opt/odd "path"/with\\back?slash??/é.js')), 'the entry with odd bytes is baked in intact');
});
