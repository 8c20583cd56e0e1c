// rtnetlink decoders against messages that do not fit: each is refused with
// MalformedMessageError naming the family, message type, attribute and byte
// offset, instead of a RangeError or values read from the bytes that follow.
// Legacy dump requests that carry only struct rtgenmsg decode.
import t from 'tap';
import {
  IFLA_EXT_MASK, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU, IFLA_STATS64, IFLA_VXLAN_ID,
  IFLA_VXLAN_PORT, IFLA_VXLAN_PORT_RANGE,
} from '../../src/generated/if_link.js';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { NDA_CACHEINFO } from '../../src/generated/neighbour.js';
import { FRA_SPORT_RANGE } from '../../src/generated/fib_rules.js';
import {
  RTA_MULTIPATH, RTM_GETADDR, RTM_GETLINK, RTM_GETNEIGH, RTM_GETROUTE, RTM_GETRULE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH,
  RTM_NEWNSID, RTM_NEWROUTE, RTM_NEWRULE,
} from '../../src/generated/rtnetlink.js';
import { VETH_INFO_PEER } from '../../src/generated/veth.js';
import { describeMessage, describeMessageStrict } from '../../src/netlink/debug.js';
import { MalformedMessageError, parseMessages, type Message } from '../../src/netlink/message.js';
import { MessageWriter } from '../../src/netlink/writer.js';
import { decodeAddress } from '../../src/route/addresses/message.js';
import '../../src/route/addresses/describe.js';
import { decodeLink } from '../../src/route/links/message.js';
import { decodeNeighbour } from '../../src/route/neighbours/message.js';
import '../../src/route/neighbours/describe.js';
import { decodeNetnsId } from '../../src/route/nsid/message.js';
import '../../src/route/nsid/describe.js';
import { decodeRoute } from '../../src/route/routes/message.js';
import '../../src/route/routes/describe.js';
import { decodeRule } from '../../src/route/rules/message.js';
import '../../src/route/rules/describe.js';

/** One message of `type`, its payload written by `body`; `then` bytes follow it in the buffer. */
function build(type: number, body: (w: MessageWriter) => void, then: number[] = []): { buf: Buffer; m: Message } {
  const w = new MessageWriter();
  const start = w.beginMessage(type, 0, 1);
  body(w);
  w.endMessage(start);
  const buf = Buffer.concat([Buffer.from(w.bytes()), Buffer.from(then)]);
  return { buf, m: parseMessages(buf, w.offset)[0]! };
}

/** A message whose payload is `payload` bytes, nlmsg_len saying so, followed by `then`. */
function short(type: number, payload: number[], then: number[] = []): Message {
  const buf = Buffer.from([...Array(16).fill(0), ...payload, ...then]);
  buf.writeUInt32LE(16 + payload.length, 0);
  buf.writeUInt16LE(type, 4);
  return parseMessages(buf, 16 + payload.length)[0]!;
}

const AFTER = [0x0c, 0, 1, 0, 0xde, 0xad, 0xbe, 0xef, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];

t.test('a fixed header that does not fit is refused, at the end of a buffer or with bytes after it', async (t) => {
  const cases: [string, number, string, (m: Message) => unknown, number[]][] = [
    ['ifaddrmsg', RTM_NEWADDR, 'RTM_NEWADDR', decodeAddress, [2, 24, 0, 0]],
    ['rtmsg', RTM_NEWROUTE, 'RTM_NEWROUTE', decodeRoute, [2, 24, 0, 0, 254, 4, 0, 1]],
    ['ndmsg', RTM_NEWNEIGH, 'RTM_NEWNEIGH', decodeNeighbour, [2, 0, 0, 0, 3, 0, 0, 0]],
    ['fib_rule_hdr', RTM_NEWRULE, 'RTM_NEWRULE', decodeRule, [2, 0, 0, 0, 254, 0, 0, 1]],
    ['ifinfomsg', RTM_NEWLINK, 'RTM_NEWLINK', decodeLink, [0, 0, 1, 0, 5, 0, 0, 0]],
    ['rtgenmsg', RTM_NEWNSID, 'RTM_NEWNSID', decodeNetnsId, []],
  ];
  for (const [header, type, name, decode, payload] of cases) {
    const expected = { name: 'MalformedMessageError', family: 'rtnetlink', messageType: name, attribute: header, offset: 16 };
    t.throws(() => decode(short(type, payload)), expected, `${header} at the end of the buffer`);
    t.throws(() => decode(short(type, payload, AFTER)), expected, `${header} with another message after it`);
    t.match(describeMessage(NETLINK_ROUTE, short(type, payload, AFTER)), new RegExp(`\\(malformed: malformed rtnetlink ${name} message: ${header} needs`), `${header}: DEBUG output says why`);
  }
});

t.test('an empty IFLA_VXLAN_PORT_RANGE is refused at the end of a message and in the middle', async (t) => {
  const vxlan = (after: (w: MessageWriter) => void) => {
    let at = 0;
    const { m } = build(RTM_NEWLINK, (w) => {
      w.reserve(16);
      w.string(IFLA_IFNAME, 'vx0');
      const info = w.beginNested(IFLA_LINKINFO);
      w.string(IFLA_INFO_KIND, 'vxlan');
      const data = w.beginNested(IFLA_INFO_DATA);
      w.u32(IFLA_VXLAN_ID, 42);
      at = w.offset;
      w.binary(IFLA_VXLAN_PORT_RANGE, Buffer.alloc(0));
      after(w);
      w.endNested(data);
      w.endNested(info);
    });
    return { m, at };
  };
  const expected = (at: number) => ({
    name: 'MalformedMessageError', family: 'rtnetlink', messageType: 'RTM_NEWLINK',
    attribute: 'IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_PORT_RANGE', offset: at,
    detail: 'attribute type 10 has 0 bytes, expected at least 4',
  });
  const end = vxlan(() => {});
  t.throws(() => decodeLink(end.m), expected(end.at), 'at the end of the message');
  const middle = vxlan((w) => w.be16(IFLA_VXLAN_PORT, 4789));
  t.throws(() => decodeLink(middle.m), expected(middle.at), 'followed by IFLA_VXLAN_PORT, whose header it used to read');
  const whole = Buffer.from(middle.m.buf.subarray(0, middle.m.end));
  t.throws(() => decodeLink(whole), expected(middle.at), 'offsets count from the start of the buffer given');
});

t.test('attributes that do not fit their container, and fixed-size attributes that are short', async (t) => {
  let at = 0;
  const { m: overrun } = build(RTM_NEWLINK, (w) => {
    w.reserve(16);
    w.u32(IFLA_MTU, 1500);
    at = w.offset;
    w.string(IFLA_IFNAME, 'eth0');
  });
  overrun.buf.writeUInt16LE(200, at);
  t.throws(() => decodeLink(overrun), { name: 'MalformedMessageError', attribute: 'IFLA_IFNAME', offset: at, detail: /claims 200 bytes, its container has 12 left/ });
  overrun.buf.writeUInt16LE(2, at);
  t.throws(() => decodeLink(overrun), { name: 'MalformedMessageError', attribute: 'IFLA_IFNAME', offset: at, detail: /length 2 is shorter than its 4-byte header/ });

  const { m: stats } = build(RTM_NEWLINK, (w) => {
    w.reserve(16);
    at = w.offset;
    w.binary(IFLA_STATS64, Buffer.alloc(64));
  });
  t.throws(() => decodeLink(stats), { name: 'MalformedMessageError', attribute: 'IFLA_STATS64', offset: at }, 'IFLA_STATS64 shorter than struct rtnl_link_stats64');

  const { m: peer } = build(RTM_NEWLINK, (w) => {
    w.reserve(16);
    const info = w.beginNested(IFLA_LINKINFO);
    w.string(IFLA_INFO_KIND, 'veth');
    const data = w.beginNested(IFLA_INFO_DATA);
    at = w.offset;
    w.binary(VETH_INFO_PEER, Buffer.alloc(8));
    w.endNested(data);
    w.endNested(info);
  });
  t.throws(() => decodeLink(peer), { name: 'MalformedMessageError', attribute: 'IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER', offset: at }, 'a veth peer without its ifinfomsg');

  const { m: neighbour } = build(RTM_NEWNEIGH, (w) => {
    w.reserve(12);
    at = w.offset;
    w.binary(NDA_CACHEINFO, Buffer.alloc(8));
  });
  t.throws(() => decodeNeighbour(neighbour), { name: 'MalformedMessageError', messageType: 'RTM_NEWNEIGH', attribute: 'NDA_CACHEINFO', offset: at }, 'a short NDA_CACHEINFO');

  const { m: rule } = build(RTM_NEWRULE, (w) => {
    w.reserve(12);
    at = w.offset;
    w.binary(FRA_SPORT_RANGE, Buffer.alloc(2));
  });
  t.throws(() => decodeRule(rule), { name: 'MalformedMessageError', messageType: 'RTM_NEWRULE', attribute: 'FRA_SPORT_RANGE', offset: at }, 'a short FRA_SPORT_RANGE');

  const { m: multipath } = build(RTM_NEWROUTE, (w) => {
    w.buf[w.reserve(12)] = 2;
    const nest = w.beginNestedLegacy(RTA_MULTIPATH);
    at = w.reserve(8);
    w.buf.writeUInt16LE(40, at);
    w.endNested(nest);
  });
  t.throws(() => decodeRoute(multipath), { name: 'MalformedMessageError', messageType: 'RTM_NEWROUTE', attribute: 'RTA_MULTIPATH', offset: at, detail: /rtnexthop claims 40 bytes/ });
});

t.test('legacy dump requests with only struct rtgenmsg decode', async (t) => {
  // iproute2 and older tools send RTM_GET* dumps as the family byte alone (nlmsg_len 17), or padded to 4 bytes.
  const link = decodeLink(short(RTM_GETLINK, [17]));
  t.match(link, { family: 17, index: 0, flags: 0, change: 0, unknown: [] }, 'RTM_GETLINK: an ifinfomsg with only the family');
  const withMask = build(RTM_GETLINK, (w) => {
    w.buf[w.reserve(1)] = 0;
    w.u32(IFLA_EXT_MASK, 1);
  });
  t.equal(decodeLink(withMask.m).extMask, 1, 'attributes after the 4-aligned family byte decode too');
  t.match(decodeAddress(short(RTM_GETADDR, [2])), { family: 4, index: 0, prefixLength: 0, address: '' });
  t.equal(decodeAddress(short(RTM_GETADDR, [0, 0, 0, 0])), undefined, 'AF_UNSPEC, as for a full ifaddrmsg');
  t.match(decodeRoute(short(RTM_GETROUTE, [10])), { family: 6, table: 0, type: 0 });
  t.match(decodeNeighbour(short(RTM_GETNEIGH, [2, 0, 0, 0])), { family: 4, addressFamily: 2, ifindex: 0, state: 0 });
  t.match(decodeRule(short(RTM_GETRULE, [10])), { family: 6, addressFamily: 10, table: 0, action: 0 });

  t.match(describeMessageStrict(NETLINK_ROUTE, short(RTM_GETLINK, [17])), /^RTM_GETLINK family=17 \(rtgenmsg\) seq=/);
  t.match(describeMessageStrict(NETLINK_ROUTE, short(RTM_GETADDR, [2])), /^RTM_GETADDR inet \(rtgenmsg\) seq=/);
  t.match(describeMessageStrict(NETLINK_ROUTE, short(RTM_GETROUTE, [10, 0, 0, 0])), /^RTM_GETROUTE inet6 \(rtgenmsg\) seq=/);
  t.match(describeMessageStrict(NETLINK_ROUTE, short(RTM_GETNEIGH, [2])), /^RTM_GETNEIGH inet \(rtgenmsg\) seq=/);
  t.match(describeMessageStrict(NETLINK_ROUTE, short(RTM_GETRULE, [2])), /^RTM_GETRULE inet \(rtgenmsg\) seq=/);

  // Only requests take that form: a reply with a short header is malformed, and so is an empty request.
  t.throws(() => decodeLink(short(RTM_NEWLINK, [17])), { name: 'MalformedMessageError', attribute: 'ifinfomsg' });
  t.throws(() => decodeAddress(short(RTM_GETADDR, [])), { name: 'MalformedMessageError', attribute: 'ifaddrmsg', offset: 16 });
  const badAttribute = build(RTM_GETLINK, (w) => {
    w.buf[w.reserve(1)] = 0;
    w.u32(IFLA_EXT_MASK, 1);
  });
  badAttribute.m.buf.writeUInt16LE(99, 20);
  t.throws(() => decodeLink(badAttribute.m), { name: 'MalformedMessageError', attribute: 'IFLA_EXT_MASK', offset: 20 }, 'offsets in a legacy request are those of the original buffer');
});
