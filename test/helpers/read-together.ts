// One state seen twice: nlkit's read taken between two reads of ip's that
// agree once what moves on its own (test/helpers/volatile.ts) is masked.
import { isDeepStrictEqual } from 'node:util';

export interface ReadTogetherOptions {
  /** How many times to read before giving up (default 40). */
  attempts?: number;
  /** Pause after two ip reads disagreed, for the transition to finish (default 50 ms). */
  pauseMs?: number;
}

/** Paths at which two JSON values differ, at most `limit` of them, for the failure message. */
function differences(a: unknown, b: unknown, path = '', out: string[] = [], limit = 5): string[] {
  if (out.length >= limit || isDeepStrictEqual(a, b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) differences((a as any)[key], (b as any)[key], Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`, out, limit);
    return out;
  }
  out.push(`${path || '(top)'}: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
  return out;
}

/**
 * Reads nlkit's view between two reads of ip's and returns it with the second
 * of them, once the two ip reads agree after `mask`: a real state change (DAD
 * finishing, a local route appearing, linkwatch applying a carrier change) can
 * land between two reads, the masked noise cannot make them disagree. Gives up
 * after `attempts` tries (about two seconds by default), naming what kept
 * changing.
 */
export function readTogether<T, I>(readIp: () => I, readNlkit: () => T, mask: (ip: I) => unknown, options: ReadTogetherOptions = {}): { mine: T; theirs: I } {
  const { attempts = 40, pauseMs = 50 } = options;
  let last: string[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = mask(readIp());
    const mine = readNlkit();
    const theirs = readIp();
    const after = mask(theirs);
    if (isDeepStrictEqual(before, after)) return { mine, theirs };
    last = differences(before, after);
    // Let the transition finish before looking again.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
  }
  throw new Error(`the namespace kept changing between reads (${attempts} tries, volatile values masked); last change: ${last.join('; ')}`);
}
