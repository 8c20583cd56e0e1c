// Stateful statements: counter, limit, quota, ct count, and references to named objects
// (`counter name "x"`, `ct helper set "ftp"`).
import type { NftJsonValue } from '../../json/schema.js';
import { exprText } from '../expressions.js';
import { quoted } from '../layout.js';
import { fields, registerStatement } from './registry.js';

/** A reference to a named object chosen by a map (`counter name tcp dport map @m`). */
function byMap(body: NftJsonValue): boolean {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && 'map' in body;
}

registerStatement('counter', (body) => {
  if (typeof body === 'string') return `counter name ${quoted(body)}`;
  if (byMap(body)) return `counter name ${exprText(body, 'string')}`;
  if (body === null) return 'counter';
  const b = fields(body);
  return `counter packets ${b.packets} bytes ${b.bytes}`;
});

/** `limit rate [over] N[ unit]/per[ burst N unit]`, as nft prints the statement and the object. */
export function limitText(body: Record<string, unknown>): string {
  const over = body.inv ? 'over ' : '';
  if (body.rate_unit !== undefined && body.rate_unit !== 'packets') {
    const burst = body.burst ? ` burst ${body.burst} ${body.burst_unit ?? 'bytes'}` : '';
    return `rate ${over}${body.rate} ${body.rate_unit}/${body.per}${burst}`;
  }
  const burst = body.burst !== undefined && body.burst !== 0 && body.burst !== 5 ? ` burst ${body.burst} packets` : '';
  return `rate ${over}${body.rate}/${body.per}${burst}`;
}

registerStatement('limit', (body) => {
  if (typeof body === 'string') return `limit name ${quoted(body)}`;
  return byMap(body) ? `limit name ${exprText(body, 'string')}` : `limit ${limitText(fields(body))}`;
});

/** `[over ]N unit[ used N unit]`, the quota statement's and object's words. */
export function quotaText(body: Record<string, unknown>): string {
  const used = body.used ? ` used ${body.used} ${body.used_unit ?? 'bytes'}` : '';
  return `${body.inv ? 'over ' : ''}${body.val} ${body.val_unit ?? 'bytes'}${used}`;
}

registerStatement('quota', (body) => {
  if (typeof body === 'string') return `quota name ${quoted(body)}`;
  return byMap(body) ? `quota name ${exprText(body, 'string')}` : `quota ${quotaText(fields(body))}`;
});

registerStatement('ct count', (body) => {
  const b = fields(body);
  return `ct count ${b.inv ? 'over ' : ''}${b.val}`;
});

registerStatement(['ct helper', 'ct timeout', 'ct expectation'], (body, kind) => `${kind} set ${exprText(body, 'string')}`);

registerStatement('synproxy', (body) => {
  if (typeof body === 'string') return `synproxy name ${quoted(body)}`;
  if (byMap(body)) return `synproxy name ${exprText(body, 'string')}`;
  return `synproxy${synproxyWords(fields(body)).map((w) => ` ${w}`).join('')}`;
});

/** The words of an anonymous synproxy statement: `mss N wscale N timestamp sack-perm`. */
export function synproxyWords(b: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (b.mss !== undefined) out.push(`mss ${b.mss}`);
  if (b.wscale !== undefined) out.push(`wscale ${b.wscale}`);
  const flags = b.flags === undefined ? [] : Array.isArray(b.flags) ? b.flags : [b.flags];
  out.push(...flags.map(String));
  return out;
}
