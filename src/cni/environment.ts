// The CNI_* environment of one plugin call, checked as the spec (and the
// reference plugins' skeleton) requires per command, before stdin is read.
import { CniError, CniErrorCode } from './errors.js';

/** The operations of spec 1.1.0. */
export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'STATUS' | 'GC' | 'VERSION';

/** The parameters of one call, from the environment. */
export interface CniEnvironment {
  command: CniCommand;
  /** CNI_CONTAINERID ('' for VERSION, STATUS, GC). */
  containerId: string;
  /** CNI_NETNS ('' when the runtime gave none: DEL after the namespace went). */
  netns: string;
  /** CNI_IFNAME ('' for VERSION, STATUS, GC). */
  ifname: string;
  /** CNI_ARGS as given. */
  args: string;
  /** CNI_PATH split on ':', empty entries dropped. */
  path: string[];
}

const COMMANDS: ReadonlySet<string> = new Set(['ADD', 'DEL', 'CHECK', 'STATUS', 'GC', 'VERSION']);

/** Which variables each command cannot do without (CNI_PATH only where a plugin must find another). */
const REQUIRED: Record<CniCommand, readonly string[]> = {
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME'],
  GC: ['CNI_PATH'],
  STATUS: [],
  VERSION: [],
};

// The spec: an alphanumeric start, then alphanumerics, '_', '.', '-'.
const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function checkIfname(name: string): void {
  const invalid = (msg: string, details = ''): never => {
    throw new CniError(CniErrorCode.invalidEnvironment, msg, details);
  };
  if (Buffer.byteLength(name) > 15) invalid('interface name is too long', 'interface name should be less than 16 characters');
  if (name === '.' || name === '..') invalid('interface name is . or ..');
  if (/[/:\s]/u.test(name)) invalid('interface name contains / or : or whitespace characters');
}

/** Reads and checks the CNI_* variables (code 4 names the missing or invalid ones). */
export function parseEnvironment(env: Readonly<Record<string, string | undefined>>): CniEnvironment {
  const get = (key: string): string => env[key] ?? '';
  const command = get('CNI_COMMAND');
  if (command === '') throw new CniError(CniErrorCode.invalidEnvironment, 'required env variables [CNI_COMMAND] missing');
  if (!COMMANDS.has(command)) throw new CniError(CniErrorCode.invalidEnvironment, `unknown CNI_COMMAND: ${command}`);
  const cmd = command as CniCommand;
  const missing = REQUIRED[cmd].filter((key) => get(key) === '');
  if (missing.length) throw new CniError(CniErrorCode.invalidEnvironment, `required env variables [${missing.join(',')}] missing`);
  const parsed: CniEnvironment = {
    command: cmd,
    containerId: get('CNI_CONTAINERID'),
    netns: get('CNI_NETNS'),
    ifname: get('CNI_IFNAME'),
    args: get('CNI_ARGS'),
    path: get('CNI_PATH').split(':').filter((p) => p !== ''),
  };
  return parsed;
}

/**
 * Checks CNI_CONTAINERID and CNI_IFNAME of ADD, DEL and CHECK (code 4). The
 * reference checks them after the configuration, so the same input with
 * several faults gets the same code from both.
 */
export function validateAttachment(env: CniEnvironment): void {
  if (env.command !== 'ADD' && env.command !== 'DEL' && env.command !== 'CHECK') return;
  if (!CONTAINER_ID.test(env.containerId)) throw new CniError(CniErrorCode.invalidEnvironment, 'invalid characters in containerID', env.containerId);
  checkIfname(env.ifname);
}
