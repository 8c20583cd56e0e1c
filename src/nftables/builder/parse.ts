import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';
import type { LimitUnit } from '../expressions/limit.js';
import type { LogLevel } from '../expressions/log.js';
import type { FibFlag, FibResult } from '../expressions/fib.js';
import type { ScalarValue } from '../objects/datatypes.js';
import type { Operand, Relation } from './operands.js';
import { RuleBuilder, type Matcher, type NatOptions } from './rule-builder.js';

const RELATIONS = new Set(['==', '!=', '<', '>', '<=', '>=']);

/** Splits nft rule text into words, keeping "quoted strings" and `{ set, elements }` whole. */
export function tokenize(text: string): string[] {
  if (typeof text !== 'string') throw new InvalidArgumentError(`rule text must be a string like "tcp dport 22 accept", got ${describeValue(text)}`);
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new InvalidArgumentError(`unterminated string in rule: ${text.slice(i)}`);
      tokens.push(text.slice(i, end + 1));
      i = end + 1;
    } else if (ch === '{') {
      const end = text.indexOf('}', i + 1);
      if (end < 0) throw new InvalidArgumentError(`unterminated { in rule: ${text.slice(i)}`);
      tokens.push(text.slice(i, end + 1));
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !/\s/.test(text[end]!)) end++;
      tokens.push(text.slice(i, end));
      i = end;
    }
  }
  return tokens;
}

function unquote(token: string): string {
  return token.startsWith('"') && token.endsWith('"') ? token.slice(1, -1) : token;
}

function scalar(token: string): ScalarValue {
  const t = unquote(token);
  return /^\d+$/.test(t) ? Number(t) : t;
}

/** A value token: `{ a, b }` becomes an array (anonymous set), the rest stays text or a number. */
function operand(token: string): Operand {
  if (token.startsWith('{')) {
    return token.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean).map(scalar);
  }
  return scalar(token);
}

/**
 * Parses a small subset of nft rule syntax into a RuleBuilder, e.g.
 * `ip saddr 10.88.0.0/16 tcp dport 8080 counter accept comment "web"`.
 * Anything outside the subset is refused with the word it stopped at.
 */
export function parseRule(text: string): RuleBuilder {
  const tokens = tokenize(text);
  const b = new RuleBuilder();
  let i = 0;
  const next = (what: string): string => {
    const t = tokens[i++];
    if (t === undefined) throw new InvalidArgumentError(`rule "${text}" ends where ${what} was expected`);
    return t;
  };
  const peek = () => tokens[i];
  const match = (m: Matcher) => {
    if (peek() === '.') throw new InvalidArgumentError(`rule "${text}": concatenations are not in the supported nft subset`);
    let t = next('a value');
    const relation = RELATIONS.has(t) ? (t as Relation) : undefined;
    if (relation) t = next('a value');
    if (peek() === '.') throw new InvalidArgumentError(`rule "${text}": concatenations are not in the supported nft subset`);
    if (relation) m(relation, operand(t));
    else m(operand(t));
  };
  const field = <K extends string>(fields: Record<K, Matcher>, word: string) => {
    const name = next(`a ${word} field`) as K;
    const m = fields[name];
    if (!m) throw new InvalidArgumentError(`rule "${text}": unknown ${word} field "${name}"`);
    match(m);
  };
  const natOptions = (): NatOptions => {
    const options: NatOptions = {};
    const t = peek();
    if (t && /^(random|fully-random|persistent)(,(random|fully-random|persistent))*$/.test(t)) {
      i++;
      for (const f of t.split(',')) {
        if (f === 'random') options.random = true;
        else if (f === 'persistent') options.persistent = true;
        else options.fullyRandom = true;
      }
    }
    return options;
  };

  while (i < tokens.length) {
    const word = next('a statement');
    switch (word) {
      case 'ip': field(b.ip, 'ip'); break;
      case 'ip6': field(b.ip6, 'ip6'); break;
      case 'ether': field(b.ether, 'ether'); break;
      case 'tcp': field(b.tcp, 'tcp'); break;
      case 'udp': field(b.udp, 'udp'); break;
      case 'th': field(b.th, 'th'); break;
      case 'iifname': match(b.iifname); break;
      case 'oifname': match(b.oifname); break;
      case 'iif': match(b.meta.iif); break;
      case 'oif': match(b.meta.oif); break;
      case 'mark':
        if (peek() === 'set') { i++; b.setMark(Number(scalar(next('a mark')))); } else match(b.meta.mark);
        break;
      case 'meta': {
        const key = next('a meta key');
        if (key === 'mark' && peek() === 'set') { i++; b.setMark(Number(scalar(next('a mark')))); break; }
        const m = (b.meta as Record<string, Matcher>)[key];
        if (!m) throw new InvalidArgumentError(`rule "${text}": unknown meta key "${key}"`);
        match(m);
        break;
      }
      case 'ct': {
        const key = next('a ct key');
        if (key === 'state' || key === 'status') {
          let t = next('ct values');
          const values: string[] = [];
          if (t === '!=' || t === '==') { values.push(t); t = next('ct values'); }
          values.push(...t.split(','));
          if (key === 'state') b.ct.state(...values); else b.ct.status(...values);
        } else if (key === 'mark' && peek() === 'set') {
          i++;
          b.setCtMark(Number(scalar(next('a mark'))));
        } else {
          const m = (b.ct as unknown as Record<string, Matcher>)[key];
          if (!m || key === 'state' || key === 'status') throw new InvalidArgumentError(`rule "${text}": unknown ct key "${key}"`);
          match(m);
        }
        break;
      }
      case 'fib': {
        const flags = next('fib keys').split('.').map((s) => s.trim()) as FibFlag[];
        const result = next('fib result') as FibResult;
        const t = next('a value');
        if (RELATIONS.has(t)) b.fib(flags, result, t as Relation, operand(next('a value')));
        else b.fib(flags, result, operand(t));
        break;
      }
      case 'counter':
        // `nft list` prints counters with their values; they become the starting counts.
        if (peek() === 'packets') {
          i++;
          const packets = Number(next('a packet count'));
          if (next('bytes') !== 'bytes') throw new InvalidArgumentError(`rule "${text}": expected "counter packets N bytes N"`);
          b.counter({ packets, bytes: Number(next('a byte count')) });
        } else b.counter();
        break;
      case 'accept': b.accept(); break;
      case 'drop': b.drop(); break;
      case 'continue': b.continue(); break;
      case 'return': b.return(); break;
      case 'jump': b.jump(next('a chain')); break;
      case 'goto': b.goto(next('a chain')); break;
      case 'notrack': b.notrack(); break;
      case 'reject':
        if (peek() === 'with') {
          i++;
          const kind = next('tcp or icmpx');
          if (kind === 'tcp') { if (next('reset') !== 'reset') throw new InvalidArgumentError(`rule "${text}": expected "reset"`); b.reject({ with: 'tcp reset' }); }
          else if (kind === 'icmpx') b.reject({ with: next('an icmpx code') as 'port-unreachable' });
          else throw new InvalidArgumentError(`rule "${text}": reject with ${kind} is not supported`);
        } else b.reject();
        break;
      case 'log': {
        const options: Parameters<RuleBuilder['log']>[0] = {};
        for (;;) {
          const t = peek();
          if (t === 'prefix') { i++; options.prefix = unquote(next('a prefix')); }
          else if (t === 'level') { i++; options.level = next('a level') as LogLevel; }
          else if (t === 'group') { i++; options.group = Number(next('a group')); }
          else break;
        }
        b.log(options);
        break;
      }
      case 'limit': {
        if (next('rate') !== 'rate') throw new InvalidArgumentError(`rule "${text}": expected "limit rate"`);
        let t = next('a rate');
        const over = t === 'over';
        if (over) t = next('a rate');
        const [rate, per] = t.split('/');
        const options: Parameters<RuleBuilder['limit']>[0] = { rate: Number(rate), per: per as LimitUnit, over };
        if (peek() === 'burst') { i++; options.burst = Number(next('a burst')); if (peek() === 'packets') i++; }
        b.limit(options);
        break;
      }
      case 'quota': {
        let t = next('a quota');
        const over = t === 'over';
        if (over) t = next('a quota');
        const units: Record<string, number> = { bytes: 1, kbytes: 1024, mbytes: 1024 ** 2, gbytes: 1024 ** 3 };
        const unit = units[next('a unit')];
        if (unit === undefined) throw new InvalidArgumentError(`rule "${text}": quota unit must be bytes, kbytes, mbytes or gbytes`);
        b.quota(Number(t) * unit, { over });
        break;
      }
      case 'masquerade': {
        let ports: string | undefined;
        if (peek() === 'to') { i++; ports = next('ports'); }
        const options = natOptions();
        b.masquerade(ports !== undefined ? { ...options, ports } : options);
        break;
      }
      case 'snat':
      case 'dnat': {
        let t = next('to');
        if (t === 'ip' || t === 'ip6') t = next('to');
        if (t !== 'to') throw new InvalidArgumentError(`rule "${text}": expected "${word} to"`);
        const target = next('an address');
        const options = natOptions();
        if (word === 'snat') b.snat(target, options); else b.dnat(target, options);
        break;
      }
      case 'redirect':
        if (peek() === 'to') { i++; b.redirect(next('a port')); } else b.redirect();
        break;
      case 'comment': b.comment(unquote(next('a comment'))); break;
      default:
        throw new InvalidArgumentError(`rule "${text}": "${word}" is not in the supported nft subset`);
    }
  }
  return b;
}
