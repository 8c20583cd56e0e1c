// Framing, control messages and the attribute cursor against bytes that do
// not fit: MalformedMessageError with family, message type, attribute and
// offset, never Node's range errors or values read from the next bytes.
import t from 'tap';
import { NETLINK_NETFILTER, NETLINK_ROUTE, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_MULTI, NLMSG_DONE, NLMSG_ERROR, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS } from '../../src/generated/netlink.js';
import { NFTA_DATA_VERDICT, NFTA_IMMEDIATE_DATA, NFTA_VERDICT_CODE, NFT_MSG_NEWRULE, NFT_MSG_NEWTABLE } from '../../src/generated/nf_tables.js';
import { AttributeCursor } from '../../src/netlink/attributes.js';
import { describeMessage, describeMessageStrict } from '../../src/netlink/debug.js';
import { errorCode, parseExtendedAck } from '../../src/netlink/errors.js';
import { doneErrorCode, MalformedMessageError, parseMessages, type Message } from '../../src/netlink/message.js';
import { MessageWriter } from '../../src/netlink/writer.js';
import { immediateCodec } from '../../src/nftables/expressions/immediate.js';
import { decodeTable } from '../../src/nftables/objects/table.js';
import '../../src/nftables/protocol/describe.js';
import { nftMessageType } from '../../src/nftables/protocol/nfgenmsg.js';

function message(type: number, flags: number, body: (w: MessageWriter) => void): { buf: Buffer; m: Message } {
  const w = new MessageWriter();
  const start = w.beginMessage(type, flags, 9, 0);
  body(w);
  w.endMessage(start);
  const buf = Buffer.from(w.bytes());
  return { buf, m: parseMessages(buf, buf.length)[0]! };
}

function withPayload(type: number, payload: number[], flags = 0, then: number[] = []): Message {
  const buf = Buffer.from([...Array(16).fill(0), ...payload, ...then]);
  buf.writeUInt32LE(16 + payload.length, 0);
  buf.writeUInt16LE(type, 4);
  buf.writeUInt16LE(flags, 6);
  return { type, flags, seq: 0, pid: 0, buf, offset: 16, end: 16 + payload.length };
}

t.test('parseMessages: nothing is no messages; a partial header or trailing bytes are malformed', async (t) => {
  t.same(parseMessages(Buffer.alloc(0), 0), []);
  t.throws(() => parseMessages(Buffer.from([16, 0, 0, 0]), 4), { name: 'MalformedMessageError', family: 'netlink', attribute: 'nlmsghdr', offset: 0 }, 'a 4-byte buffer');
  const one = message(NLMSG_DONE, NLM_F_MULTI, (w) => w.reserve(4)).buf;
  t.equal(parseMessages(one, one.length).length, 1);
  const trailing = Buffer.concat([one, Buffer.from([1, 2, 3, 4, 5])]);
  t.throws(() => parseMessages(trailing, trailing.length), { name: 'MalformedMessageError', offset: one.length, detail: /5 bytes after the last message/ }, 'trailing garbage');
  const padded = Buffer.concat([one.subarray(0, 17), Buffer.from([0, 0, 0])]);
  padded.writeUInt32LE(17, 0);
  t.equal(parseMessages(padded, padded.length).length, 1, 'the padding of an unaligned last message is not garbage');
  t.equal(parseMessages(padded, 17).length, 1, 'and may be left out');
  const overrun = Buffer.from(one);
  overrun.writeUInt32LE(400, 0);
  t.throws(() => parseMessages(overrun, overrun.length), { name: 'MalformedMessageError', messageType: NLMSG_DONE, offset: 0 });
});

t.test('NLMSG_DONE exposes the error a failed dump ends with', async (t) => {
  const failed = message(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, (w) => {
    w.buf.writeInt32LE(-4, w.reserve(4));
    w.string(NLMSGERR_ATTR_MSG, 'interrupted');
  }).m;
  t.equal(doneErrorCode(failed), 4);
  t.same(parseExtendedAck(failed), { message: 'interrupted' }, 'its extended ack follows the error int directly');
  t.equal(doneErrorCode(message(NLMSG_DONE, NLM_F_MULTI, (w) => w.reserve(4)).m), 0, 'no error');
  t.equal(doneErrorCode(withPayload(NLMSG_DONE, [])), 0, 'no payload');
  t.throws(() => doneErrorCode(withPayload(NLMSG_DONE, [0xfc, 0xff], 0, [0xff, 0xff])), {
    name: 'MalformedMessageError', family: 'netlink', messageType: 'NLMSG_DONE', offset: 16,
  }, 'a payload of 2 bytes does not borrow the next two');
  t.match(describeMessageStrict(NETLINK_ROUTE, failed), /^DONE errno=4 /);
});

t.test('NLMSG_ERROR: a short error, a positive error and a returned request that overruns are malformed', async (t) => {
  t.throws(() => errorCode(withPayload(NLMSG_ERROR, [0xfe, 0xff], 0, [0xff, 0xff])), { name: 'MalformedMessageError', messageType: 'NLMSG_ERROR', attribute: 'nlmsgerr', offset: 16 });
  t.throws(() => errorCode(withPayload(NLMSG_ERROR, [])), { name: 'MalformedMessageError', attribute: 'nlmsgerr' }, 'an empty NLMSG_ERROR');
  t.throws(() => errorCode(withPayload(NLMSG_ERROR, [5, 0, 0, 0])), { name: 'MalformedMessageError', detail: /error is 5/ });
  t.equal(errorCode(withPayload(NLMSG_ERROR, [0xef, 0xff, 0xff, 0xff])), 17);
  t.match(describeMessage(NETLINK_ROUTE, withPayload(NLMSG_ERROR, [0xef, 0xff])), /\(malformed: .*nlmsgerr needs 4 bytes/, 'DEBUG output does not throw');

  const request = message(20, 5, (w) => w.reserve(8)).buf;
  const error = (capped: boolean, echoedLength = request.length) => message(NLMSG_ERROR, NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0), (w) => {
    w.buf.writeInt32LE(-22, w.reserve(4));
    const at = w.reserve(capped ? 16 : request.length);
    request.copy(w.buf, at, 0, capped ? 16 : request.length);
    w.buf.writeUInt32LE(echoedLength, at);
    w.string(NLMSGERR_ATTR_MSG, 'bad');
    w.u32(NLMSGERR_ATTR_OFFS, 20);
  }).m;
  t.same(parseExtendedAck(error(false)), { message: 'bad', offset: 20 });
  t.same(parseExtendedAck(error(true)), { message: 'bad', offset: 20 });
  t.throws(() => parseExtendedAck(error(false, 4000)), { name: 'MalformedMessageError', messageType: 'NLMSG_ERROR', attribute: 'nlmsgerr', offset: 20 }, 'the echoed request claims more than follows');
  t.throws(() => parseExtendedAck(error(false, 3)), { name: 'MalformedMessageError', attribute: 'nlmsgerr', offset: 20 }, 'the echoed request is shorter than a header');
  const overrun = error(true);
  overrun.buf.writeUInt16LE(100, 36);
  t.throws(() => parseExtendedAck(overrun), { name: 'MalformedMessageError', attribute: 'NLMSGERR_ATTR_MSG', offset: 36 }, 'an extack attribute that overruns the message');
});

t.test('the attribute cursor: overruns and short headers throw, padding does not', async (t) => {
  const w = new MessageWriter();
  w.u32(1, 7).u32(2, 8);
  const bytes = Buffer.from(w.bytes());
  bytes.writeUInt16LE(12, 8);
  const overrun = new AttributeCursor(bytes, 0, bytes.length);
  t.ok(overrun.next());
  t.throws(() => overrun.next(), { name: 'MalformedMessageError', attribute: 'attribute 2', offset: 8, detail: 'attribute claims 12 bytes, its container has 8 left' });
  bytes.writeUInt16LE(3, 8);
  const tiny = new AttributeCursor(bytes, 0, bytes.length);
  t.ok(tiny.next());
  t.throws(() => tiny.next(), { name: 'MalformedMessageError', detail: 'attribute length 3 is shorter than its 4-byte header' });
  for (const padding of [1, 2, 3]) {
    const c = new AttributeCursor(Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(padding, 0xff)]), 0, 8 + padding);
    t.ok(c.next());
    t.notOk(c.next(), `${padding} trailing bytes are alignment padding`);
  }
  const nested = new MessageWriter();
  const outer = nested.beginNested(5);
  nested.u16(6, 1);
  nested.endNested(outer);
  const n = new AttributeCursor(nested.buf, 0, nested.offset, { family: 'test', messageType: 'T', offsetBias: 100, attributeName: (path) => path.join('>') });
  t.ok(n.next());
  const inner = n.nestedCursor();
  t.ok(inner.next());
  t.throws(() => inner.u32(), { name: 'MalformedMessageError', family: 'test', messageType: 'T', attribute: '5>6', offset: 104 }, 'the context names the path and maps the offset');
});

t.test('nftables: a missing nfgenmsg and a short verdict code are malformed', async (t) => {
  const table = withPayload(nftMessageType(NFT_MSG_NEWTABLE), [1, 0], 0, [0, 0, 0, 0]);
  t.throws(() => decodeTable(table), { name: 'MalformedMessageError', family: 'nftables', messageType: 'NFT_MSG_NEWTABLE', attribute: 'nfgenmsg', offset: 16 });
  t.match(describeMessage(NETLINK_NETFILTER, table), /^NEWTABLE /, 'DEBUG output names what it can');

  const w = new MessageWriter();
  const data = w.beginNested(NFTA_IMMEDIATE_DATA);
  const verdict = w.beginNested(NFTA_DATA_VERDICT);
  const at = w.offset;
  w.u16(NFTA_VERDICT_CODE, 0);
  w.endNested(verdict);
  w.endNested(data);
  const c = new AttributeCursor(w.buf, 0, w.offset, { family: 'nftables', messageType: 'NFT_MSG_NEWRULE' });
  t.throws(() => immediateCodec.decode(c), { name: 'MalformedMessageError', family: 'nftables', offset: at, attribute: `attribute ${NFTA_IMMEDIATE_DATA}/${NFTA_DATA_VERDICT}/${NFTA_VERDICT_CODE}` });
  t.equal(nftMessageType(NFT_MSG_NEWRULE) >> 8, 10);
});
