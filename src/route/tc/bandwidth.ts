// The bandwidth limit the CNI bandwidth plugin (containernetworking/plugins,
// plugins/meta/bandwidth) puts on a pod's host-side veth: a tbf on the host end
// limits traffic into the pod; traffic out of the pod arrives on the host end's
// ingress, where a u32 match-all filter redirects it (mirred) to an ifb device
// whose tbf limits it.
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { requireObject } from '../../netlink/checks.js';
import { NetlinkError } from '../../netlink/errors.js';
import { checkKeys } from '../keys.js';
import type { RouteConnection } from '../connection.js';
import { validateIfName } from '../names.js';
import { LinkNotFoundError, validateLinkRef, type LinkRef } from '../resolve.js';
import { parseRate, parseSize, parseTime, type TcRate, type TcSize, type TcTime } from './units.js';

/** One direction's limit: a rate and a burst in tc's words (`'1mbit'`, `'32kb'`) or as bytes per second and bytes. */
export interface BandwidthRate {
  /** The rate: a string in tc's words ('10mbit') or bytes per second. */
  rate: TcRate;
  /** The bucket: a size in tc's words or bytes. */
  burst: TcSize;
}

/** What {@link setBandwidthLimit} sets up. */
export interface BandwidthLimitSpec {
  /** The host end of the pod's veth, in the connection's namespace. */
  hostDev: LinkRef;
  /** Traffic into the pod (sent by the host end): a tbf at the host end's root. */
  ingress?: BandwidthRate;
  /** Traffic out of the pod (received by the host end): redirected to `ifb`, limited by a tbf there. */
  egress?: BandwidthRate & {
    /** The ifb device to create for it (the plugin names it after the container id). */
    ifb: string;
  };
  /** How long packets may queue in each tbf; the plugin's 25 ms when absent. */
  latency?: TcTime;
}

/** What {@link removeBandwidthLimit} removes: the host end's qdiscs and the ifb device. */
export interface BandwidthLimitRef {
  /** The host end of the pod's veth. */
  hostDev: LinkRef;
  /** The ifb device the egress limit created. */
  ifb?: string;
}

/** The plugin's latencyInMillis. */
const DEFAULT_LATENCY = '25ms';
const SPEC_KEYS = new Set(['hostDev', 'ingress', 'egress', 'latency']);
const RATE_KEYS = new Set(['rate', 'burst']);
const EGRESS_KEYS = new Set(['rate', 'burst', 'ifb']);

interface Step {
  run(rt: RouteConnection): void;
  runAsync(rt: RouteConnection): Promise<void>;
}

interface Plan {
  /** What to do, in order. */
  steps: Step[];
  /** What undoes a partial setup: delete what may have been made. */
  undo: BandwidthLimitRef;
}

function rateOf(value: unknown, what: string, keys: ReadonlySet<string>): BandwidthRate {
  const r = requireObject<Record<string, unknown>>(value, what, "{ rate: '1mbit', burst: '32kb' }");
  checkKeys(r, keys, what);
  if (r.rate === undefined || r.burst === undefined) throw new InvalidArgumentError(`${what} needs rate and burst, e.g. { rate: '1mbit', burst: '32kb' }`);
  // Checked here so that nothing is made for a spec that fails later.
  if (parseRate(r.rate as TcRate, `${what}.rate`) === 0) throw new InvalidArgumentError(`${what}.rate must not be 0`);
  if (parseSize(r.burst as TcSize, `${what}.burst`) === 0) throw new InvalidArgumentError(`${what}.burst must not be 0`);
  return { rate: r.rate as TcRate, burst: r.burst as TcSize };
}

function plan(spec: BandwidthLimitSpec): Plan {
  const s = requireObject<Record<string, unknown>>(spec, 'bandwidth limit', "{ hostDev: 'veth1', ingress: { rate: '1mbit', burst: '32kb' } }");
  checkKeys(s, SPEC_KEYS, 'bandwidth limit');
  if (s.hostDev === undefined) throw new InvalidArgumentError('bandwidth limit needs hostDev (the host end of the pod\'s veth)');
  const hostDev = validateLinkRef(s.hostDev, 'hostDev');
  if (s.ingress === undefined && s.egress === undefined) throw new InvalidArgumentError('bandwidth limit needs ingress, egress or both');
  const latency = s.latency ?? DEFAULT_LATENCY;
  parseTime(latency as TcTime, 'bandwidth latency');
  const steps: Step[] = [];
  const tbf = (dev: LinkRef, r: BandwidthRate) => ({ dev, kind: 'tbf', handle: '1:', rate: r.rate, burst: r.burst, latency });
  if (s.ingress !== undefined) {
    const r = rateOf(s.ingress, 'bandwidth ingress', RATE_KEYS);
    steps.push(call((rt) => rt.tc.qdisc, (q) => q.add(tbf(hostDev, r)), (q) => q.addAsync(tbf(hostDev, r))));
  }
  let ifb: string | undefined;
  if (s.egress !== undefined) {
    const r = rateOf(s.egress, 'bandwidth egress', EGRESS_KEYS);
    const name = validateIfName((s.egress as { ifb?: unknown }).ifb, 'bandwidth egress.ifb');
    ifb = name;
    const filter = {
      dev: hostDev, parent: 'ffff:', kind: 'u32', pref: 1, protocol: 'all', match: ['u32 0 0'], flowid: '1:1',
      actions: [{ kind: 'mirred', direction: 'egress', action: 'redirect', dev: name }],
    };
    steps.push({
      // The plugin gives the ifb the host end's MTU.
      run(rt) { rt.link.add({ name, type: 'ifb', up: true, mtu: rt.link.get(hostDev).mtu }); },
      async runAsync(rt) { await rt.link.addAsync({ name, type: 'ifb', up: true, mtu: (await rt.link.getAsync(hostDev)).mtu }); },
    });
    steps.push(call((rt) => rt.tc.qdisc, (q) => q.add({ dev: hostDev, kind: 'ingress' }), (q) => q.addAsync({ dev: hostDev, kind: 'ingress' })));
    steps.push(call((rt) => rt.tc.filter, (f) => f.add(filter), (f) => f.addAsync(filter)));
    steps.push(call((rt) => rt.tc.qdisc, (q) => q.add(tbf(name, r)), (q) => q.addAsync(tbf(name, r))));
  }
  return { steps, undo: { hostDev, ifb } };
}

function call<S>(service: (rt: RouteConnection) => S, sync: (s: S) => void, async: (s: S) => Promise<void>): Step {
  return { run: (rt) => sync(service(rt)), runAsync: (rt) => async(service(rt)) };
}

/**
 * Sets the bandwidth limit the CNI bandwidth plugin sets, on `hostDev` in the
 * connection's namespace: `ingress` limits traffic into the pod with a tbf on
 * the host end; `egress` limits traffic out of the pod with an ingress qdisc on
 * the host end, a u32 match-all filter (pref 1, flowid 1:1) redirecting to a
 * new ifb device, and a tbf on that. Every tbf has latency 25 ms unless told.
 * All or nothing: on failure it removes what it made and rethrows.
 */
export function setBandwidthLimit(rt: RouteConnection, spec: BandwidthLimitSpec): void {
  const p = plan(spec);
  try {
    for (const step of p.steps) step.run(rt);
  } catch (error) {
    removeQuietly(() => removeBandwidthLimit(rt, p.undo));
    throw error;
  }
}

/** Promise form of {@link setBandwidthLimit}. */
export async function setBandwidthLimitAsync(rt: RouteConnection, spec: BandwidthLimitSpec): Promise<void> {
  const p = plan(spec);
  try {
    for (const step of p.steps) await step.runAsync(rt);
  } catch (error) {
    await removeBandwidthLimitAsync(rt, p.undo).catch(() => undefined);
    throw error;
  }
}

function removeQuietly(run: () => void): void {
  try {
    run();
  } catch {
    // The original error is the one worth reporting.
  }
}

/** What is already gone counts as removed: no qdisc (ENOENT, EINVAL for a missing root), no link (ENODEV). */
function gone(error: unknown): boolean {
  return error instanceof LinkNotFoundError || error instanceof NetlinkError && (error.code === 'ENOENT' || error.code === 'EINVAL' || error.code === 'ENODEV');
}

function checkRef(ref: BandwidthLimitRef): { hostDev: LinkRef; ifb?: string } {
  const r = requireObject<Record<string, unknown>>(ref, 'bandwidth limit ref', "{ hostDev: 'veth1', ifb: 'bwp1' }");
  checkKeys(r, new Set(['hostDev', 'ifb']), 'bandwidth limit ref');
  return { hostDev: validateLinkRef(r.hostDev, 'hostDev'), ifb: r.ifb === undefined ? undefined : validateIfName(r.ifb, 'ifb') };
}

/**
 * Removes what {@link setBandwidthLimit} set: the ifb device (its tbf goes
 * with it), the host end's root and ingress qdiscs. Parts already gone are
 * skipped. Deleting the pod's namespace removes the host end and its qdiscs
 * anyway; the ifb lives in the host namespace and needs this.
 */
export function removeBandwidthLimit(rt: RouteConnection, ref: BandwidthLimitRef): void {
  const r = checkRef(ref);
  const tolerate = (run: () => void) => {
    try {
      run();
    } catch (error) {
      if (!gone(error)) throw error;
    }
  };
  if (r.ifb !== undefined) tolerate(() => rt.link.delete(r.ifb!));
  tolerate(() => rt.tc.qdisc.delete({ dev: r.hostDev, kind: 'ingress' }));
  tolerate(() => rt.tc.qdisc.delete({ dev: r.hostDev, parent: 'root' }));
}

/** Promise form of {@link removeBandwidthLimit}. */
export async function removeBandwidthLimitAsync(rt: RouteConnection, ref: BandwidthLimitRef): Promise<void> {
  const r = checkRef(ref);
  const tolerate = async (run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      if (!gone(error)) throw error;
    }
  };
  if (r.ifb !== undefined) await tolerate(() => rt.link.deleteAsync(r.ifb!));
  await tolerate(() => rt.tc.qdisc.deleteAsync({ dev: r.hostDev, kind: 'ingress' }));
  await tolerate(() => rt.tc.qdisc.deleteAsync({ dev: r.hostDev, parent: 'root' }));
}
