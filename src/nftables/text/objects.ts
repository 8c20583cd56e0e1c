// Named stateful objects (counter, quota, limit, ct helper/timeout/expectation,
// synproxy, secmark) and flowtables, as nft declares them in a table.
import type { NftJsonValue } from '../json/schema.js';
import type { Flowtable } from '../objects/flowtable.js';
import { duration, quoted, TAB, type Block } from './layout.js';
import { limitText, synproxyWords } from './statements/index.js';
import { byteUnits } from './units.js';

type Body = Record<string, NftJsonValue>;
const T2 = `${TAB}${TAB}`;

const OBJECT_LINES: Record<string, (b: Body) => string[]> = {
  counter: (b) => [`packets ${b.packets} bytes ${b.bytes}`],
  quota: (b) => [`${b.inv ? 'over ' : ''}${byteUnits(Number(b.bytes))}${b.used ? ` used ${byteUnits(Number(b.used))}` : ''}`],
  limit: (b) => [limitText(b)],
  'ct helper': (b) => [`type ${quoted(String(b.type))} protocol ${b.protocol}`, `l3proto ${b.l3proto}`],
  'ct timeout': (b) => {
    const policy = Object.entries((b.policy ?? {}) as Body).map(([k, v]) => `${k} : ${v}`).join(', ');
    return [`protocol ${b.protocol}`, `l3proto ${b.l3proto}`, `policy = { ${policy} }`];
  },
  'ct expectation': (b) => [`protocol ${b.protocol}`, `dport ${b.dport}`, `timeout ${duration(Number(b.timeout))}`, `size ${b.size}`, `l3proto ${b.l3proto}`],
  synproxy: (b) => {
    const words = synproxyWords(b);
    const flags = words.filter((w) => !/^(mss|wscale) /.test(w));
    return [...words.filter((w) => /^(mss|wscale) /.test(w)), ...(flags.length ? [`${flags.join(' ')}${flags.length === 1 ? ' ' : ''}`] : [])];
  },
  secmark: (b) => [quoted(String(b.context))],
};

/** The JSON names of the named objects. */
export const OBJECT_KINDS = new Set(Object.keys(OBJECT_LINES));

/** A named object declaration. */
export function objectText(kind: string, b: Body): Block {
  const lines = OBJECT_LINES[kind]!(b).map((l) => `${T2}${l}`);
  if (b.comment !== undefined) lines.unshift(`${T2}comment ${quoted(String(b.comment))}`);
  return { open: `${kind} ${b.name}`, handle: Number(b.handle), lines };
}

/** A flowtable declaration: hook, priority and devices from nft-JSON, flags from the listing. */
export function flowtableText(b: Body, listed: Flowtable | undefined): Block {
  const devices = b.dev === undefined ? [] : (Array.isArray(b.dev) ? b.dev : [b.dev]).map(String);
  const lines = [`${T2}hook ${b.hook} priority ${b.prio}`];
  if (devices.length) lines.push(`${T2}devices = { ${devices.join(', ')} }`);
  if (listed?.flags.includes('hw-offload')) lines.push(`${T2}flags offload`);
  if (listed?.flags.includes('counter')) lines.push(`${T2}counter`);
  return { open: `flowtable ${b.name}`, handle: Number(b.handle), lines };
}
