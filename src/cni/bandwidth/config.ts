// nlkit-bandwidth's configuration: the reference bandwidth plugin's keys
// (rates in bits per second, bursts in bits), at the top level or through the
// `bandwidth` capability (runtimeConfig.bandwidth); the top level wins when it
// has any of them, as in the reference. Wrong values are the reference's code
// 999 with its wording.
import { CniError, CniErrorCode } from '../errors.js';
import type { CniNetworkConfig } from '../spec/types.js';

/** One limit in the reference's units. */
export interface BandwidthEntry {
  ingressRate: number;
  ingressBurst: number;
  egressRate: number;
  egressBurst: number;
}

const KEYS = ['ingressRate', 'ingressBurst', 'egressRate', 'egressBurst'] as const;
/** The reference refuses a burst whose bytes do not fit a u32 ("4GB"). */
const MAX_BURST_BYTES = 0xffffffff;

function fail(message: string): never {
  throw new CniError(CniErrorCode.internal, message);
}

function entryOf(o: Record<string, unknown>, where: string): BandwidthEntry {
  const entry = { ingressRate: 0, ingressBurst: 0, egressRate: 0, egressBurst: 0 };
  for (const key of KEYS) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`failed to parse network configuration: ${where}${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
    entry[key] = v;
  }
  return entry;
}

function validate(rate: number, burst: number): void {
  if (burst === 0 && rate !== 0) fail('if rate is set, burst must also be set');
  if (rate === 0 && burst !== 0) fail('if burst is set, rate must also be set');
  if (Math.floor(burst / 8) >= MAX_BURST_BYTES) fail('burst cannot be more than 4GB');
}

/** The limits to apply, or undefined when none is configured. */
export function parseBandwidthConfig(network: CniNetworkConfig): BandwidthEntry | undefined {
  const raw = network.raw;
  let entry: BandwidthEntry | undefined;
  if (KEYS.some((k) => raw[k] !== undefined)) entry = entryOf(raw, '');
  else {
    const runtime = network.runtimeConfig?.bandwidth;
    if (runtime !== undefined && runtime !== null) {
      if (typeof runtime !== 'object' || Array.isArray(runtime)) fail('failed to parse network configuration: runtimeConfig.bandwidth must be an object');
      entry = entryOf(runtime as Record<string, unknown>, 'runtimeConfig.bandwidth.');
    }
  }
  if (entry) {
    validate(entry.ingressRate, entry.ingressBurst);
    validate(entry.egressRate, entry.egressBurst);
  }
  return entry;
}

/** Whether the entry limits anything. */
export function limitsSomething(entry: BandwidthEntry | undefined): entry is BandwidthEntry {
  return entry !== undefined && (entry.ingressRate > 0 || entry.egressRate > 0);
}
