// CNI_ARGS: `KEY=VALUE` pairs separated by semicolons. A plugin knows some
// keys; the others are an error unless `IgnoreUnknown` is true, which is how
// runtimes pass keys meant for other plugins (the reference's rule and wording).
import { CniError, CniErrorCode } from './errors.js';

/** Splits CNI_ARGS into pairs; a pair without '=' is refused, as the reference does. */
export function parseCniArgs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  if (text === '') return pairs;
  for (const item of text.split(';')) {
    const at = item.indexOf('=');
    if (at < 0) throw new CniError(CniErrorCode.internal, `ARGS: invalid pair ${JSON.stringify(item)}`);
    pairs[item.slice(0, at)] = item.slice(at + 1);
  }
  return pairs;
}

function truthy(value: string): boolean {
  const v = value.toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new CniError(CniErrorCode.internal, `ARGS: boolean unmarshal error: invalid input ${value}`);
}

/** Parses CNI_ARGS and refuses keys outside `known` unless IgnoreUnknown is true. */
export function parseKnownCniArgs(text: string, known: readonly string[]): Record<string, string> {
  const pairs = parseCniArgs(text);
  const ignore = pairs.IgnoreUnknown !== undefined && truthy(pairs.IgnoreUnknown);
  const unknown = Object.entries(pairs).filter(([k]) => k !== 'IgnoreUnknown' && !known.includes(k));
  if (unknown.length && !ignore) throw new CniError(CniErrorCode.internal, `ARGS: unknown args [${unknown.map(([k, v]) => JSON.stringify(`${k}=${v}`)).join(' ')}]`);
  return pairs;
}
