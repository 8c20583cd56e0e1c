// `resolvConf`: host-local reports a resolv.conf file's entries as the
// result's DNS settings. Same reading rules: comments (# and ;) and lines with
// fewer than two fields are skipped; nameserver and search/options accumulate,
// the last domain wins.
import { readFileSync } from 'node:fs';
import type { IpamResult } from '../types.js';
import { storeError } from './errors.js';

export type IpamDns = NonNullable<IpamResult['dns']>;

export function parseResolvConf(text: string): IpamDns {
  const dns: IpamDns = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const fields = line.split(/\s+/);
    if (fields.length < 2) continue;
    const [key, first, ...rest] = fields as [string, string, ...string[]];
    if (key === 'nameserver') (dns.nameservers ??= []).push(first);
    else if (key === 'domain') dns.domain = first;
    else if (key === 'search') (dns.search ??= []).push(first, ...rest);
    else if (key === 'options') (dns.options ??= []).push(first, ...rest);
  }
  return dns;
}

export function readResolvConf(path: string): IpamDns {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw storeError(`cannot read resolvConf ${path}`, error);
  }
  return parseResolvConf(text);
}
