// `unknown`, `stats64` and `afSpec` of a decoded link are built on first
// read (src/route/links/lazy-fields.ts): they must read, list, serialize and
// compare exactly as the eagerly decoded fields did.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { AttributeCursor } from '../../../src/netlink/attributes.js';
import { IFLA_AF_SPEC, IFLA_STATS64 } from '../../../src/generated/if_link.js';
import { decodeLink, decodeStats64 } from '../../../src/route/links/index.js';

const links = (JSON.parse(readFileSync('fixtures/route/links/namespace.json', 'utf8')) as { links: { name: string; hex: string }[] }).links;
const IFINFOMSG_END = 16 + 16;

/** The payload of the last top-level attribute of `type`, straight from the message bytes. */
function attribute(bytes: Buffer, type: number): Buffer | undefined {
  const c = new AttributeCursor(bytes, IFINFOMSG_END, bytes.length);
  let found: Buffer | undefined;
  while (c.next()) if (c.type === type) found = Buffer.from(c.view());
  return found;
}

t.test('lazy fields hold what the message says', async (t) => {
  for (const captured of links) {
    const bytes = Buffer.from(captured.hex, 'hex');
    const link = decodeLink(bytes);
    const stats = attribute(bytes, IFLA_STATS64);
    t.strictSame(link.stats64, stats && decodeStats64(stats, 0, stats.length), `${captured.name}: stats64`);
    t.strictSame(link.afSpec, attribute(bytes, IFLA_AF_SPEC), `${captured.name}: afSpec`);
    for (const raw of link.unknown) {
      t.ok(bytes.includes(raw.data), `${captured.name}: unknown attribute ${raw.type} is bytes of the message`);
    }
  }
});

t.test('lazy fields are own enumerable properties, read or not', async (t) => {
  for (const captured of links) {
    const bytes = Buffer.from(captured.hex, 'hex');
    const unread = decodeLink(bytes);
    const read = decodeLink(bytes);
    const keys = Object.keys(unread);
    t.ok(keys.includes('unknown'), `${captured.name}: unknown listed`);
    if (attribute(bytes, IFLA_STATS64)) t.ok(keys.includes('stats64'), `${captured.name}: stats64 listed`);
    void read.unknown, read.stats64, read.afSpec;
    t.strictSame(Object.keys(read), keys, `${captured.name}: same keys in the same order once read`);
    t.equal(JSON.stringify(decodeLink(bytes)), JSON.stringify(read), `${captured.name}: same JSON`);
    t.strictSame(unread, read, `${captured.name}: an unread link equals a read one`);
    t.strictSame({ ...decodeLink(bytes) }, { ...read }, `${captured.name}: spread copies the values`);
  }
});

t.test('a lazy field reads as one value and takes writes', async (t) => {
  const bytes = Buffer.from(links.find((l) => attribute(Buffer.from(l.hex, 'hex'), IFLA_STATS64))!.hex, 'hex');
  const link = decodeLink(bytes);
  const unknown = link.unknown;
  t.equal(link.unknown, unknown, 'the same array on every read');
  unknown.push({ type: 999, nested: false, data: Buffer.alloc(1) });
  t.equal(link.unknown.length, unknown.length, 'changes to it stick');
  t.same(Object.getOwnPropertyDescriptor(link, 'unknown'), { value: unknown, writable: true, enumerable: true, configurable: true });
  link.stats64 = undefined;
  t.equal(link.stats64, undefined, 'a write before any read replaces the value');
  const other = decodeLink(bytes);
  other.afSpec = Buffer.from('x');
  t.strictSame(other.afSpec, Buffer.from('x'));
  t.strictSame(Object.keys(other), Object.keys(decodeLink(bytes)), 'a write keeps the key order');
});

t.test('a frozen link still reads its lazy fields', async (t) => {
  const bytes = Buffer.from(links[0]!.hex, 'hex');
  const link = Object.freeze(decodeLink(bytes));
  t.strictSame(link.unknown, decodeLink(bytes).unknown);
  t.strictSame(JSON.parse(JSON.stringify(link)), JSON.parse(JSON.stringify(decodeLink(bytes))));
});
