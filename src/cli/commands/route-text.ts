// `ip route show` text, rebuilt from the JSON entry (same order as ip's
// print_route). Close to ip's text; metrics, cache info and nexthop details
// print as `key value` pairs.
import type { IpJson } from '../../route/index.js';
import type { RouteEncap } from './route-encap.js';
import { nexthopObjectText } from './nexthop-text.js';
import { printfG } from '../printf-g.js';

const WORDS: Record<string, string> = { gateway: 'via', protocol: 'proto', prefsrc: 'src', from: 'from', iif: 'iif' };

/** Keys ip prints before a route's encap (print_route's order). */
const BEFORE_ENCAP = new Set(['type', 'dst', 'from', 'src', 'nhid']);

/** lwt_print_encap's text: the type, then each field as `key value` (a tunnel flag as its bare name); '' without one. */
function encapText(o: IpJson | undefined): string {
  if (o === undefined) return '';
  let s = ` encap ${o.encap}`;
  for (const [key, value] of Object.entries(o)) if (key !== 'encap') s += value === true ? ` ${key}` : ` ${key} ${value}`;
  return s;
}

function nexthopText(nh: IpJson, encap: IpJson | undefined): string {
  let s = '\n\tnexthop';
  // ip's text has two spaces before a path's encap: `nexthop  encap ip …`.
  if (encap) s += ` ${encapText(encap)}`;
  if (nh.gateway !== undefined) s += ` via ${nh.gateway}`;
  if (nh.flow !== undefined) { const f = nh.flow as IpJson; s += f.from !== undefined ? ` realms ${f.from}/${f.to}` : ` realm ${f.to}`; }
  if (nh.dev !== undefined) s += ` dev ${nh.dev}`;
  if (nh.weight !== undefined) s += ` weight ${nh.weight}`;
  for (const f of (nh.flags as string[] | undefined) ?? []) s += ` ${f}`;
  return s + ' ';
}

/** The JSON keys of a route's locked metrics (`mtu lock 1400`): ip's JSON has no word for a lock, its text does. */
export function lockedMetricKeys(lock: readonly string[] | undefined): string[] {
  return (lock ?? []).map((name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
}

/** Time metrics: the JSON has milliseconds, ip's text `200ms`, or from a second on `%gs` (`3s`, `1.5s`). */
const TIME_METRICS = new Set(['rtt', 'rttvar', 'rto_min']);

function metricText(key: string, value: unknown): string {
  if (!TIME_METRICS.has(key) || typeof value !== 'number') return String(value);
  return value >= 1000 ? `${printfG(value / 1e3)}s` : `${value}ms`;
}

export function routeText(r: IpJson, locked: readonly string[] = [], encap?: RouteEncap): string {
  let s = '';
  let pendingEncap = encapText(encap?.route);
  for (const [key, value] of Object.entries(r)) {
    if (value === undefined) continue;
    if (pendingEncap && !BEFORE_ENCAP.has(key)) {
      s += `${pendingEncap} `;
      pendingEncap = '';
    }
    switch (key) {
      // The renderer writes `type` only where ip prints it (not unicast, or -d).
      case 'type': s += `${value} `; break;
      case 'dst': s += `${value} `; break;
      case 'flags': for (const f of value as string[]) s += `${f} `; break;
      // ip's JSON calls the algorithm `congestion`, its text `congctl`.
      case 'metrics': for (const m of value as IpJson[]) for (const [k, v] of Object.entries(m)) { const word = k === 'congestion' ? 'congctl' : k; s += `${word} ${locked.includes(word) ? 'lock ' : ''}${metricText(k, v)} `; } break;
      // ip prints the preference last, without a space after it.
      case 'pref': s += `pref ${value}`; break;
      case 'nh_info': s += `\n\tnh_info ${nexthopObjectText(value as IpJson)}`; break;
      case 'nexthops': (value as IpJson[]).forEach((nh, i) => { s += nexthopText(nh, encap?.nexthops[i]); }); break;
      case 'cache': { const flags = value as string[]; s += '\n    cache '; if (flags.length) s += `<${flags.join(',')}> `; break; }
      case 'expires': s += `expires ${value}sec `; break;
      case 'age': s += `age ${value}sec `; break;
      // ip's JSON has the mark as a number, its text in hex from 16 on.
      case 'mark': s += `mark ${(value as number) >= 16 ? `0x${(value as number).toString(16)}` : value} `; break;
      case 'via': s += `via ${(value as IpJson).family} ${(value as IpJson).host} `; break;
      case 'flow': { const f = value as IpJson; s += f.from !== undefined ? `realms ${f.from}/${f.to} ` : `realm ${f.to} `; break; }
      default:
        if (typeof value === 'object') continue;
        s += `${WORDS[key] ?? key} ${value} `;
    }
  }
  if (pendingEncap) s += `${pendingEncap} `;
  return s + '\n';
}
