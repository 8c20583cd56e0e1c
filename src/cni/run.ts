// A plugin as a function: environment and stdin in, what to print and the
// exit code out. The executables (bin/) are thin wrappers; an agent can call
// it in-process. Every nlkit plugin shares this core; runCni is nlkit-bridge.
import { NetlinkError } from '../index.js';
import { bridgeAdd } from './bridge/add.js';
import { bridgeCheck } from './bridge/check.js';
import { parseBridgeConfig, type BridgeConfig } from './bridge/config.js';
import { bridgeDel } from './bridge/del.js';
import { bridgeGc, bridgeStatus } from './bridge/status.js';
import type { CniCall, RunCniOptions } from './call.js';
import { parseNetworkConfig, peekStdinString } from './config.js';
import { parseEnvironment, validateAttachment, type CniEnvironment } from './environment.js';
import { CniError, CniErrorCode } from './errors.js';
import { formatResult } from './spec/result.js';
import type { CniNetworkConfig, CniResult, CniVersionResult } from './spec/types.js';
import { LATEST_VERSION, requireSupportedVersion, requireVersionFor, SUPPORTED_VERSIONS } from './spec/versions.js';

/** What the plugin prints on stdout and its exit code. */
export interface CniOutput {
  stdout: string;
  exitCode: number;
}

/** Any failure as the spec's error: CniError as is, a kernel refusal as code 100 with the errno, the rest as 999. */
function asCniError(error: unknown): CniError {
  if (error instanceof CniError) return error;
  if (error instanceof NetlinkError) return new CniError(CniErrorCode.kernelError, error.message, `${error.code} (${error.operation}${error.object ? ` ${error.object}` : ''})`);
  return new CniError(CniErrorCode.internal, error instanceof Error ? error.message : String(error));
}

function print(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/**
 * One plugin's commands behind the shared protocol core: `parse` reads the
 * plugin's own keys (after the common checks), the handlers do the work.
 * ADD returns the 1.x result; the core prints it in the requested version.
 */
export interface CniPluginHandlers<C> {
  parse(network: CniNetworkConfig, env: CniEnvironment): C;
  add(call: CniCall, config: C): Promise<CniResult>;
  del(call: CniCall, config: C): Promise<void>;
  check(call: CniCall, config: C): Promise<void>;
  status(call: CniCall, config: C): Promise<void>;
  gc(call: CniCall, config: C): Promise<void>;
}

/** nlkit-bridge's handlers. */
export const bridgeHandlers: CniPluginHandlers<BridgeConfig> = {
  parse: (network, env) => parseBridgeConfig(network, env.args),
  add: bridgeAdd,
  del: bridgeDel,
  check: bridgeCheck,
  status: bridgeStatus,
  gc: bridgeGc,
};

async function dispatch<C>(handlers: CniPluginHandlers<C>, env: Readonly<Record<string, string | undefined>>, stdin: Buffer, options: RunCniOptions): Promise<string> {
  const parsedEnv = parseEnvironment(env);
  if (parsedEnv.command === 'VERSION') {
    const answer: CniVersionResult = { cniVersion: peekStdinString(stdin, 'cniVersion') ?? LATEST_VERSION, supportedVersions: [...SUPPORTED_VERSIONS] };
    return print(answer);
  }
  const network = parseNetworkConfig(stdin);
  validateAttachment(parsedEnv);
  requireSupportedVersion(network.cniVersion);
  if (parsedEnv.command === 'STATUS' || parsedEnv.command === 'GC') requireVersionFor(parsedEnv.command, network.cniVersion, '1.1.0');
  const config = handlers.parse(network, parsedEnv);
  const call: CniCall = { env: parsedEnv, processEnv: env, network, options };
  switch (parsedEnv.command) {
    case 'ADD':
      return print(formatResult(await handlers.add(call, config), network.cniVersion));
    case 'DEL':
      await handlers.del(call, config);
      return '';
    case 'CHECK':
      await handlers.check(call, config);
      return '';
    case 'STATUS':
      await handlers.status(call, config);
      return '';
    case 'GC':
      await handlers.gc(call, config);
      return '';
  }
}

/**
 * Runs one call of the plugin `handlers` implement through the protocol core
 * (environment, configuration and version checks, result and error printing).
 * Never throws: a failure is the spec's error JSON with exit code 1.
 */
export async function runCniPlugin<C>(handlers: CniPluginHandlers<C>, env: Readonly<Record<string, string | undefined>>, stdin: Buffer | string, options: RunCniOptions = {}): Promise<CniOutput> {
  const bytes = typeof stdin === 'string' ? Buffer.from(stdin) : stdin;
  try {
    return { stdout: await dispatch(handlers, env, bytes, options), exitCode: 0 };
  } catch (error) {
    return { stdout: print(asCniError(error).toResult(peekStdinString(bytes, 'cniVersion') ?? LATEST_VERSION)), exitCode: 1 };
  }
}

/**
 * Runs one nlkit-bridge call. `env` holds the CNI_* variables (the rest is
 * passed on to a delegated IPAM plugin), `stdin` the network configuration.
 * Never throws: a failure is the spec's error JSON with exit code 1.
 */
export async function runCni(env: Readonly<Record<string, string | undefined>>, stdin: Buffer | string, options: RunCniOptions = {}): Promise<CniOutput> {
  return runCniPlugin(bridgeHandlers, env, stdin, options);
}
