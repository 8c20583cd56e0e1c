// A chain's declaration: `type filter hook input priority filter; policy accept;`,
// priorities in nft's names (`filter + 10`, `srcnat`), devices and comment.
import type { NftJsonChain } from '../json/schema.js';
import type { Chain } from '../objects/chain.js';
import { quoted, TAB } from './layout.js';

const STD_PRIOS: [string, number][] = [['raw', -300], ['mangle', -150], ['dstnat', -100], ['filter', 0], ['security', 50], ['srcnat', 100]];
const BRIDGE_PRIOS: [string, number][] = [['dstnat', -300], ['filter', -200], ['out', 100], ['srcnat', 300]];

/** Whether nft names a standard priority for this family and hook (its std_prio_family_hook_compat). */
function prioFits(name: string, family: string, hook: string): boolean {
  if (family === 'bridge') {
    if (name === 'filter') return true;
    if (name === 'dstnat') return hook === 'prerouting';
    if (name === 'out') return hook === 'output';
    if (name === 'srcnat') return hook === 'postrouting';
    return false;
  }
  if (name === 'dstnat') return ['ip', 'ip6', 'inet'].includes(family) && hook === 'prerouting';
  if (name === 'srcnat') return ['ip', 'ip6', 'inet'].includes(family) && hook === 'postrouting';
  if (name === 'filter') return true;
  return ['ip', 'ip6', 'inet', 'netdev'].includes(family) && (name !== 'raw' && name !== 'security' ? true : family !== 'netdev');
}

/** A base chain's priority as nft prints it. */
export function priorityText(prio: number, family: string, hook: string): string {
  for (const [name, value] of family === 'bridge' ? BRIDGE_PRIOS : STD_PRIOS) {
    if (!prioFits(name, family, hook)) continue;
    const offset = prio - value;
    if (offset === 0) return name;
    if (Math.abs(offset) <= 10) return `${name} ${offset > 0 ? '+' : '-'} ${Math.abs(offset)}`;
  }
  return String(prio);
}

/** The lines at the top of a chain block: its comment and, for a base chain, type, hook and policy. */
export function chainHeadLines(c: NftJsonChain, listed: Chain | undefined): string[] {
  const t = `${TAB}${TAB}`;
  const lines: string[] = [];
  if (listed?.comment !== undefined) lines.push(`${t}comment ${quoted(listed.comment)}`);
  if (c.type === undefined || c.hook === undefined) return lines;
  let line = `${t}type ${c.type} hook ${c.hook}`;
  const devices = listed?.devices ?? (listed?.device !== undefined ? [listed.device] : []);
  if (devices.length === 1) line += ` device ${quoted(devices[0]!)}`;
  // nft prints the devices of a chain hooked to several in the reverse of the kernel's order.
  else if (devices.length > 1) line += ` devices = { ${[...devices].reverse().join(', ')} }`;
  line += ` priority ${priorityText(c.prio ?? 0, c.family, c.hook)};`;
  if (c.policy !== undefined) line += ` policy ${c.policy};`;
  lines.push(line);
  return lines;
}
