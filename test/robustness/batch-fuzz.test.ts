// `nlkit -batch` (src/cli/batch.ts BatchReader and the runner behind it) fed
// random files against `ip -batch`: lines mixing quotes, backslashes
// (continuations among them), comments, tabs, CRs, blank lines, very long
// lines, NUL bytes and invalid UTF-8, around harmless commands (lo's mtu,
// addresses on lo). Same file, twin namespaces: the same exit status, the same
// messages, the same end state, and never a crash or a hang. Seeds are fixed,
// so a failure names a file that can be run again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipOut, ipRun, nlkit } from '../cli/helpers.js';
import { seededRandom } from '../helpers/random.js';

if (!requireRoot(t)) process.exit(0);


/** Commands that only touch lo: run twice or in any order they stay harmless. */
function command(r: () => number): string[] {
  const n = Math.floor(r() * 250);
  switch (Math.floor(r() * 7)) {
    case 0: return ['link', 'set', 'dev', 'lo', 'mtu', String(1280 + n)];
    case 1: return ['addr', 'add', `10.160.${n}.1/32`, 'dev', 'lo'];
    case 2: return ['addr', 'del', `10.160.${n}.1/32`, 'dev', 'lo'];
    case 3: return ['a', 'add', `10.161.0.${n}/32`, 'dev', 'lo'];
    case 4: return ['link', 'set', 'lo', 'mtu', String(1300 + n)];
    case 5: return ['address', 'add', `10.162.${n}.${n}/32`, 'dev', r() < 0.3 ? 'nosuchdev' : 'lo'];
    default: return r() < 0.5 ? ['link', 'set', 'dev', 'lo', 'up'] : ['link', 'set', 'dev', 'lo', 'mtu', String(1400 + n)];
  }
}

/**
 * One word, dressed up the ways a batch line may spell it. Only the device
 * name is misspelt (a backslash or a quote inside it are plain characters for
 * ip): a device not found fails the line in both, while a misspelt keyword is
 * an argument error, where ip exits and nlkit fails the line (a known
 * difference of the command parsers, not of the reader: see the report).
 */
function spell(word: string, r: () => number): string {
  const x = r();
  if (x < 0.08) return `"${word}"`;
  if (x < 0.14) return `'${word}'`;
  if (word === 'lo' && x < 0.2) return r() < 0.5 ? '\\lo' : 'l"o"';
  return word;
}

const SEPARATORS = [' ', ' ', ' ', '  ', '\t', ' \t '];

/** One line of a file (maybe several physical lines, with continuations). */
function line(r: () => number): string {
  const x = r();
  if (x < 0.06) return '';
  if (x < 0.1) return `# comment ${'"\''.charAt(Math.floor(r() * 2))} \\ ${Math.floor(r() * 100)}`;
  if (x < 0.12) return SEPARATORS[Math.floor(r() * SEPARATORS.length)]!;
  if (x < 0.13) return `link set dev lo mtu 1500${' \t'.repeat(1000 + Math.floor(r() * 3000))}# ${'a'.repeat(5000)}`;
  if (x < 0.14) return `addr add 10.163.0.1/32 dev lo\0mtu x ${'b'.repeat(3000)}`;
  const words = command(r).map((w) => spell(w, r));
  let text = '';
  for (let i = 0; i < words.length; i++) {
    text += words[i];
    if (i < words.length - 1) text += r() < 0.08 ? ' \\\n' : SEPARATORS[Math.floor(r() * SEPARATORS.length)];
  }
  const y = r();
  if (y < 0.05) text += ' # trailing comment';
  else if (y < 0.09) text += '\r';
  else if (y < 0.11) text += ' "unterminated';
  else if (y < 0.13) text += ` 'open`;
  else if (y < 0.15) text = ` ${text}`;
  return text;
}

/** A file of `count` lines; the byte-level oddities are applied to the encoded bytes. */
function file(seed: number, count: number): Buffer {
  const r = seededRandom(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(line(r));
  let bytes = Buffer.from(lines.join('\n') + (r() < 0.8 ? '\n' : ''), 'latin1');
  if (r() < 0.25) {
    // A NUL or an invalid UTF-8 byte in a comment: ip reads bytes, nlkit text; neither may choke.
    const at = bytes.indexOf('#');
    if (at >= 0) bytes = Buffer.concat([bytes.subarray(0, at + 1), Buffer.from(r() < 0.5 ? [0] : [0xff, 0xfe]), bytes.subarray(at + 1)]);
  }
  if (r() < 0.1) bytes = Buffer.concat([bytes, Buffer.from('link set dev lo mtu 1500 \\')]);
  return bytes;
}

/** lo as ip prints it: mtu, flags and IPv4 addresses. */
function loState(ns: string): unknown {
  const [lo] = JSON.parse(ipOut('-n', ns, '-j', 'addr', 'show', 'dev', 'lo')) as { mtu: number; flags: string[]; addr_info: { family: string; local: string; prefixlen: number }[] }[];
  return { mtu: lo!.mtu, flags: lo!.flags, addresses: lo!.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`).sort() };
}

const FILES = 60;

t.test(`${FILES} random batch files, with and without -force: nlkit ends as ip does`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-batchfuzz-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const mismatches: string[] = [];
  const [a, b] = testNetns(t, 2, 'robbatch');
  for (let seed = 1; seed <= FILES; seed++) {
    // Both twins back to a fresh namespace's lo.
    for (const ns of [a!, b!]) {
      ipOut('-n', ns, 'link', 'set', 'lo', 'down', 'mtu', '65536');
      ipOut('-n', ns, 'addr', 'flush', 'dev', 'lo');
    }
    const path = join(dir, `seed-${seed}`);
    writeFileSync(path, file(seed, 10 + (seed % 30)));
    const force = seed % 2 === 0 ? ['-force'] : [];
    const ip = ipRun(['-n', a!, ...force, '-batch', path]);
    const started = performance.now();
    const mine = await nlkit(['-n', b!, ...force, '-batch', path]);
    const ms = performance.now() - started;
    const problems: string[] = [];
    if (mine.status !== ip.status) problems.push(`status ${mine.status}, ip ${ip.status}`);
    if (mine.stderr !== ip.stderr) problems.push(`stderr\n--- nlkit\n${mine.stderr.slice(0, 1500)}\n--- ip\n${ip.stderr.slice(0, 1500)}`);
    if (JSON.stringify(loState(b!)) !== JSON.stringify(loState(a!))) problems.push(`state: nlkit ${JSON.stringify(loState(b!))}, ip ${JSON.stringify(loState(a!))}`);
    if (ms > 5_000) problems.push(`took ${Math.round(ms)} ms`);
    if (problems.length) {
      // Kept for a rerun: `ip -batch` and `nlkit -batch` on it.
      const kept = join(tmpdir(), `nlkit-batchfuzz-seed-${seed}`);
      writeFileSync(kept, file(seed, 10 + (seed % 30)));
      mismatches.push(`seed ${seed}${force.length ? ' -force' : ''} (${kept}): ${problems.join('; ')}`);
    }
  }
  t.same(mismatches, [], 'no difference from ip');
});
