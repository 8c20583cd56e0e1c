// The soak's own world: a "host" namespace holding the bridge and every
// pod's host end, and a "churn" namespace whose address table a churner
// keeps changing for the interrupted-dump fault. Nothing touches the real
// host; everything is named with the soak's prefix and removed by prefix.
import { createNetns, deleteNetns, openRoute, type RouteConnection } from '../../src/index.js';
import { soakNamespaces } from './resources.js';

export const BRIDGE = 'br0';
export const BRIDGE_ADDRESS = '10.200.0.1';
export const POD_PREFIX_LENGTH = 16;
export const CHURN_DEVICE = 'brc';
/** Addresses that stay in the churn namespace, so its dumps span many datagrams. */
export const CHURN_BASE_ADDRESSES = 1000;

export interface World {
  prefix: string;
  hostNetns: string;
  churnNetns: string;
  bridgeIndex: number;
}

export function soakPrefix(pid = process.pid): string {
  return `nlkt-soak-${pid}-`;
}

/** Creates the host namespace (bridge up, with the pods' gateway address) and the churn namespace. */
export function createWorld(prefix: string): World {
  const hostNetns = `${prefix}host`;
  const churnNetns = `${prefix}churn`;
  createNetns(hostNetns);
  createNetns(churnNetns);
  let host: RouteConnection | undefined;
  let churn: RouteConnection | undefined;
  try {
    host = openRoute({ netns: hostNetns });
    host.link.set('lo', { up: true });
    host.link.add({ name: BRIDGE, type: 'bridge', up: true });
    host.addr.add({ dev: BRIDGE, address: `${BRIDGE_ADDRESS}/${POD_PREFIX_LENGTH}` });
    const bridgeIndex = host.link.get(BRIDGE).index;
    churn = openRoute({ netns: churnNetns });
    churn.link.add({ name: CHURN_DEVICE, type: 'bridge' });
    churn.addr.addMany(Array.from({ length: CHURN_BASE_ADDRESSES }, (_, i) => ({ dev: CHURN_DEVICE, address: `10.95.${i >> 8}.${i & 255}/32` })));
    return { prefix, hostNetns, churnNetns, bridgeIndex };
  } catch (error) {
    removeWorld(prefix);
    throw error;
  } finally {
    host?.close();
    churn?.close();
  }
}

/** Deletes every namespace carrying the prefix; returns how many. Synchronous, so exit handlers can use it. */
export function removeWorld(prefix: string): number {
  const names = soakNamespaces(prefix);
  for (const name of names) {
    try {
      deleteNetns(name);
    } catch {
      // Keep removing the others.
    }
  }
  return names.length;
}
