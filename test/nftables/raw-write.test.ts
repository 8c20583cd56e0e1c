// Issue 11 (no root): exthdr and osf are written back as listed, except the attributes
// the kernel dumps but refuses on NFT_MSG_NEWRULE (exthdr writes and strips, osf flags 0).
import t from 'tap';
import { MessageWriter } from '../../src/netlink/index.js';
import { AttributeCursor } from '../../src/netlink/attributes.js';
import { decodeExpression, encodeExpression } from '../../src/nftables/expressions/index.js';
import type { Expression } from '../../src/nftables/expressions/index.js';

function element(name: string, body: (w: MessageWriter) => void): Buffer {
  const w = new MessageWriter();
  const elem = w.beginNested(1);
  w.string(1, name);
  const data = w.beginNested(2);
  body(w);
  w.endNested(data);
  w.endNested(elem);
  return Buffer.from(w.bytes());
}

function decodeOne(bytes: Buffer): Expression {
  const c = new AttributeCursor(bytes, 0, bytes.length);
  c.next();
  return decodeExpression(c.nestedCursor());
}

function encodeOne(e: Expression): Buffer {
  const w = new MessageWriter();
  encodeExpression(w, e);
  return Buffer.from(w.bytes());
}

// NFTA_EXTHDR_*: DREG 1, TYPE 2, OFFSET 3, LEN 4, FLAGS 5, OP 6, SREG 7; NFT_EXTHDR_OP_TCPOPT 1.
t.test('exthdr write (tcp option maxseg size set): FLAGS is left out, the rest kept in order', async (t) => {
  const listed = element('exthdr', (w) => w.be32(7, 1).u8(2, 2).be32(3, 2).be32(4, 2).be32(5, 0).be32(6, 1));
  const sent = element('exthdr', (w) => w.be32(7, 1).u8(2, 2).be32(3, 2).be32(4, 2).be32(6, 1));
  const e = decodeOne(listed);
  t.match(e, { kind: 'exthdr', sreg: 1, flags: 0, op: 'tcpopt' });
  t.equal(encodeOne(e).toString('hex'), sent.toString('hex'));
});

t.test('exthdr strip (reset tcp option): FLAGS, OFFSET and LEN are left out', async (t) => {
  const listed = element('exthdr', (w) => w.u8(2, 4).be32(3, 0).be32(4, 0).be32(5, 0).be32(6, 1));
  const sent = element('exthdr', (w) => w.u8(2, 4).be32(6, 1));
  t.equal(encodeOne(decodeOne(listed)).toString('hex'), sent.toString('hex'));
});

t.test('exthdr reads (tcp option, ipv6, ipv4) and a non-tcp exthdr without DREG are sent verbatim', async (t) => {
  for (const listed of [
    element('exthdr', (w) => w.be32(1, 1).u8(2, 4).be32(3, 0).be32(4, 1).be32(5, 1).be32(6, 1)),
    element('exthdr', (w) => w.be32(1, 1).u8(2, 44).be32(3, 0).be32(4, 1).be32(5, 1).be32(6, 0)),
    element('exthdr', (w) => w.be32(1, 1).u8(2, 7).be32(3, 0).be32(4, 1).be32(5, 1).be32(6, 2)),
    element('exthdr', (w) => w.u8(2, 7).be32(3, 0).be32(4, 1).be32(5, 1).be32(6, 2)),
  ]) {
    t.equal(encodeOne(decodeOne(listed)).toString('hex'), listed.toString('hex'));
  }
});

// NFTA_OSF_*: DREG 1, TTL 2, FLAGS 3; NFT_OSF_F_VERSION 1.
t.test('osf: flags 0 is left out, flags 1 (version) kept', async (t) => {
  // In the order nft_osf_dump lists them: TTL, FLAGS, DREG.
  const listed = element('osf', (w) => w.u8(2, 2).be32(3, 0).be32(1, 1));
  const sent = element('osf', (w) => w.u8(2, 2).be32(1, 1));
  t.equal(encodeOne(decodeOne(listed)).toString('hex'), sent.toString('hex'));
  const version = element('osf', (w) => w.u8(2, 1).be32(3, 1).be32(1, 1));
  t.equal(encodeOne(decodeOne(version)).toString('hex'), version.toString('hex'));
});

t.test('other raw kinds and malformed payloads are sent verbatim', async (t) => {
  const numgen = element('numgen', (w) => w.be32(1, 1).be32(2, 2).be32(3, 0).be32(4, 0));
  t.equal(encodeOne(decodeOne(numgen)).toString('hex'), numgen.toString('hex'));
  const junk = Buffer.from('0c00050000000000', 'hex'); // an attribute longer than the payload
  t.equal(encodeOne({ kind: 'unknown', name: 'exthdr', data: junk }).subarray(-junk.length).toString('hex'), junk.toString('hex'));
});
