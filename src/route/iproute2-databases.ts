// iproute2's name databases: the id/name files in /etc/iproute2 (rt_tables
// and rt_tables.d/*.conf, rt_protos and rt_protos.d/*.conf, rt_scopes,
// rt_realms, rt_dsfield, group) that give routing tables, protocols, scopes,
// realms, DS fields and link groups the names `ip` prints and accepts.
// Hosts add their own (`100 vpn` in rt_tables is common), so `ip -j` output
// depends on them: nlkit reads them as ip 6.1's lib/rt_names.c does — its
// built-in names first, the files over them, each file's lines read as
// fread_id_name reads them, a file that cannot be read ignored, a line that
// cannot be parsed ending the file (ip prints "Database ... is corrupted"
// and keeps what came before it).
//
// A database is read on its first use and kept for the process's life, as
// ip keeps it for one command. Where ip's result depends on the order of its
// lookups (a built-in name the files rename is printed until something makes
// ip read the file, then the file's), nlkit always answers with the file's.
// Files in a `.d` directory are read in name order (ip: readdir order),
// which matters only when two of them name the same id.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../netlink/addresses.js';
import { textOf } from '../netlink/checks.js';

/** Where ip 6.1 (Debian's build) reads its databases: its CONFDIR. */
export const IPROUTE2_CONFIG_DIR = '/etc/iproute2';

/** sscanf's white space (isspace in the C locale). */
const SPACE = ' \t\n\v\f\r';
const isSpace = (c: string | undefined): boolean => c !== undefined && c !== '' && SPACE.includes(c);

function skipSpace(line: string, at: number): number {
  while (isSpace(line[at])) at++;
  return at;
}

/** sscanf's `%s`: the next run of non-space characters, or undefined. */
function word(line: string, at: number): string | undefined {
  const start = skipSpace(line, at);
  let end = start;
  while (end < line.length && !isSpace(line[end])) end++;
  return end > start ? line.slice(start, end) : undefined;
}

const LONG_MAX = (1n << 63n) - 1n;
const ULONG_MAX = (1n << 64n) - 1n;

/**
 * `%d` or `%x` into an int, as glibc converts: strtol/strtoul semantics
 * (saturating at the long's range), then the low 32 bits as a signed int.
 */
function scanInt(line: string, at: number, hex: boolean): { value: number; end: number } | undefined {
  let i = skipSpace(line, at);
  let negative = false;
  if (line[i] === '+' || line[i] === '-') {
    negative = line[i] === '-';
    i++;
  }
  if (hex && line[i] === '0' && (line[i + 1] === 'x' || line[i + 1] === 'X') && /[0-9a-fA-F]/.test(line[i + 2] ?? '')) i += 2;
  const digits = (hex ? /^[0-9a-fA-F]+/ : /^[0-9]+/).exec(line.slice(i))?.[0];
  if (digits === undefined) return undefined;
  let magnitude = BigInt(hex ? `0x${digits}` : digits);
  let value: bigint;
  if (hex) {
    if (magnitude > ULONG_MAX) magnitude = ULONG_MAX;
    value = negative ? BigInt.asUintN(64, -magnitude) : magnitude;
  } else {
    value = negative ? -magnitude : magnitude;
    if (value > LONG_MAX) value = LONG_MAX;
    if (value < -LONG_MAX - 1n) value = -LONG_MAX - 1n;
  }
  return { value: Number(BigInt.asIntN(32, value)), end: i + digits.length };
}

/** One line's id and name as `sscanf(p, "0x%x %s")`, else `sscanf(p, "%d %s")`, reads them. */
function idAndName(line: string): [number, string] | undefined {
  if (line.startsWith('0x')) {
    const id = scanInt(line, 2, true);
    const name = id && word(line, id.end);
    if (id && name !== undefined) return [id.value, name];
  }
  const id = scanInt(line, 0, false);
  const name = id && word(line, id.end);
  return id && name !== undefined ? [id.value, name] : undefined;
}

/**
 * The id/name pairs of one database file's text, in file order, as ip's
 * fread_id_name reads them: blank and `#` lines skipped, reading stopping at
 * the first line that is neither a comment nor an id and a name. Ids are C
 * ints (a decimal id past 2^31-1 comes out negative, as in ip).
 */
export function parseNameDatabase(text: string): [number, string][] {
  const entries: [number, string][] = [];
  for (const raw of text.split('\n')) {
    let at = 0;
    while (raw[at] === ' ' || raw[at] === '\t') at++;
    const line = raw.slice(at);
    // fgets keeps the newline: an empty line is "\n", skipped; a lone "\r" (CRLF) is not.
    if (line === '' || line.startsWith('#')) continue;
    const entry = idAndName(line);
    if (entry === undefined) break;
    entries.push(entry);
  }
  return entries;
}

function readEntries(path: string): [number, string][] {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return [];
  }
  return parseNameDatabase(text);
}

/** The `*.conf` files of a `.d` directory (longer than the suffix, not hidden), as ip picks them. */
function confFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith('.') && n.length > 5 && n.endsWith('.conf')).sort().map((n) => join(dir, n));
}

/** Where one database comes from: its file, its `.d` directory, its built-in names, and the ids it holds. */
interface DatabaseSource {
  readonly file: string;
  readonly directory?: string;
  readonly builtIn: readonly (readonly [number, string])[];
  /** Ids past this are skipped (ip's 256-slot tables); the hashed ones (tables, groups) keep any id >= 0. */
  readonly maxId: number;
}

/**
 * One database: id → name and name → id. For the hashed databases ip
 * finds a name by scanning its 256 hash buckets in order (the latest entry
 * first within one), so a name given to two ids resolves to the one in the
 * lower bucket; for the others it scans ids upwards. `nameToId` keeps the
 * first id each order finds.
 */
export class NameDatabase {
  private names: Map<number, string> | undefined;
  private ids: Map<string, number> | undefined;

  constructor(
    private readonly source: DatabaseSource,
    private readonly configDir: () => string,
  ) {}

  /** The name of `id`, or undefined when neither ip's built-in names nor the files name it. */
  nameOf(id: number): string | undefined {
    return this.load().names.get(id);
  }

  /** The id a name stands for, or undefined. */
  idOf(name: string): number | undefined {
    return this.load().ids.get(name);
  }

  /** Every name, in the order ip's lookup scans them. */
  allNames(): string[] {
    return [...this.load().ids.keys()];
  }

  /** Forgets what was read, so the next lookup reads the files again. */
  reset(): void {
    this.names = undefined;
    this.ids = undefined;
  }

  private load(): { names: Map<number, string>; ids: Map<string, number> } {
    if (this.names !== undefined && this.ids !== undefined) return { names: this.names, ids: this.ids };
    const { file, directory, builtIn, maxId } = this.source;
    const dir = this.configDir();
    const files = [join(dir, file), ...(directory === undefined ? [] : confFiles(join(dir, directory)))];
    // Every entry in the order read, the built-in names first.
    const entries: (readonly [number, string])[] = [...builtIn];
    for (const path of files) for (const entry of readEntries(path)) if (entry[0] >= 0 && entry[0] <= maxId) entries.push(entry);
    // The last entry for an id names it (ip: the newest in its hash chain, or the slot overwritten).
    const names = new Map<number, string>();
    for (const [id, name] of entries) names.set(id, name);
    const ids = new Map<string, number>();
    if (maxId > 255) {
      // ip's hash: buckets in order (id & 255), each chain newest first; a renamed id keeps its older names there.
      const order = entries.map((entry, read) => ({ entry, read })).sort((a, b) => (a.entry[0] & 255) - (b.entry[0] & 255) || b.read - a.read);
      for (const { entry: [id, name] } of order) if (!ids.has(name)) ids.set(name, id);
    } else {
      // ip's 256 slots, scanned upwards: only each id's last name is left.
      for (const id of [...names.keys()].sort((a, b) => a - b)) {
        const name = names.get(id)!;
        if (!ids.has(name)) ids.set(name, id);
      }
    }
    this.names = names;
    this.ids = ids;
    return { names, ids };
  }
}

let configDirectory = IPROUTE2_CONFIG_DIR;
const configDir = (): string => configDirectory;

/** rt_tables + rt_tables.d: ip knows default, main and local before reading them. */
export const TABLE_DATABASE = new NameDatabase({ file: 'rt_tables', directory: 'rt_tables.d', builtIn: [[253, 'default'], [254, 'main'], [255, 'local']], maxId: 0x7fffffff }, configDir);
/** rt_protos + rt_protos.d over ip's built-in RTPROT_* names. */
export const PROTOCOL_DATABASE = new NameDatabase({
  file: 'rt_protos',
  directory: 'rt_protos.d',
  builtIn: [
    [0, 'unspec'], [1, 'redirect'], [2, 'kernel'], [3, 'boot'], [4, 'static'], [8, 'gated'], [9, 'ra'], [10, 'mrt'], [11, 'zebra'],
    [12, 'bird'], [13, 'dnrouted'], [14, 'xorp'], [15, 'ntk'], [16, 'dhcp'], [18, 'keepalived'], [42, 'babel'], [186, 'bgp'],
    [187, 'isis'], [188, 'ospf'], [189, 'rip'], [192, 'eigrp'],
  ],
  maxId: 255,
}, configDir);
/** rt_scopes over ip's built-in scope names. */
export const SCOPE_DATABASE = new NameDatabase({ file: 'rt_scopes', builtIn: [[0, 'global'], [200, 'site'], [253, 'link'], [254, 'host'], [255, 'nowhere']], maxId: 255 }, configDir);
/** rt_realms; ip's built-in name for realm 0 ("unknown") is what the stock file renames "cosmos". */
export const REALM_DATABASE = new NameDatabase({ file: 'rt_realms', builtIn: [[0, 'unknown']], maxId: 255 }, configDir);
/** rt_dsfield (DS field / TOS names: AF11, CS1, EF...); ip's built-in name for 0 is "0". */
export const DSFIELD_DATABASE = new NameDatabase({ file: 'rt_dsfield', builtIn: [[0, '0']], maxId: 255 }, configDir);
/** group: link group names; ip knows group 0 as "default". */
export const GROUP_DATABASE = new NameDatabase({ file: 'group', builtIn: [[0, 'default']], maxId: 0x7fffffff }, configDir);

/** iproute2's name databases, by their file's name in /etc/iproute2. */
export type Iproute2Database = 'rt_tables' | 'rt_protos' | 'rt_scopes' | 'rt_realms' | 'rt_dsfield' | 'group';

const DATABASES: Readonly<Record<Iproute2Database, NameDatabase>> = {
  rt_tables: TABLE_DATABASE, rt_protos: PROTOCOL_DATABASE, rt_scopes: SCOPE_DATABASE, rt_realms: REALM_DATABASE, rt_dsfield: DSFIELD_DATABASE, group: GROUP_DATABASE,
};

function database(name: unknown): NameDatabase {
  if (typeof name === 'string' && Object.hasOwn(DATABASES, name)) return DATABASES[name as Iproute2Database];
  throw new InvalidArgumentError(`iproute2 database must be one of ${Object.keys(DATABASES).join(', ')}, got ${textOf(name)}`);
}

/**
 * The id `name` stands for in one of iproute2's databases, as `ip` resolves
 * it (its built-in names and this host's files: `iproute2NameToId('rt_tables',
 * 'main')` is 254); undefined for a name the database does not hold.
 */
export function iproute2NameToId(db: Iproute2Database, name: string): number | undefined {
  if (typeof name !== 'string') throw new InvalidArgumentError(`name must be a string, got ${textOf(name)}`);
  return database(db).idOf(name);
}

/** The name `ip` prints for `id` from one of iproute2's databases, or undefined when it prints the number. */
export function iproute2IdToName(db: Iproute2Database, id: number): string | undefined {
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new InvalidArgumentError(`id must be an integer, got ${textOf(id)}`);
  return database(db).nameOf(id);
}

/**
 * Reads iproute2's name databases from `dir` instead of /etc/iproute2 (a
 * test's own files, or a system that keeps them elsewhere), and forgets
 * what was read before. With no argument, goes back to /etc/iproute2.
 */
export function useIproute2ConfigDir(dir: string = IPROUTE2_CONFIG_DIR): void {
  if (typeof dir !== 'string' || dir === '') throw new InvalidArgumentError(`the iproute2 configuration directory must be a path, got ${textOf(dir)}`);
  configDirectory = dir;
  for (const db of Object.values(DATABASES)) db.reset();
}
