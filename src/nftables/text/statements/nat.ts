// Address translation: snat, dnat, masquerade, redirect and tproxy.
import type { NftJsonValue } from '../../json/schema.js';
import { exprText } from '../expressions.js';
import { fields, registerStatement } from './registry.js';

function flagList(v: NftJsonValue | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** `to addr:port` as nft writes it: IPv6 addresses in brackets when a port follows. */
function target(addr: NftJsonValue | undefined, port: NftJsonValue | undefined): string {
  const a = addr === undefined ? '' : exprText(addr);
  if (port === undefined) return ` to ${a}`;
  const p = exprText(port);
  return ` to ${a.includes(':') ? `[${a}]` : a}:${p}`;
}

registerStatement(['snat', 'dnat', 'masquerade', 'redirect'], (body, kind) => {
  const b = fields(body);
  let out = kind;
  if (b.family !== undefined) out += ` ${b.family}`;
  const typeFlags = flagList(b.type_flags);
  if (typeFlags.length) out += ` ${typeFlags.join(' ')}`;
  if (b.addr !== undefined || b.port !== undefined) out += target(b.addr, b.port);
  // nft 1.0.6's text leaves `netmap` out (its JSON has it).
  const flags = flagList(b.flags).filter((f) => f !== 'netmap');
  if (flags.length) out += ` ${flags.join(',')}`;
  return out;
});

registerStatement('tproxy', (body) => {
  const b = fields(body);
  const addr = b.addr !== undefined && b.port === undefined && exprText(b.addr).includes(':') ? ` to [${exprText(b.addr)}]` : target(b.addr, b.port);
  return `tproxy${b.family !== undefined ? ` ${b.family}` : ''}${addr}`;
});
