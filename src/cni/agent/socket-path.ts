// Where the agent listens: a root-only directory and socket, one agent per
// path. A socket file nobody answers on is what a killed agent leaves behind
// and is replaced; one a live agent answers on is not.
import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, isAbsolute } from 'node:path';
import { InvalidArgumentError } from '../../index.js';
import { CniAgentRunningError } from './errors.js';

/** The socket path when none is given: the agent's and the clients' default. */
export const DEFAULT_AGENT_SOCKET = '/run/nlkit/cni.sock';

/** The variable that overrides the socket path, for the agent's command line and for the clients. */
export const AGENT_SOCKET_VARIABLE = 'NLKIT_CNI_AGENT_SOCKET';

// sun_path holds 108 bytes with the terminating NUL.
const MAX_PATH_BYTES = 107;

/** Refuses a path that cannot name a unix socket (before anything is created). */
export function checkSocketPath(path: unknown): string {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('socketPath must be a non-empty string');
  if (!isAbsolute(path)) throw new InvalidArgumentError(`socketPath ${JSON.stringify(path)} must be absolute`);
  if (path.includes('\0')) throw new InvalidArgumentError('socketPath must not contain NUL');
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw new InvalidArgumentError(`socketPath is ${Buffer.byteLength(path)} bytes; a unix socket path holds at most ${MAX_PATH_BYTES}`);
  return path;
}

/** Whether something accepts connections on `path` (a refused or missing socket: no). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve(false);
      else reject(error);
    });
  });
}

/**
 * Makes the directory (0700) if missing and clears the way for a new socket:
 * a stale socket file is removed, a live agent's is an error, and anything
 * that is not a socket is left alone and refused.
 */
export async function claimSocketPath(path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) throw new InvalidArgumentError(`${path} exists and is not a socket; refusing to replace it`);
  if (await answers(path)) throw new CniAgentRunningError(path);
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
