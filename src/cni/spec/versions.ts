// The specification versions nlkit's plugins speak. 0.4.0 is the oldest with
// CHECK; everything older lacks what runtimes rely on today.
import { CniError, CniErrorCode } from '../errors.js';

/** The versions `VERSION` announces, oldest first. */
export const SUPPORTED_VERSIONS: readonly string[] = ['0.4.0', '1.0.0', '1.1.0'];

/** The newest version: what VERSION answers with when stdin names none. */
export const LATEST_VERSION = '1.1.0';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/** Compares two `x.y.z` versions; a text that is not one is a decode failure (code 6), as the reference's decoder has it. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

function parseVersion(text: string): number[] {
  const m = SEMVER.exec(text);
  if (!m) throw new CniError(CniErrorCode.decodeFailure, `unable to parse version string "${text}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Go's %q of a string list, which the reference's message uses: ["0.4.0" "1.0.0"]. */
function quotedList(list: readonly string[]): string {
  return `[${list.map((v) => JSON.stringify(v)).join(' ')}]`;
}

/** Refuses a configuration version the plugin does not speak (code 1, with the reference's wording). */
export function requireSupportedVersion(version: string): void {
  parseVersion(version);
  if (!SUPPORTED_VERSIONS.includes(version)) {
    throw new CniError(CniErrorCode.incompatibleVersion, 'incompatible CNI versions', `config is ${JSON.stringify(version)}, plugin supports ${quotedList(SUPPORTED_VERSIONS)}`);
  }
}

/** Refuses a command the configuration's version does not have (CHECK before 0.4.0, STATUS and GC before 1.1.0). */
export function requireVersionFor(command: string, version: string, since: string): void {
  if (compareVersions(version, since) < 0) throw new CniError(CniErrorCode.incompatibleVersion, `config version does not allow ${command}`);
}
