// The five CNI operations on a host-local store. Each holds the directory's
// lock for its whole run (host-local takes it per range set; holding it across
// the sets is stricter and still lets both implementations share a directory).
import { accessSync, constants as fs, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CniError, CniErrorCode } from '../../errors.js';
import type { IpamResult } from '../types.js';
import { allocate, freeAddresses, type Reservation } from './allocator.js';
import type { HostLocalConfig } from './config.js';
import { allocationError } from './errors.js';
import { formatAddress, type Ip } from './ip.js';
import { readResolvConf } from './resolv-conf.js';
import { formatRangeSet, rangeFor } from './range-set.js';
import type { HostLocalMemory } from './memory.js';
import { DiskStore } from './store.js';

/** An attachment: CNI_CONTAINERID and CNI_IFNAME. */
export interface Attachment {
  containerId: string;
  ifname: string;
}

/**
 * ADD: one address from every range set, in order; `requested` addresses go
 * to the set that holds them. If any set fails, what this call reserved is
 * released again and nothing is left behind.
 */
export async function addAttachment(config: HostLocalConfig, cniVersion: string, who: Attachment, requested: readonly Ip[], memory?: HostLocalMemory): Promise<IpamResult> {
  // Each set takes the first requested address it holds. One left over fails the
  // call only after the sets are allocated (and released again), as in host-local,
  // whose last_reserved_ip files move on in that case.
  const remaining = [...requested];
  const perSet = config.rangeSets.map((set) => {
    const i = remaining.findIndex((ip) => rangeFor(set, ip) !== undefined);
    return i < 0 ? undefined : remaining.splice(i, 1)[0];
  });

  const dns = config.resolvConf === undefined ? undefined : readResolvConf(config.resolvConf);
  const store = new DiskStore(config.dataDir, config.networkName, memory);
  const reservations = await store.locked(() => {
    const made: Reservation[] = [];
    try {
      config.rangeSets.forEach((set, index) => {
        try {
          made.push(allocate(store, set, index, who.containerId, who.ifname, perSet[index]));
        } catch (error) {
          if (error instanceof CniError) error.message = `failed to allocate for range ${index}: ${error.message}`;
          throw error;
        }
      });
      if (remaining.length > 0) throw allocationError(`failed to allocate all requested IPs: ${remaining.map(formatAddress).join(' ')}`);
    } catch (error) {
      for (const reservation of made) store.release(reservation);
      throw error;
    }
    return made;
  });

  const result: IpamResult = {
    cniVersion,
    ips: reservations.map((r) => ({ address: `${formatAddress(r.ip)}/${r.range.subnet.prefix}`, gateway: formatAddress(r.range.gateway) })),
  };
  if (config.routes.length > 0) result.routes = config.routes.map((route) => ({ ...route }));
  if (dns) result.dns = dns;
  return result;
}

/** DEL: releases every address the attachment holds; nothing held is success. */
export async function deleteAttachment(config: HostLocalConfig, who: Attachment, memory?: HostLocalMemory): Promise<void> {
  const store = new DiskStore(config.dataDir, config.networkName, memory);
  await store.locked(() => {
    for (const allocation of store.allocationsOf(who.containerId, who.ifname)) store.release(allocation);
  });
}

/** CHECK: the attachment holds at least one address in this network (what host-local checks). */
export async function checkAttachment(config: HostLocalConfig, who: Attachment, memory?: HostLocalMemory): Promise<void> {
  const store = new DiskStore(config.dataDir, config.networkName, memory);
  const held = await store.locked(() => store.allocationsOf(who.containerId, who.ifname));
  if (held.length === 0) {
    throw allocationError(`host-local: Failed to find address added by container ${who.containerId} (interface ${who.ifname}) in network ${config.networkName}`);
  }
}

/**
 * GC: releases every address whose holder is not among `valid`. A pre-0.7
 * file (container only) stays while any valid attachment has its container.
 * Keeps going past a failed deletion and reports all failures at the end.
 */
export async function collectGarbage(config: HostLocalConfig, valid: readonly Attachment[], memory?: HostLocalMemory): Promise<void> {
  // GC reads every file (remembered holders are not trusted to delete by) and the memory reloads afterwards.
  const store = new DiskStore(config.dataDir, config.networkName);
  memory?.forget(store.directory);
  const keep = new Set(valid.map((a) => `${a.containerId}\n${a.ifname}`));
  const containers = new Set(valid.map((a) => a.containerId));
  const failures = await store.locked(() => {
    const failed: string[] = [];
    for (const allocation of store.allocations()) {
      const stillValid = allocation.ifname === undefined ? containers.has(allocation.containerId) : keep.has(`${allocation.containerId}\n${allocation.ifname}`);
      if (stillValid) continue;
      try {
        store.release(allocation);
      } catch (error) {
        failed.push(error instanceof CniError && error.details !== '' ? error.details : String(error));
      }
    }
    return failed;
  });
  if (failures.length > 0) throw new CniError(CniErrorCode.ioFailure, `GC could not release ${failures.length} address(es) in ${store.directory}`, failures.join('; '));
}

function nearestExisting(path: string): string {
  let current = path;
  for (;;) {
    try {
      statSync(current);
      return current;
    } catch {
      const parent = dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/**
 * STATUS: 50 (cannot serve ADD) when the data directory cannot be created or
 * written, or when a range set has no free address left, since ADD needs one
 * address from every set. Never 51: existing containers keep their addresses
 * whatever the store's state, so their connectivity is not at stake.
 */
export async function reportStatus(config: HostLocalConfig): Promise<void> {
  const store = new DiskStore(config.dataDir, config.networkName);
  const existing = nearestExisting(store.directory);
  try {
    if (!statSync(existing).isDirectory()) throw new Error(`${existing} is not a directory`);
    // access(2) also answers EROFS for a read-only mount, which root's permission bits would not show.
    accessSync(existing, fs.W_OK | fs.X_OK);
  } catch (error) {
    throw new CniError(CniErrorCode.notAvailable, `the IPAM data directory ${store.directory} cannot be written`, error instanceof Error ? error.message : String(error));
  }
  if (existing !== store.directory) return; // nothing allocated yet: every set is free

  let free: bigint[];
  try {
    free = await store.locked(() => config.rangeSets.map((set) => freeAddresses(store, set)));
  } catch (error) {
    throw new CniError(CniErrorCode.notAvailable, `the IPAM data directory ${store.directory} cannot be used`, error instanceof CniError ? `${error.message}: ${error.details}` : String(error));
  }
  const exhausted = free.findIndex((n) => n <= 0n);
  if (exhausted >= 0) {
    throw new CniError(CniErrorCode.notAvailable, `no IP addresses available in range set ${exhausted}: ${formatRangeSet(config.rangeSets[exhausted]!)}`);
  }
}
