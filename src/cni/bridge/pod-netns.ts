// The pod's namespace as CNI_NETNS names it: a path (/run/netns/NAME,
// /proc/PID/ns/net, or a runtime's own bind mount).
import { existsSync } from 'node:fs';
import { openRoute, withNetns, type RouteConnection } from '../../index.js';
import { CniError, CniErrorCode } from '../errors.js';

/** A connection inside the pod; a path that is not a namespace is the reference's error. */
export function openPodRoute(path: string): RouteConnection {
  try {
    return openRoute({ netns: { path } });
  } catch (error) {
    throw new CniError(CniErrorCode.internal, `failed to open netns ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
}

/**
 * Checks that the path is a network namespace (setns into it and back, which
 * refuses anything else), with openPodRoute's error: ADD's check before it
 * allocates, without the socket openPodRoute would make and close again.
 */
export function requirePodNetns(path: string): void {
  try {
    withNetns({ path }, () => undefined);
  } catch (error) {
    throw new CniError(CniErrorCode.internal, `failed to open netns ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
}

/** Whether the namespace is gone (DEL then only releases IPAM). */
export function podNetnsGone(path: string): boolean {
  return path === '' || !existsSync(path);
}
