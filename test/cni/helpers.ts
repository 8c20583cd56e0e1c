// Running nlkit-bridge and the reference bridge plugin side by side, each in
// an outer namespace of its own that plays the host, on pods the test makes,
// and reading what they left behind in a form that compares across the two
// (names, MACs, indexes and running timers masked).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { runCni } from '../../src/cni/index.js';
import { runPlugin, type PluginName } from '../../src/cni/plugins.js';
import { ipJson, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskLinkJson } from '../helpers/volatile.js';

export const REFERENCE_DIR = '/usr/lib/cni';
export const REFERENCE_BRIDGE = `${REFERENCE_DIR}/bridge`;
const ROOT = new URL('../..', import.meta.url).pathname;
export const NLKIT_BIN = join(ROOT, 'src/cni/bin/nlkit-bridge.ts');

/** What a plugin call printed and how it exited. */
export interface PluginRun {
  exitCode: number;
  stdout: string;
  /** stdout parsed, when it is JSON. */
  json: any;
}

export type Which = 'nlkit' | 'reference';

/** The CNI_* environment of a call. */
export function cniEnv(command: string, fields: { containerId?: string; netns?: string; ifname?: string; args?: string; path?: string } = {}): Record<string, string> {
  const env: Record<string, string> = { CNI_COMMAND: command, CNI_PATH: fields.path ?? REFERENCE_DIR };
  if (fields.containerId !== undefined) env.CNI_CONTAINERID = fields.containerId;
  if (fields.netns !== undefined) env.CNI_NETNS = fields.netns;
  if (fields.ifname !== undefined) env.CNI_IFNAME = fields.ifname;
  if (fields.args !== undefined) env.CNI_ARGS = fields.args;
  return env;
}

function parsed(exitCode: number, stdout: string): PluginRun {
  let json: any;
  try {
    json = stdout.trim() === '' ? undefined : JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { exitCode, stdout, json };
}

/** Runs an executable plugin as a runtime does, with `outer` as its namespace (ip netns exec). */
export function execPlugin(outer: string, argv: string[], env: Record<string, string>, config: unknown): Promise<PluginRun> {
  const child = spawn('ip', ['netns', 'exec', outer, ...argv], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stdin.end(typeof config === 'string' ? config : JSON.stringify(config));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(parsed(code ?? 1, Buffer.concat(chunks).toString('utf8'))));
  });
}

/** The nlkit-bridge executable (from the sources, through tsx). */
export function nlkitArgv(): string[] {
  return [process.execPath, '--import=tsx', NLKIT_BIN];
}

/** One call: the reference as a process in `outer`; nlkit in-process with `outer` as its host namespace. */
export async function run(which: Which, outer: string, env: Record<string, string>, config: unknown): Promise<PluginRun> {
  if (which === 'reference') return execPlugin(outer, [REFERENCE_BRIDGE], env, config);
  const { stdout, exitCode } = await runCni(env, typeof config === 'string' ? config : JSON.stringify(config), { hostNetns: outer });
  return parsed(exitCode, stdout);
}

/** A pair of outer namespaces (one per plugin) and a temp dir for IPAM state, removed when the test ends. */
export function sideBySide(t: Test): { outer: Record<Which, string>; dataDir: string } {
  const [a, b] = testNetns(t, 2, 'cnihost');
  const dataDir = mkdtempSync(join(tmpdir(), 'nlkit-cni-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  return { outer: { nlkit: a!, reference: b! }, dataDir };
}

/** `pods` pod namespaces; their paths for CNI_NETNS. */
export function pods(t: Test, count: number): { name: string; path: string }[] {
  return testNetns(t, count, 'cnipod').map((name) => ({ name, path: `/run/netns/${name}` }));
}

/** A network configuration with static IPAM (the reference's static plugin, delegated by both). */
export function staticConfig(address: string, extra: Record<string, unknown> = {}, cniVersion = '1.0.0'): Record<string, unknown> {
  return {
    cniVersion, name: 'nlkit-test', type: 'bridge', bridge: 'cni0', isGateway: true, isDefaultGateway: true,
    ipam: { type: 'static', addresses: [{ address }] },
    dns: { nameservers: ['10.0.0.53'], search: ['example.test'] },
    ...extra,
  };
}

/** The result with what differs by nature between two ADDs (MACs, the host end's name, the sandbox path) replaced. */
export function resultShape(result: any): any {
  const copy = JSON.parse(JSON.stringify(result));
  for (const iface of copy.interfaces ?? []) {
    if (typeof iface.mac === 'string' && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(iface.mac)) iface.mac = '<mac>';
    if (typeof iface.name === 'string' && /^veth[0-9a-f]{8}$/.test(iface.name)) iface.name = '<veth>';
    if (typeof iface.sandbox === 'string' && iface.sandbox.startsWith('/run/netns/')) iface.sandbox = '<netns>';
  }
  return copy;
}

// Values that name or number a particular device, not its state. txqlen: the
// reference creates both veth ends with a zero-length queue (Go's zero value;
// its own comment on the bridge calls that harmful to traffic shapers),
// nlkit-bridge leaves the kernel's default: a documented difference.
const IDENTITY = new Set(['ifindex', 'link_index', 'ifname', 'address', 'link_netnsid', 'txqlen', 'bridge_id', 'root_id', 'designated_root', 'designated_bridge', 'id', 'no']);

function withoutIdentity(value: any): any {
  if (Array.isArray(value)) return value.map(withoutIdentity);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !IDENTITY.has(k)).map(([k, v]) => [k, withoutIdentity(v)]));
  }
  return value;
}

/** IPv6 link-local addresses are derived from the MAC. */
function withoutLinkLocal(link: any): any {
  if (Array.isArray(link.addr_info)) link.addr_info = link.addr_info.filter((a: any) => !(a.family === 'inet6' && a.scope === 'link'));
  return link;
}

/** The pod's devices and addresses, as `ip -j -d addr show` prints them, comparable across plugins. */
export function podState(netns: string): any {
  return withoutIdentity(maskAddressJson(maskLinkJson(ipJson(netns, '-d', 'addr', 'show'))).map(withoutLinkLocal));
}

/** The pod's routes (`ip -j -d route show`, both families). */
export function podRoutes(netns: string): any {
  return [...ipJson(netns, '-d', '-4', 'route', 'show'), ...ipJson(netns, '-d', '-6', 'route', 'show')];
}

/** A host device (`ip -j -d addr show dev NAME`), comparable across plugins. */
export function hostDevice(outer: string, name: string): any {
  return withoutIdentity(maskAddressJson(maskLinkJson(ipJson(outer, '-d', 'addr', 'show', 'dev', name))).map(withoutLinkLocal));
}

/** The host end of a result (interface 1). */
export function hostEndName(result: any): string {
  return result.interfaces[1].name;
}

/** Pings `address` once from inside `netns` (traffic stays inside the test's namespaces). */
export function ping(netns: string, address: string): boolean {
  try {
    execFileSync('ip', ['netns', 'exec', netns, 'ping', '-c', '1', '-W', '5', address], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The config with a prevResult, for CHECK and chained calls. */
export function withPrev(config: Record<string, unknown>, prevResult: unknown): Record<string, unknown> {
  return { ...config, prevResult };
}

/** One call of any nlkit plugin in-process, with `outer` as its host namespace. */
export async function runNlkit(name: PluginName, outer: string, env: Record<string, string>, config: unknown): Promise<PluginRun> {
  const { stdout, exitCode } = await runPlugin(name, env, typeof config === 'string' ? config : JSON.stringify(config), { hostNetns: outer });
  return parsed(exitCode, stdout);
}

/** An nlkit plugin's executable (from the sources, through tsx). */
export function nlkitPluginArgv(name: PluginName): string[] {
  return [process.execPath, '--import=tsx', join(ROOT, `src/cni/bin/${name}.ts`)];
}

/** A plugin's configuration inside a conflist: the list's name and version, the previous result. */
export function chained(list: { cniVersion: string; name: string }, plugin: Record<string, unknown>, prevResult?: unknown): Record<string, unknown> {
  return { cniVersion: list.cniVersion, name: list.name, ...plugin, ...(prevResult === undefined ? {} : { prevResult }) };
}

/**
 * Opens a TCP connection from inside `netns` (bash's /dev/tcp: no process
 * start worth counting), sends a word and returns the line echoed back, or
 * undefined when nothing came within 5 s.
 */
export function tcpEcho(netns: string, host: string, port: number, word = 'hello'): string | undefined {
  const script = `exec 3<>/dev/tcp/${host}/${port} && echo ${word} >&3 && read -t 5 line <&3 && echo "$line"`;
  try {
    return execFileSync('ip', ['netns', 'exec', netns, 'timeout', '8', 'bash', '-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** `nft -j list ruleset` in a namespace, parsed. */
export function nftRuleset(netns: string): any[] {
  return JSON.parse(execFileSync('ip', ['netns', 'exec', netns, 'nft', '-j', 'list', 'ruleset'], { encoding: 'utf8' })).nftables;
}

/** `tc -j ARGS` in a namespace, parsed. */
export function tcJsonIn(netns: string, ...args: string[]): any[] {
  const out = execFileSync('tc', ['-n', netns, '-j', ...args], { encoding: 'utf8' }).trim();
  return out === '' ? [] : JSON.parse(out);
}
