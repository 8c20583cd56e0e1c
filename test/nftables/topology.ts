// A small routed network for packet tests: pods behind a host that forwards, and an outside peer.
//
//   pod1 (10.88.1.2) ── h1 ┐
//   pod2 (10.88.2.2) ── h2 ┤ host (forwards) ── hout ── outside (192.168.50.2)
//
// Built with `ip` inside namespaces the test created; tests only.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Test } from 'tap';
import { ip, testNetns } from '../helpers/netns.js';

export interface Topology {
  host: string;
  pod1: string;
  pod2: string;
  outside: string;
}

export function buildTopology(t: Test, tag: string): Topology {
  const [host, pod1, pod2, outside] = testNetns(t, 4, tag) as [string, string, string, string];
  const link = (peerNs: string, hostDev: string, hostAddr: string, peerAddr: string, gateway?: string) => {
    ip(host, 'link', 'add', hostDev, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peerNs);
    ip(host, 'addr', 'add', hostAddr, 'dev', hostDev);
    ip(host, 'link', 'set', hostDev, 'up');
    ip(peerNs, 'addr', 'add', peerAddr, 'dev', 'eth0');
    ip(peerNs, 'link', 'set', 'eth0', 'up');
    ip(peerNs, 'link', 'set', 'lo', 'up');
    if (gateway) ip(peerNs, 'route', 'add', 'default', 'via', gateway);
  };
  ip(host, 'link', 'set', 'lo', 'up');
  link(pod1, 'h1', '10.88.1.1/24', '10.88.1.2/24', '10.88.1.1');
  link(pod2, 'h2', '10.88.2.1/24', '10.88.2.2/24', '10.88.2.1');
  link(outside, 'hout', '192.168.50.1/24', '192.168.50.2/24');
  execFileSync('ip', ['netns', 'exec', host, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  return { host, pod1, pod2, outside };
}

/** A node process in a namespace, with every stdout line it printed so far. */
export interface NodeProcess {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves with the first line (already printed or still to come) matching `pattern`; rejects after `ms`. */
  line(pattern: RegExp, ms?: number): Promise<string>;
  send(text: string): void;
}

/** Runs a node script inside a namespace; killed on teardown. */
export function nodeIn(t: Test, netns: string, script: string, args: string[] = []): NodeProcess {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', script, '--', ...args]);
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return {
    child,
    lines,
    send: (text) => { child.stdin.write(text); },
    line(pattern, ms = 3000) {
      return new Promise((resolve, reject) => {
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const check = () => {
          const found = lines.find((l) => pattern.test(l));
          if (found === undefined) return false;
          finish();
          resolve(found);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no line matching ${pattern} within ${ms} ms; got ${JSON.stringify(lines)} ${stderr}`));
        }, ms);
        if (!check()) waiters.add(wake);
      });
    },
  };
}

/** A TCP echo server that prints `listening` once ready and `peer <address>` for every connection. */
export const ECHO_SERVER = `
const net = require('node:net');
const port = Number(process.argv.at(-1));
net.createServer((s) => { console.log('peer ' + s.remoteAddress); s.on('data', (d) => s.write(d)); s.on('error', () => {}); })
  .listen(port, '0.0.0.0', () => console.log('listening'));
`;

/** Connects, sends a word, prints `echo <word>` or `fail <reason>`, exits. */
export const ONE_SHOT_CLIENT = `
const net = require('node:net');
const [host, port] = process.argv.slice(-2);
const s = net.connect({ host, port: Number(port), timeout: 1500 });
const fail = (why) => { console.log('fail ' + why); process.exit(1); };
s.on('timeout', () => fail('timeout'));
s.on('error', (e) => fail(e.code));
s.on('connect', () => s.write('hello'));
s.on('data', (d) => { console.log('echo ' + d); process.exit(0); });
`;
