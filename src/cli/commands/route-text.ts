// `ip route show` text, rebuilt from the JSON entry (same order as ip's
// print_route). Close to ip's text; metrics, cache info and nexthop details
// print as `key value` pairs.
import type { IpJson } from '../../route/index.js';

const WORDS: Record<string, string> = { gateway: 'via', protocol: 'proto', prefsrc: 'src', from: 'from', iif: 'iif' };

function nexthopText(nh: IpJson): string {
  let s = '\n\tnexthop';
  if (nh.gateway !== undefined) s += ` via ${nh.gateway}`;
  if (nh.dev !== undefined) s += ` dev ${nh.dev}`;
  if (nh.weight !== undefined) s += ` weight ${nh.weight}`;
  for (const f of (nh.flags as string[] | undefined) ?? []) s += ` ${f}`;
  return s + ' ';
}

/** The JSON keys of a route's locked metrics (`mtu lock 1400`): ip's JSON has no word for a lock, its text does. */
export function lockedMetricKeys(lock: readonly string[] | undefined): string[] {
  return (lock ?? []).map((name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
}

export function routeText(r: IpJson, locked: readonly string[] = []): string {
  let s = '';
  for (const [key, value] of Object.entries(r)) {
    if (value === undefined) continue;
    switch (key) {
      // The renderer writes `type` only where ip prints it (not unicast, or -d).
      case 'type': s += `${value} `; break;
      case 'dst': s += `${value} `; break;
      case 'flags': for (const f of value as string[]) s += `${f} `; break;
      case 'metrics': for (const m of value as IpJson[]) for (const [k, v] of Object.entries(m)) s += `${k} ${locked.includes(k) ? 'lock ' : ''}${v} `; break;
      // ip prints the preference last, without a space after it.
      case 'pref': s += `pref ${value}`; break;
      case 'nexthops': for (const nh of value as IpJson[]) s += nexthopText(nh); break;
      case 'cache': { const flags = value as string[]; s += '\n    cache '; if (flags.length) s += `<${flags.join(',')}> `; break; }
      case 'expires': s += `expires ${value}sec `; break;
      // ip's JSON has the mark as a number, its text in hex from 16 on.
      case 'mark': s += `mark ${(value as number) >= 16 ? `0x${(value as number).toString(16)}` : value} `; break;
      case 'via': s += `via ${(value as IpJson).family} ${(value as IpJson).host} `; break;
      case 'flow': { const f = value as IpJson; s += f.from !== undefined ? `realms ${f.from}/${f.to} ` : `realm ${f.to} `; break; }
      default:
        if (typeof value === 'object') continue;
        s += `${WORDS[key] ?? key} ${value} `;
    }
  }
  return s + '\n';
}
