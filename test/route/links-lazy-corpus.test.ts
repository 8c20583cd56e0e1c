// Property test over every link message in fixtures/: the fields a decoded
// link builds on first read (`unknown`, `stats64`, `afSpec`) hold what an
// eager walk of the same bytes gives, and a link reads, lists, copies,
// serializes and compares the same whether they were read or not. Malformed
// blocks are typed errors naming the attribute.
import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import { AttributeCursor } from '../../src/netlink/attributes.js';
import { MalformedMessageError } from '../../src/netlink/message.js';
import { MessageWriter } from '../../src/netlink/writer.js';
import { IFLA_AF_SPEC, IFLA_IFNAME, IFLA_INET6_ADDR_GEN_MODE, IFLA_STATS64 } from '../../src/generated/if_link.js';
import { RTM_NEWLINK } from '../../src/generated/rtnetlink.js';
import { decodeLink, decodeStats64, encodeLinkRequest, linkToIpJson, type Link } from '../../src/route/links/index.js';
import { linkMessageCorpus } from '../helpers/link-corpus.js';

const NLMSG_HDRLEN = 16;
const IFINFOMSG_END = NLMSG_HDRLEN + 16;
const AF_INET6 = 10;

/** Top-level attributes of a whole message, in order: type and a copy of the payload. */
function attributes(bytes: Buffer): { type: number; data: Buffer }[] {
  const out: { type: number; data: Buffer }[] = [];
  const c = new AttributeCursor(bytes, IFINFOMSG_END, bytes.readUInt32LE(0));
  while (c.next()) out.push({ type: c.type, data: Buffer.from(c.view()) });
  return out;
}

/** Reads every field built on first read, so the link holds them as plain data. */
function materialize(link: Link): Link {
  void link.unknown, link.stats64, link.afSpec;
  return link;
}

const messages = linkMessageCorpus();

t.test('the corpus is there', async (t) => {
  t.ok(messages.length >= 30, `${messages.length} link messages`);
  t.ok(messages.some((m) => attributes(m.bytes).some((a) => a.type === IFLA_STATS64)), 'some carry IFLA_STATS64');
  t.ok(messages.some((m) => !attributes(m.bytes).some((a) => a.type === IFLA_STATS64)), 'some do not (requests)');
});

t.test('lazy fields equal an eager decode of the same bytes', async (t) => {
  for (const { name, bytes } of messages) {
    const link = decodeLink(bytes);
    const all = attributes(bytes);
    const stats = all.filter((a) => a.type === IFLA_STATS64).at(-1);
    const afSpec = all.filter((a) => a.type === IFLA_AF_SPEC).at(-1);
    t.strictSame(link.stats64, stats && decodeStats64(stats.data, 0, stats.data.length), `${name}: stats64`);
    t.strictSame(link.afSpec, afSpec?.data, `${name}: afSpec`);
    // Every raw attribute is one of the message's, in message order (linkinfo members where IFLA_LINKINFO stands).
    let from = NLMSG_HDRLEN;
    for (const raw of link.unknown) {
      const at = bytes.indexOf(raw.data, from);
      t.ok(at >= from, `${name}: unknown ${raw.type} is the message's bytes, in order`);
      if (raw.data.length > 0) from = at + raw.data.length;
    }
    t.notOk(link.unknown.some((a) => a.type === IFLA_IFNAME || a.type === IFLA_STATS64), `${name}: decoded attributes are not raw`);
  }
});

t.test('an unread link and a read one are the same value', async (t) => {
  for (const { name, bytes } of messages) {
    const unread = decodeLink(bytes);
    const read = materialize(decodeLink(bytes));
    t.strictSame(Object.keys(unread), Object.keys(read), `${name}: same keys, same order`);
    t.equal(JSON.stringify(unread), JSON.stringify(read), `${name}: same JSON`);
    t.ok(isDeepStrictEqual(decodeLink(bytes), read), `${name}: node's deep strict equality`);
    t.ok(isDeepStrictEqual({ ...decodeLink(bytes) }, { ...read }), `${name}: spread copies every field`);
    t.ok(isDeepStrictEqual(structuredClone(decodeLink(bytes)), structuredClone(read)), `${name}: structuredClone (postMessage) carries every field`);
    t.strictSame(linkToIpJson(decodeLink(bytes)), linkToIpJson(read), `${name}: same ip -j conversion`);
    t.equal(Object.getPrototypeOf(unread), Object.prototype, `${name}: a plain object`);
  }
});

t.test('lazy fields outlive the bytes they were decoded from', async (t) => {
  for (const { name, bytes } of messages) {
    const scratch = Buffer.from(bytes);
    const link = decodeLink(scratch);
    const expected = materialize(decodeLink(bytes));
    scratch.fill(0xa5);
    t.ok(isDeepStrictEqual(materialize(link), expected), `${name}: unaffected by a reused buffer`);
  }
});

/** A whole RTM_NEWLINK for ifindex 7 with the attributes `write` adds. */
function message(write: (w: MessageWriter) => void): Buffer {
  const w = new MessageWriter();
  const start = w.beginMessage(RTM_NEWLINK, 0, 1);
  encodeLinkRequest(w, { index: 7, name: 'x0' });
  write(w);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/** IFLA_AF_SPEC holding AF_INET6 { IFLA_INET6_ADDR_GEN_MODE 1 }; returns where the AF_INET6 member starts. */
function writeAfSpec(w: MessageWriter): number {
  const spec = w.beginNested(IFLA_AF_SPEC);
  const inet6 = w.beginNested(AF_INET6);
  w.u8(IFLA_INET6_ADDR_GEN_MODE, 1);
  w.endNested(inet6);
  w.endNested(spec);
  return inet6;
}

t.test('malformed blocks are typed errors naming the attribute', async (t) => {
  const shortStats = message((w) => w.binary(IFLA_STATS64, Buffer.alloc(23 * 8 - 8)));
  t.throws(() => decodeLink(shortStats), { name: 'MalformedMessageError', attribute: 'IFLA_STATS64' }, 'IFLA_STATS64 shorter than the struct');
  // IFLA_AF_SPEC whose AF_INET6 member claims more bytes than it holds.
  const badInet6 = message((w) => w.buf.writeUInt16LE(200, writeAfSpec(w)));
  const error = t.throws(() => decodeLink(badInet6)) as MalformedMessageError;
  t.type(error, MalformedMessageError);
  t.match(error.attribute, /^IFLA_AF_SPEC/, `names the block: ${error.attribute}`);
  // A well-formed block decodes, and its view reads as the bytes sent.
  const good = message(writeAfSpec);
  const link = decodeLink(good);
  t.equal(link.inet6AddrGenMode, 1);
  t.strictSame(link.afSpec, attributes(good).find((a) => a.type === IFLA_AF_SPEC)!.data);
  // Truncating any corpus message never gives anything but a Link or a MalformedMessageError, read or not.
  for (const { name, bytes } of messages.slice(0, 12)) {
    for (let cut = IFINFOMSG_END; cut < bytes.length; cut += 37) {
      const truncated = Buffer.from(bytes.subarray(0, cut));
      truncated.writeUInt32LE(cut, 0);
      try {
        JSON.stringify(materialize(decodeLink(truncated)));
      } catch (e) {
        if (!(e instanceof MalformedMessageError)) t.fail(`${name} cut at ${cut}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  }
});
