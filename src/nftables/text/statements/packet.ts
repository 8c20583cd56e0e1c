// Statements that act on the packet: log, reject, dup, fwd, queue, notrack.
import { exprText } from '../expressions.js';
import { quoted } from '../layout.js';
import { fields, registerStatement } from './registry.js';

registerStatement('log', (body) => {
  const b = fields(body);
  let out = 'log';
  if (b.prefix !== undefined) out += ` prefix ${quoted(String(b.prefix))}`;
  if (b.group !== undefined) out += ` group ${b.group}`;
  if (b.snaplen !== undefined) out += ` snaplen ${b.snaplen}`;
  if (b['queue-threshold'] !== undefined) out += ` queue-threshold ${b['queue-threshold']}`;
  if (b.level !== undefined && b.level !== 'warn') out += ` level ${b.level}`;
  const flags = b.flags === undefined ? [] : (Array.isArray(b.flags) ? b.flags : [b.flags]).map(String);
  if (flags.includes('all')) return `${out} flags all`;
  const tcp = ['tcp sequence', 'tcp options'].filter((f) => flags.includes(f)).map((f) => f.slice(4));
  if (tcp.length) out += ` flags tcp ${tcp.join(',')}`;
  if (flags.includes('ip options')) out += ' flags ip options';
  if (flags.includes('skuid')) out += ' flags skuid';
  if (flags.includes('ether')) out += ' flags ether';
  return out;
});

registerStatement('reject', (body, _kind, family) => {
  const b = fields(body);
  if (b.type === undefined) return 'reject';
  if (b.type === 'tcp reset') return 'reject with tcp reset';
  // The default, port-unreachable, is left out as nft leaves it out.
  const implied = b.type === 'icmpx' || (b.type === 'icmp' && family === 'ip') || (b.type === 'icmpv6' && family === 'ip6');
  if (b.expr === 'port-unreachable' && implied) return 'reject';
  return `reject with ${b.type}${b.expr !== undefined ? ` ${b.expr}` : ''}`;
});

registerStatement('dup', (body) => {
  const b = fields(body);
  if (b.addr === undefined) return `dup to ${exprText(b.dev!, 'string')}`;
  // A device alone comes as `addr` in nft's JSON.
  if (b.dev === undefined && typeof b.addr === 'string' && !/[.:]/.test(b.addr)) return `dup to ${quoted(b.addr)}`;
  return `dup to ${exprText(b.addr)}${b.dev !== undefined ? ` device ${exprText(b.dev, 'string')}` : ''}`;
});

registerStatement('fwd', (body) => {
  const b = fields(body);
  if (b.addr === undefined) return `fwd to ${exprText(b.dev!, 'string')}`;
  return `fwd ${b.family} to ${exprText(b.addr)} device ${exprText(b.dev!, 'string')}`;
});

registerStatement('queue', (body) => {
  const b = fields(body);
  const flags = b.flags === undefined ? [] : (Array.isArray(b.flags) ? b.flags : [b.flags]).map(String);
  return `queue${flags.length ? ` flags ${flags.join(',')}` : ''} to ${b.num === undefined ? 0 : exprText(b.num)}`;
});

registerStatement('notrack', () => 'notrack');
