// The C plugin client (src/cni/agent/client.c) against agents and callers
// that misbehave in ways test/cni/client.test.ts does not try: an answer
// dribbled one byte per write, a connection reset mid-answer, an agent that
// closes before reading a large stdin (SIGPIPE), a giant environment, stdin
// empty or closed, odd argv[0]. The client must never die of a signal nor
// hang: it relays a good answer exactly, and answers CNI code 11 otherwise.
// Only temp dirs and sockets this test makes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { parseRequest } from '../../src/cni/agent/protocol.js';
import { CLIENT_KINDS, fakeAgent, writeClient } from '../cni/clients.js';
import { cniEnv } from '../cni/helpers.js';

if (!CLIENT_KINDS.includes('c')) {
  t.fail('no C compiler: the C client cannot be built here');
  process.exit(1);
}

const PATH = process.env.PATH ?? '/usr/bin:/bin';
const CODE_11 = (version: string) => ({ cniVersion: version, code: 11, msg: 'the nlkit CNI agent closed the connection without an answer; try again' });

interface Ran {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
}

/** Runs the client with exactly `env` (and PATH); stdin `input`, or closed (fd 0 shut) for `null`. Killed after 20 s: a hang fails. */
function run(client: string, env: Record<string, string>, input: Buffer | string | null, argv0?: string): Promise<Ran> {
  const [command, args] = input === null ? ['/bin/sh', ['-c', 'exec "$0" <&-', client]] : [client, []];
  const child = spawn(command, args, { env: { PATH, ...env }, stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'ignore'], ...(argv0 !== undefined ? { argv0 } : {}) });
  const out: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  if (input !== null) {
    child.stdin!.on('error', () => {});
    child.stdin!.end(input);
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out) });
    });
  });
}

const ANSWER = '7 12\n{"x":1}\nend\0';

function setup(t: Test): { dir: string; socketPath: string; client: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-cclient-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // No Node.js to fall back on: what the client does on its own is what is tested.
  const socketPath = join(dir, 'run', 'cni.sock');
  return { dir, socketPath, client: () => writeClient('c', join(dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[join(dir, 'no-node')]], entry: join(dir, 'entry.js'), socketPath }) };
}

const ADD = cniEnv('ADD', { containerId: 'c1', netns: '/run/netns/x', ifname: 'eth0' });
const json = (r: Ran): unknown => {
  try {
    return JSON.parse(r.stdout.toString());
  } catch {
    return r.stdout.toString();
  }
};

t.test('an answer written one byte at a time is relayed whole', async (t) => {
  const s = setup(t);
  const requests = await fakeAgent(t, s.socketPath, { dribble: ANSWER });
  const r = await run(s.client(), ADD, '{"cniVersion":"1.0.0"}');
  t.equal(r.signal, null, 'no signal');
  t.equal(r.code, 7, "the agent's exit code");
  t.same(r.stdout, Buffer.from('{"x":1}\nend\0'), "the agent's stdout, byte for byte");
});

t.test('a connection closed in the middle of an answer: code 11, no signal', async (t) => {
  const s = setup(t);
  const requests = await fakeAgent(t, s.socketPath, { partialAnswer: '0 100\n{"partial":' });
  const r = await run(s.client(), ADD, '{"cniVersion":"0.4.0"}');
  t.equal(r.signal, null, 'no signal');
  t.equal(r.code, 1, 'exit 1');
  t.same(json(r), CODE_11('0.4.0'), 'CNI code 11, nothing of the partial answer');
});

t.test('an agent that closes before reading an 8 MiB stdin: no death by SIGPIPE, code 11', async (t) => {
  const s = setup(t);
  const requests = await fakeAgent(t, s.socketPath, { closeAtOnce: true });
  const big = Buffer.concat([Buffer.from('{"cniVersion":"1.0.0","pad":"'), Buffer.alloc(8 << 20, 'x'), Buffer.from('"}')]);
  for (let i = 0; i < 3; i++) {
    const r = await run(s.client(), ADD, big);
    t.equal(r.signal, null, `run ${i + 1}: not killed by a signal`);
    t.equal(r.code, 1, `run ${i + 1}: exit 1`);
    t.same(json(r), CODE_11('1.0.0'), `run ${i + 1}: CNI code 11 in the request's version`);
  }
});

t.test('a giant environment (CNI_ARGS and seven more of 120 KiB each, ~1 MiB) reaches the agent intact', async (t) => {
  const s = setup(t);
  const requests = await fakeAgent(t, s.socketPath, { answer: ANSWER });
  // One variable may hold at most 128 KiB (MAX_ARG_STRLEN): ~1 MiB of environment in eight.
  const env: Record<string, string> = { ...ADD, CNI_ARGS: `IgnoreUnknown=1;K=${'a'.repeat(120 << 10)}` };
  for (let i = 1; i < 8; i++) env[`BIG${i}`] = String(i).repeat(120 << 10);
  const r = await run(s.client(), env, '{}');
  t.equal(r.signal, null, 'no signal');
  t.equal(r.code, 7, "the agent's answer relayed");
  // Read with room for it: the real agent refuses a header over 256 KiB (DEFAULT_LIMITS), which is its call, not the client's.
  const parsed = parseRequest(requests[0]!, true, { maxHeaderBytes: 4 << 20, maxStdinBytes: 8 << 20 });
  t.equal(parsed.state, 'complete', 'a complete request');
  if (parsed.state !== 'complete') return;
  t.equal(parsed.request.env.CNI_ARGS, env.CNI_ARGS, 'CNI_ARGS whole');
  t.equal(parsed.request.env.BIG7, env.BIG7, 'and the others');
});

t.test('stdin empty, or closed altogether: a request with empty stdin, the answer relayed', async (t) => {
  const s = setup(t);
  const requests = await fakeAgent(t, s.socketPath, { answer: ANSWER });
  const client = s.client();
  for (const [what, input] of [['empty', ''], ['closed', null]] as const) {
    const r = await run(client, cniEnv('VERSION'), input);
    t.equal(r.signal, null, `${what}: no signal`);
    t.equal(r.code, 7, `${what}: the agent's exit code`);
  }
  t.equal(requests.length, 2, 'both reached the agent');
  for (const request of requests) {
    const parsed = parseRequest(request, true);
    t.equal(parsed.state === 'complete' && parsed.request.stdin.length, 0, 'with an empty stdin');
  }
});

t.test('odd argv[0] (blank, a newline, 8 KiB, a path that does not exist): the baked plugin name is used', async (t) => {
  const s = setup(t);
  const requests = await fakeAgent(t, s.socketPath, { answer: ANSWER });
  const client = s.client();
  const odd = [' ', 'x\ny', 'p'.repeat(8 << 10), '/nonexistent/dir/nlkit-other'];
  for (const argv0 of odd) {
    const r = await run(client, cniEnv('VERSION'), '{}', argv0);
    t.equal(r.signal, null, `${JSON.stringify(argv0.slice(0, 20))}: no signal`);
    t.equal(r.code, 7, `${JSON.stringify(argv0.slice(0, 20))}: answered by the agent`);
  }
  t.equal(requests.length, odd.length, 'every run reached the agent');
  for (const request of requests) {
    const parsed = parseRequest(request, true);
    t.equal(parsed.state === 'complete' && parsed.request.plugin, 'nlkit-bridge', 'as nlkit-bridge');
  }
});
