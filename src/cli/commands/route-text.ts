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

export function routeText(r: IpJson): string {
  let s = '';
  for (const [key, value] of Object.entries(r)) {
    if (value === undefined) continue;
    switch (key) {
      case 'type': if (value !== 'unicast') s += `${value} `; break;
      case 'dst': s += `${value} `; break;
      case 'flags': for (const f of value as string[]) s += `${f} `; break;
      case 'metrics': for (const m of value as IpJson[]) for (const [k, v] of Object.entries(m)) s += `${k} ${v} `; break;
      case 'nexthops': for (const nh of value as IpJson[]) s += nexthopText(nh); break;
      case 'cache': for (const c of value as string[]) s += `${c} `; break;
      case 'expires': s += `expires ${value}sec `; break;
      case 'via': s += `via ${(value as IpJson).family} ${(value as IpJson).host} `; break;
      default:
        if (typeof value === 'object') continue;
        s += `${WORDS[key] ?? key} ${value} `;
    }
  }
  return s + '\n';
}
