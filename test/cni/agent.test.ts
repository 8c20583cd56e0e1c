// The resident CNI agent and its clients (the tests of the client's own
// behaviour once per kind, C and Perl; the others with the kind the build
// writes here), inside outer namespaces that
// play the host: calls through the client with the agent running give what
// the standalone plugin gives; with no agent, or a stale socket, the same
// client runs the plugin itself; the agent serialises GC against ADD and DEL,
// answers malformed requests with CNI errors and keeps serving, leaks no
// descriptors, and stops gracefully on SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import {
  CniAgentRunningError, decodeAnswer, encodeRequest, runCniAgentDaemon, startCniAgent, type AgentLockEvent, type CniAgent, type CniAgentOptions,
} from '../../src/cni/agent/index.js';
import { hostLocalIpam } from '../../src/cni/ipam/host-local/index.js';
import type { IpamRequest } from '../../src/cni/ipam/types.js';
import { InvalidArgumentError } from '../../src/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { DEFAULT_CLIENT_KIND, perClient, writeClient, type ClientKind } from './clients.js';
import { cniEnv, execPlugin, hostDevice, hostEndName, NLKIT_BIN, podRoutes, pods, podState, resultShape, withPrev, type PluginRun } from './helpers.js';

if (!requireRoot(t)) process.exit(0);

const SOCKET_VARIABLE = 'NLKIT_CNI_AGENT_SOCKET';

/** A temp dir with the client executable (its standalone fallback: the plugin's sources through tsx), host-local state and the socket. */
function setup(t: Test, kind: ClientKind = DEFAULT_CLIENT_KIND): { dir: string; client: string; socketPath: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-agent-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const client = writeClient(kind, join(dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[process.execPath, '--import=tsx']], entry: NLKIT_BIN });
  return { dir, client, socketPath: join(dir, 'run', 'cni.sock'), dataDir: join(dir, 'ipam') };
}

async function agentFor(t: Test, options: CniAgentOptions): Promise<CniAgent> {
  const agent = await startCniAgent(options);
  t.teardown(() => agent.close());
  return agent;
}

function config(dataDir: string, name = 'agentnet', subnet = '10.79.0.0/24', ipamType = 'host-local'): Record<string, unknown> {
  return { cniVersion: '1.1.0', name, type: 'nlkit-bridge', bridge: 'cni0', isGateway: true, isDefaultGateway: true, ipam: { type: ipamType, subnet, dataDir } };
}

/** One call through the client executable started directly (no `ip netns exec`): with an agent, where the client runs does not matter. */
function direct(client: string, socketPath: string, env: Record<string, string>, conf: unknown): Promise<PluginRun> {
  const child = spawn(client, [], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, [SOCKET_VARIABLE]: socketPath }, stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stdin.end(JSON.stringify(conf));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(chunks).toString('utf8');
      let json: any;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ exitCode: code ?? 1, stdout, json });
    });
  });
}

/** One call through the client executable, started in `outer` as a runtime starts plugins. */
function viaClient(client: string, socketPath: string, outer: string, env: Record<string, string>, conf: unknown): Promise<PluginRun> {
  return execPlugin(outer, [client], { ...env, [SOCKET_VARIABLE]: socketPath }, conf);
}

function ok(t: Test, r: PluginRun, what: string): void {
  t.equal(r.exitCode, 0, `${what}: exit 0${r.exitCode ? ` (${r.stdout.trim()})` : ''}`);
}

function allocations(dataDir: string, network = 'agentnet'): string[] {
  const dir = join(dataDir, network);
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)).sort() : [];
}

/** Sends raw bytes to the agent (half-closing after them unless `keepOpen`), returns every byte it answers. */
function rawCall(socketPath: string, bytes: Buffer | string, keepOpen = false): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    if (keepOpen) socket.write(bytes);
    else socket.end(bytes);
  });
}

function versionRequest(): Buffer {
  return encodeRequest({ plugin: 'nlkit-bridge', env: { CNI_COMMAND: 'VERSION' }, stdin: Buffer.from('{"cniVersion":"1.0.0"}') });
}

async function waitExit(child: ReturnType<typeof spawn>): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

t.test('ADD, CHECK, DEL through the client with the agent: the same results and kernel state as the standalone plugin', async (t) => {
  const { client, socketPath, dataDir } = setup(t);
  const [withAgent, standalone] = testNetns(t, 2, 'cniagenthost');
  const [pod1, pod2] = pods(t, 2);
  const agent = await agentFor(t, { socketPath, runOptions: { hostNetns: withAgent! } });
  const noAgent = join(socketPath, '..', 'absent.sock');
  const conf = (which: string) => config(join(dataDir, which));
  const env = (command: string, pod: { path: string }) => cniEnv(command, { containerId: 'c1', netns: pod.path, ifname: 'eth0' });

  // The standalone calls (a Node.js start each) run beside the agent's to keep the test short.
  const [a, s] = await Promise.all([
    viaClient(client, socketPath, withAgent!, env('ADD', pod1!), conf('agent')),
    viaClient(client, noAgent, standalone!, env('ADD', pod2!), conf('standalone')),
  ]);
  ok(t, a, 'ADD through the agent');
  ok(t, s, 'ADD standalone (no agent on the path)');
  t.equal(agent.answered, 1, 'only the call with the agent\'s socket reached the agent');

  t.same(resultShape(a.json), resultShape(s.json), 'the results have the same shape and values');
  t.same(a.json.ips, [{ interface: 2, address: '10.79.0.2/24', gateway: '10.79.0.1' }]);
  t.same(podState(pod1!.name), podState(pod2!.name), 'pod devices and addresses: the same ip -j -d state');
  t.same(podRoutes(pod1!.name), podRoutes(pod2!.name), 'pod routes: the same');
  t.same(hostDevice(withAgent!, hostEndName(a.json)), hostDevice(standalone!, hostEndName(s.json)), 'host end: the same state');
  t.same(hostDevice(withAgent!, 'cni0'), hostDevice(standalone!, 'cni0'), 'bridge: the same state');

  ok(t, await viaClient(client, socketPath, withAgent!, env('CHECK', pod1!), withPrev(conf('agent'), a.json)), 'CHECK through the agent');
  const drifted = await viaClient(client, socketPath, withAgent!, env('CHECK', pod1!), withPrev(conf('agent'), { ...a.json, ips: [{ interface: 2, address: '10.79.0.9/24', gateway: '10.79.0.1' }] }));
  t.equal(drifted.exitCode, 1, 'CHECK through the agent reports drift with exit 1');
  t.type(drifted.json?.code, 'number', 'and the error JSON');

  const [d, ds] = await Promise.all([
    viaClient(client, socketPath, withAgent!, env('DEL', pod1!), conf('agent')),
    viaClient(client, noAgent, standalone!, env('DEL', pod2!), conf('standalone')),
  ]);
  ok(t, d, 'DEL through the agent');
  ok(t, ds, 'DEL standalone');
  t.same(ipJson(pod1!.name, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'the pod end is gone (agent)');
  t.same(ipJson(pod2!.name, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'the pod end is gone (standalone)');
  t.same(allocations(join(dataDir, 'agent')), [], 'the address is released (agent)');
  t.same(allocations(join(dataDir, 'standalone')), [], 'the address is released (standalone)');
  t.equal(agent.answered, 4, 'ADD, CHECK, the drifted CHECK and DEL went to the agent');

  const version = await viaClient(client, socketPath, withAgent!, { CNI_COMMAND: 'VERSION' }, { cniVersion: '1.0.0' });
  t.same(version.json, { cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] }, 'VERSION through the agent');
  const failing = await viaClient(client, socketPath, withAgent!, cniEnv('ADD', { containerId: 'c2', ifname: 'eth0' }), conf('agent'));
  t.equal(failing.exitCode, 1, 'a failing call: the plugin\'s exit code');
  t.equal(failing.json?.code, 4, 'and its error JSON (missing CNI_NETNS: code 4)');
});

perClient(t, 'the agent down, then restarted: the client falls back to the plugin itself, DEL succeeds, state survives the restart', async (t, kind) => {
  const { client, socketPath, dataDir } = setup(t, kind);
  const [outer] = testNetns(t, 1, 'cniagenthost');
  const [pod1, pod2] = pods(t, 2);
  const conf = config(dataDir);
  const first = await startCniAgent({ socketPath, runOptions: { hostNetns: outer! } });
  ok(t, await viaClient(client, socketPath, outer!, cniEnv('ADD', { containerId: 'c1', netns: pod1!.path, ifname: 'eth0' }), conf), 'ADD c1 through the agent');
  ok(t, await viaClient(client, socketPath, outer!, cniEnv('ADD', { containerId: 'c2', netns: pod2!.path, ifname: 'eth0' }), conf), 'ADD c2 through the agent');
  await first.close();
  t.notOk(existsSync(socketPath), 'a graceful stop removes the socket');

  ok(t, await viaClient(client, socketPath, outer!, cniEnv('DEL', { containerId: 'c1', netns: pod1!.path, ifname: 'eth0' }), conf), 'DEL c1 with the agent down (standalone)');
  t.same(allocations(dataDir), ['10.79.0.3'], 'c1 released, c2 kept');
  t.same(ipJson(pod1!.name, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'c1\'s pod end is gone');

  const second = await agentFor(t, { socketPath, runOptions: { hostNetns: outer! } });
  ok(t, await viaClient(client, socketPath, outer!, cniEnv('DEL', { containerId: 'c2', netns: pod2!.path, ifname: 'eth0' }), conf), 'DEL c2 through a new agent: the allocation on disk survived the restart');
  ok(t, await viaClient(client, socketPath, outer!, cniEnv('DEL', { containerId: 'c2', netns: pod2!.path, ifname: 'eth0' }), conf), 'DEL again: idempotent');
  t.equal(second.answered, 2, 'both DELs went to the new agent');
  t.same(allocations(dataDir), [], 'nothing left allocated');
  t.same(ipJson(pod2!.name, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'the pod end is gone');
});

perClient(t, 'a stale socket: the client falls back, a new agent replaces it; a live agent and a non-socket file are refused', async (t, kind) => {
  const { client, socketPath, dir } = setup(t, kind);
  const [outer] = testNetns(t, 1, 'cniagenthost');
  mkdirSync(join(socketPath, '..'), { recursive: true, mode: 0o755 });
  // A socket file nobody listens on, as a killed agent leaves it: bound, never listened on, its process gone.
  const binder = spawn('perl', ['-e', 'use Socket; socket(S, AF_UNIX, SOCK_STREAM, 0) or die; bind(S, pack_sockaddr_un($ARGV[0])) or die "bind: $!"', socketPath], { stdio: 'inherit' });
  t.equal(await waitExit(binder), 0, 'a socket file left by a process that is gone');
  t.ok(statSync(socketPath).isSocket(), 'the stale socket exists');

  const fallback = await viaClient(client, socketPath, outer!, { CNI_COMMAND: 'VERSION' }, { cniVersion: '1.1.0' });
  ok(t, fallback, 'VERSION through the client with a stale socket (standalone)');
  t.same(fallback.json?.supportedVersions, ['0.4.0', '1.0.0', '1.1.0']);

  const agent = await agentFor(t, { socketPath, runOptions: { hostNetns: outer! } });
  t.equal(statSync(socketPath).mode & 0o777, 0o600, 'the new socket is 0600');
  t.equal(statSync(join(socketPath, '..')).mode & 0o777, 0o755, 'an existing directory is left as it is');
  ok(t, await viaClient(client, socketPath, outer!, { CNI_COMMAND: 'VERSION' }, { cniVersion: '1.1.0' }), 'VERSION through the new agent');
  t.equal(agent.answered, 1, 'the new agent answered');

  await t.rejects(startCniAgent({ socketPath }), CniAgentRunningError, 'a second agent on a live socket is refused');
  t.ok(statSync(socketPath).isSocket(), 'and the live socket is left alone');
  const plain = join(dir, 'plain-file');
  writeFileSync(plain, 'not a socket');
  await t.rejects(startCniAgent({ socketPath: plain }), InvalidArgumentError, 'a path holding a regular file is refused');
  t.equal(existsSync(plain), true, 'and the file is kept');
  await t.rejects(startCniAgent({ socketPath: 'relative.sock' }), InvalidArgumentError, 'a relative path is refused');
  await t.rejects(startCniAgent({ socketPath: `/tmp/${'x'.repeat(120)}` }), InvalidArgumentError, 'a path longer than sun_path is refused');
  await t.rejects(startCniAgent({ socketPath: join(dir, 'o.sock'), requestTimeoutMs: -1 }), InvalidArgumentError, 'a negative timeout is refused');

  const fresh = join(dir, 'fresh', 'run', 'cni.sock');
  const made = await agentFor(t, { socketPath: fresh });
  t.equal(statSync(join(fresh, '..')).mode & 0o777, 0o700, 'a directory the agent makes is 0700');
  await made.close();
});

perClient(t, 'an agent that takes an ADD and closes without answering: the client answers code 11, not a second ADD', async (t, kind) => {
  const { client, socketPath } = setup(t, kind);
  mkdirSync(join(socketPath, '..'), { recursive: true });
  let requests = 0;
  const { createServer } = await import('node:net');
  const server = createServer((socket) => {
    requests++;
    socket.on('data', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const r = await direct(client, socketPath, cniEnv('ADD', { containerId: 'c1', netns: '/run/netns/none', ifname: 'eth0' }), { cniVersion: '1.0.0', name: 'agentnet', type: 'nlkit-bridge' });
  t.equal(r.exitCode, 1, 'exit 1');
  t.same(r.json, { cniVersion: '1.0.0', code: 11, msg: 'the nlkit CNI agent closed the connection without an answer; try again' }, 'code 11 (try again later) in the request\'s version');
  t.equal(requests, 1, 'the call reached the agent once and was not run standalone');
});

t.test('concurrent ADDs and DELs through the agent: distinct addresses, every pod wired', async (t) => {
  const { client, socketPath, dataDir } = setup(t);
  const [outer] = testNetns(t, 1, 'cniagenthost');
  const list = pods(t, 6);
  const conf = config(dataDir);
  const agent = await agentFor(t, { socketPath, runOptions: { hostNetns: outer! } });
  const adds = await Promise.all(list.map((p, i) => viaClient(client, socketPath, outer!, cniEnv('ADD', { containerId: `c${i}`, netns: p.path, ifname: 'eth0' }), conf)));
  adds.forEach((r, i) => ok(t, r, `ADD c${i}`));
  const addresses = adds.map((r) => r.json?.ips?.[0]?.address);
  t.equal(new Set(addresses).size, list.length, 'every pod got its own address');
  list.forEach((p, i) => {
    const eth0 = ipJson(p.name, 'addr', 'show', 'dev', 'eth0')[0];
    t.equal(`${eth0.addr_info.find((a: any) => a.family === 'inet').local}/24`, addresses[i], `pod ${i} holds the address its result reports`);
  });
  t.equal(allocations(dataDir).length, list.length, 'one allocation per pod on disk');
  const dels = await Promise.all(list.map((p, i) => viaClient(client, socketPath, outer!, cniEnv('DEL', { containerId: `c${i}`, netns: p.path, ifname: 'eth0' }), conf)));
  dels.forEach((r, i) => ok(t, r, `DEL c${i}`));
  t.same(allocations(dataDir), [], 'everything released');
  t.equal(agent.answered, 12, 'all went through the agent');
});

t.test('the agent\'s cache follows what changes behind its back: a bridge deleted, an address file handed to someone else', async (t) => {
  const { client, socketPath, dataDir } = setup(t);
  const [outer] = testNetns(t, 1, 'cniagenthost');
  const list = pods(t, 3);
  const conf = config(dataDir);
  await agentFor(t, { socketPath, runOptions: { hostNetns: outer! } });
  const add = (i: number) => direct(client, socketPath, cniEnv('ADD', { containerId: `c${i}`, netns: list[i]!.path, ifname: 'eth0' }), conf);
  const first = await add(0);
  ok(t, first, 'ADD c0 (the agent now remembers cni0 and the allocations)');
  t.equal(ipJson(outer!, 'link', 'show', 'master', 'cni0').length, 1, 'one port on cni0');

  // Someone deletes the bridge: the next ADD finds its remembered bridge gone, checks again and makes a new one.
  ip(outer!, 'link', 'del', 'cni0');
  const second = await add(1);
  ok(t, second, 'ADD c1 after cni0 was deleted behind the agent\'s back');
  const ports = ipJson(outer!, 'link', 'show', 'master', 'cni0').map((l: any) => l.ifname);
  t.same(ports, [hostEndName(second.json)], 'c1\'s host end is a port of the new cni0');
  t.equal(ipJson(outer!, 'addr', 'show', 'dev', 'cni0').flatMap((l: any) => l.addr_info).filter((a: any) => a.family === 'inet').map((a: any) => `${a.local}/${a.prefixlen}`)[0], '10.79.0.1/24', 'and the new bridge has the gateway address');

  // Another process releases c0's address and hands the same file to another container (the names in the directory stay the same).
  const address = String(first.json.ips[0].address).split('/')[0]!;
  writeFileSync(join(dataDir, 'agentnet', address), 'other\r\neth0');
  ok(t, await direct(client, socketPath, cniEnv('DEL', { containerId: 'c0', netns: list[0]!.path, ifname: 'eth0' }), conf), 'DEL c0');
  t.ok(allocations(dataDir).includes(address), 'the file that now names another container is not released by c0\'s DEL');
  const third = await add(2);
  ok(t, third, 'ADD c2');
  t.not(String(third.json.ips[0].address).split('/')[0], address, 'and the address held by the other container is not handed out again');
});

t.test('GC is serialised against ADD and DEL of its network, in arrival order', async (t) => {
  const { client, socketPath, dataDir } = setup(t);
  const [outer] = testNetns(t, 1, 'cniagenthost');
  const [pod1, pod2, pod3] = pods(t, 3);
  // host-local behind a gate: the first ADD holds the network until the test opens it.
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const events: AgentLockEvent[] = [];
  const seen = (predicate: (e: AgentLockEvent) => boolean) => new Promise<void>((resolve) => {
    const poll = () => (events.some(predicate) ? resolve() : setTimeout(poll, 10));
    poll();
  });
  const gated = async (request: IpamRequest) => {
    if (request.command === 'ADD' && request.containerId === 'c1') await gate;
    return hostLocalIpam({ ...request, ipam: { ...request.ipam, type: 'host-local' } });
  };
  await agentFor(t, { socketPath, runOptions: { hostNetns: outer!, ipam: { gated } }, onLock: (e) => events.push(e) });
  const conf = config(dataDir, 'agentnet', '10.79.0.0/24', 'gated');
  const add = (id: string, pod: { path: string }) => viaClient(client, socketPath, outer!, cniEnv('ADD', { containerId: id, netns: pod.path, ifname: 'eth0' }), conf);

  const add1 = add('c1', pod1!);
  await seen((e) => e.event === 'acquired' && e.containerId === 'c1');
  const gc = viaClient(client, socketPath, outer!, cniEnv('GC'), {
    ...conf, 'cni.dev/valid-attachments': [{ containerID: 'c1', ifname: 'eth0' }, { containerID: 'c2', ifname: 'eth0' }, { containerID: 'c3', ifname: 'eth0' }],
  });
  await seen((e) => e.event === 'waiting' && e.command === 'GC');
  const add2 = add('c2', pod2!);
  await seen((e) => e.event === 'waiting' && e.containerId === 'c2');
  t.notOk(events.some((e) => e.command === 'GC' && e.event === 'acquired'), 'GC waits while ADD c1 holds the network');
  t.notOk(events.some((e) => e.containerId === 'c2' && e.event === 'acquired'), 'ADD c2, arrived after GC, waits for it although ADD c1 still runs');
  open();
  const [r1, rgc, r2] = await Promise.all([add1, gc, add2]);
  ok(t, r1, 'ADD c1');
  ok(t, rgc, 'GC');
  ok(t, r2, 'ADD c2');
  ok(t, await add('c3', pod3!), 'ADD c3 after all that');
  const order = events.map((e) => `${e.event} ${e.command === 'GC' ? 'GC' : `${e.command} ${e.containerId}`}`);
  t.same(order, [
    'waiting ADD c1', 'acquired ADD c1',
    'waiting GC',
    'waiting ADD c2',
    'released ADD c1', 'acquired GC', 'released GC',
    'acquired ADD c2', 'released ADD c2',
    'waiting ADD c3', 'acquired ADD c3', 'released ADD c3',
  ], 'lock order: GC alone, after the ADD before it and before the ADD after it');
  t.same(allocations(dataDir), ['10.79.0.2', '10.79.0.3', '10.79.0.4'], 'GC kept the valid attachments');
});

t.test('malformed requests get a CNI error and the agent keeps serving', async (t) => {
  const { socketPath } = setup(t);
  const agent = await agentFor(t, { socketPath, requestTimeoutMs: 500, limits: { maxHeaderBytes: 4096, maxStdinBytes: 65536 } });
  const refused = async (bytes: Buffer | string, what: string, code = 6, keepOpen = false) => {
    const answer = decodeAnswer(await rawCall(socketPath, bytes, keepOpen));
    t.equal(answer?.exitCode, 1, `${what}: exit 1`);
    const json = answer ? JSON.parse(answer.stdout) : undefined;
    t.equal(json?.code, code, `${what}: code ${code} (${json?.msg})`);
  };
  await refused('', 'an empty request');
  await refused('hello\n', 'a header that is not JSON');
  await refused('[1,2]\n', 'a header that is not an object');
  await refused('{"plugin":"nlkit-bridge","env":{"CNI_COMMAND":1},"stdinLength":0}\n', 'an env value that is not a string');
  await refused('{"plugin":"nlkit-bridge","env":{},"stdinLength":-1}\n', 'a negative stdin length');
  await refused('{"plugin":"nlkit-bridge","env":{},"stdinLength":100}\n{"cniVersion"', 'a truncated stdin');
  await refused('{"plugin":"nlkit-bridge","env":{},"stdinLength":2}\n{}extra', 'bytes after the stdin');
  await refused('{"plugin":"nlkit-bridge","env":{},"stdinLength":1000000}\n', 'a stdin over the limit');
  await refused(Buffer.alloc(200_000, 0x41), 'a header line over the limit (huge)');
  await refused('{"plugin":"nlkit-bridge","env":{},"stdinLength":5}\n{', 'a slow client (no more bytes, connection open)', 6, true);
  await refused(encodeRequest({ plugin: 'rm -rf', env: { CNI_COMMAND: 'VERSION' }, stdin: Buffer.alloc(0) }), 'an unknown plugin', 4);
  let seed = 14;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 20; i++) {
    const junk = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
    const answer = decodeAnswer(await rawCall(socketPath, junk));
    t.equal(answer?.exitCode, 1, `random bytes #${i}: answered with an error`);
  }
  // Clients that vanish mid-request.
  for (let i = 0; i < 5; i++) {
    const socket = connect(socketPath);
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('{"plugin":"nlkit-bridge","env"');
    socket.destroy();
  }
  const answer = decodeAnswer(await rawCall(socketPath, versionRequest()));
  t.same(answer && JSON.parse(answer.stdout), { cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] }, 'a valid call still gets its answer');
  t.equal(agent.inFlight, 0, 'nothing left running');
});

t.test('no descriptor growth in the agent over 50 calls', async (t) => {
  const { client, socketPath, dataDir } = setup(t);
  const [outer] = testNetns(t, 1, 'cniagenthost');
  const [pod] = pods(t, 1);
  const conf = config(dataDir);
  const agent = await agentFor(t, { socketPath, runOptions: { hostNetns: outer! } });
  const fds = () => readdirSync('/proc/self/fd').filter((fd) => {
    try {
      readlinkSync(`/proc/self/fd/${fd}`);
      return true;
    } catch {
      return false;
    }
  }).length;
  const cycle = async (i: number) => {
    ok(t, await direct(client, socketPath, cniEnv('ADD', { containerId: `c${i}`, netns: pod!.path, ifname: 'eth0' }), conf), `ADD c${i}`);
    ok(t, await direct(client, socketPath, cniEnv('DEL', { containerId: `c${i}`, netns: pod!.path, ifname: 'eth0' }), conf), `DEL c${i}`);
  };
  await cycle(0);
  const before = fds();
  for (let i = 1; i <= 25; i++) await cycle(i);
  const after = fds();
  t.equal(agent.answered, 52, '50 calls after the warm-up went to the agent');
  t.ok(after <= before + 2, `descriptors: ${before} before, ${after} after 50 calls`);
  t.same(allocations(dataDir), [], 'nothing left allocated');
});

t.test('the daemon: refuses a second instance, serves, stops on SIGTERM and removes its socket', async (t) => {
  const { socketPath } = setup(t);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'UV_THREADPOOL_SIZE'));
  const start = () => spawn(process.execPath, ['--import=tsx', new URL('../../src/cni/agent/main.ts', import.meta.url).pathname, '--socket', socketPath], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const daemon = start();
  t.teardown(() => {
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    daemon.stderr!.on('data', (c: Buffer) => {
      log += c.toString();
      if (log.includes('listening on')) resolve();
    });
    daemon.once('exit', (code) => reject(new Error(`the daemon exited with ${code}: ${log}`)));
  });
  const answer = decodeAnswer(await rawCall(socketPath, versionRequest()));
  t.equal(answer?.exitCode, 0, 'it answers VERSION');
  let secondLog = '';
  const second = await runCniAgentDaemon(['--socket', socketPath], {}, { stdout: () => {}, stderr: (text) => (secondLog += text) });
  t.equal(second, 1, 'a second daemon on the same socket exits 1');
  t.match(secondLog, /already answers/, 'saying why');
  daemon.kill('SIGTERM');
  t.equal(await waitExit(daemon), 0, 'SIGTERM: exit 0');
  t.match(log, /SIGTERM: finishing/, 'it says it is stopping');
  t.match(log, /UV_THREADPOOL_SIZE is not set: .* start the agent with UV_THREADPOOL_SIZE=16/, 'started without UV_THREADPOOL_SIZE, it says how to size libuv\'s pool');
  t.notOk(existsSync(socketPath), 'the socket is removed');
});
