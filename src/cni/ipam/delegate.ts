// An IPAM plugin run as a process, as the spec's delegation protocol says:
// found on CNI_PATH, given the caller's environment with CNI_COMMAND set and
// the whole network configuration on stdin, its stderr passed through. The
// only place in src/cni that starts a process.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { CniError, CniErrorCode } from '../errors.js';
import { parseResult } from '../spec/result.js';
import type { IpamRequest, IpamResult } from './types.js';

/** Finds an executable plugin on CNI_PATH (the reference's message and code 999 when none). */
export function findPlugin(type: string, path: readonly string[]): string {
  if (type === '' || type.includes('/')) throw new CniError(CniErrorCode.invalidConfig, `invalid plugin type ${JSON.stringify(type)}`);
  for (const dir of path) {
    const file = join(dir, type);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  throw new CniError(CniErrorCode.internal, `failed to find plugin ${JSON.stringify(type)} in path [${path.join(' ')}]`);
}

function joinArgs(args: Record<string, string> | undefined): string {
  return args ? Object.entries(args).map(([k, v]) => `${k}=${v}`).join(';') : '';
}

/** The environment the delegated plugin gets: the caller's CNI_* values, with this request's command. */
function childEnvironment(request: IpamRequest, base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.CNI_COMMAND = request.command;
  if (request.containerId !== undefined) env.CNI_CONTAINERID = request.containerId;
  if (request.ifname !== undefined) env.CNI_IFNAME = request.ifname;
  if (request.netns !== undefined) env.CNI_NETNS = request.netns;
  if (base.CNI_ARGS === undefined && request.args) env.CNI_ARGS = joinArgs(request.args);
  if (request.cniPath) env.CNI_PATH = request.cniPath.join(':');
  return env;
}

/** Runs a plugin with a command and stdin; resolves with its stdout when it exits 0, else throws its error result as a CniError. */
export async function execPlugin(file: string, env: Record<string, string>, stdin: Buffer): Promise<Buffer> {
  const child = spawn(file, [], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A plugin that exits before reading stdin closes the pipe: not our failure.
  child.stdin.on('error', () => {});
  child.stdin.end(stdin);
  const status = await new Promise<number>((resolve, reject) => {
    child.on('error', (error) => reject(new CniError(CniErrorCode.internal, `failed to run ${file}: ${error.message}`)));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const out = Buffer.concat(chunks);
  if (status === 0) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(out.toString('utf8'));
  } catch {
    const text = out.toString('utf8').trim();
    throw new CniError(CniErrorCode.internal, text === '' ? `netplugin failed with no error message: exit status ${status}` : `netplugin failed: ${JSON.stringify(text)}`);
  }
  const e = parsed as { code?: unknown; msg?: unknown; details?: unknown };
  throw new CniError(typeof e.code === 'number' ? e.code : CniErrorCode.internal, typeof e.msg === 'string' ? e.msg : 'plugin failed', typeof e.details === 'string' ? e.details : '');
}

/** The spec versions a plugin announces (VERSION). */
export async function pluginVersions(file: string, env: Record<string, string>, cniVersion: string): Promise<string[]> {
  const out = await execPlugin(file, { ...env, CNI_COMMAND: 'VERSION' }, Buffer.from(JSON.stringify({ cniVersion })));
  const answer = JSON.parse(out.toString('utf8')) as { supportedVersions?: unknown };
  return Array.isArray(answer.supportedVersions) ? answer.supportedVersions.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Runs the IPAM plugin `ipam.type` for one request. ADD returns its result
 * (any supported version's shape, read into the 1.x one). STATUS and GC go
 * only to a plugin that announces 1.1.0: older ones have neither command, and
 * a runtime would not send them either.
 * @param env - The caller's environment (CNI_* and the rest), passed on as the spec requires.
 */
export async function delegateIpam(request: IpamRequest, env: Readonly<Record<string, string | undefined>> = process.env): Promise<IpamResult | undefined> {
  const type = typeof request.ipam.type === 'string' ? request.ipam.type : '';
  const file = findPlugin(type, request.cniPath ?? []);
  const childEnv = childEnvironment(request, env);
  const stdin = request.rawConfig ?? Buffer.from(JSON.stringify(request.ipam));
  if (request.command === 'STATUS' || request.command === 'GC') {
    if (!(await pluginVersions(file, childEnv, request.cniVersion)).includes('1.1.0')) return undefined;
  }
  const out = await execPlugin(file, childEnv, stdin);
  if (request.command !== 'ADD') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(out.toString('utf8'));
  } catch {
    throw new CniError(CniErrorCode.decodeFailure, `IPAM plugin ${type} printed no JSON result`, out.toString('utf8').slice(0, 200));
  }
  const result = parseResult(parsed);
  const ipam: IpamResult = { cniVersion: result.cniVersion, ips: result.ips ?? [] };
  if (result.routes?.length) ipam.routes = result.routes;
  if (result.dns) ipam.dns = result.dns;
  return ipam;
}
