// Compares the request nlkit encodes for a link spec with the one `ip` sent
// for the same command (captured by a fixtures/capture-*-requests.ts script),
// attribute for attribute: members in type order (the kernel does not care
// about order), NLA_F_NESTED ignored, strings without their NUL.
import type { Test } from 'tap';
import { RTM_NEWLINK } from '../../../src/generated/rtnetlink.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../../../src/netlink/message.js';
import { MessageWriter } from '../../../src/netlink/writer.js';
import { encodeLinkRequest, linkKind, type LinkRequest, type LinkSpec } from '../../../src/route/links/index.js';

/** One captured request of a fixture: the command, the kernel's refusal, the whole message as hex, eth0's ifindex. */
export interface Capture {
  name: string;
  command: string;
  refused: string | null;
  eth0: number;
  request: string;
}

const NLA_TYPE_MASK = 0x3fff;
const NLMSG_HDRLEN = 16;
const IFINFOMSG_LEN = 16;
/** String attributes: ip sends IFLA_INFO_KIND without its NUL, nlkit with it; the kernel reads both the same. */
const STRINGS = new Set(['3', '18/1']);

type Tree = { type: number; value?: string; members?: Tree }[];

/** An attribute list as a tree; `nested` names the nests by path of types from the top level. */
function tree(buf: Buffer, start: number, end: number, nested: ReadonlySet<string>, path: string[] = []): Tree {
  const out: Tree = [];
  for (let at = start; at + 4 <= end; ) {
    const len = buf.readUInt16LE(at);
    const type = buf.readUInt16LE(at + 2) & NLA_TYPE_MASK;
    const key = [...path, String(type)].join('/');
    if (nested.has(key)) out.push({ type, members: tree(buf, at + 4, at + len, nested, [...path, String(type)]) });
    else {
      let value = buf.subarray(at + 4, at + len);
      if (STRINGS.has(key)) value = value.subarray(0, value.indexOf(0) < 0 ? value.length : value.indexOf(0));
      out.push({ type, value: value.toString('hex') });
    }
    at += (len + 3) & ~3;
  }
  return out.sort((a, b) => a.type - b.type);
}

/** The RTM_NEWLINK nlkit's `add` sends for a spec, with link names resolved to `eth0`'s index as in the capture. */
export function addRequest(spec: LinkSpec, eth0: number): Buffer {
  const kind = linkKind(spec.type)!;
  kind.validate(spec);
  const { name, mtu } = spec;
  const request: LinkRequest = { name, mtu, create: { kind, spec, ctx: { linkIndex: () => eth0, netnsFd: () => -1 } } };
  const w = new MessageWriter();
  const start = w.beginMessage(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_REQUEST, 1);
  encodeLinkRequest(w, request);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/** Asserts nlkit's request equals ip's: message type, flags (but NLM_F_ACK), ifinfomsg and every attribute. */
export function sameAsIp(t: Test, mine: Buffer, captured: Capture, nested: ReadonlySet<string> = new Set(['18', '18/2'])): void {
  const theirs = Buffer.from(captured.request, 'hex');
  t.equal(mine.readUInt16LE(4), theirs.readUInt16LE(4), `${captured.name}: message type`);
  // ip adds NLM_F_ACK itself, as nlkit's socket does.
  t.equal(mine.readUInt16LE(6) & ~NLM_F_REQUEST, theirs.readUInt16LE(6) & ~(NLM_F_REQUEST | 0x4), `${captured.name}: header flags`);
  t.strictSame(mine.subarray(NLMSG_HDRLEN, NLMSG_HDRLEN + IFINFOMSG_LEN), theirs.subarray(NLMSG_HDRLEN, NLMSG_HDRLEN + IFINFOMSG_LEN), `${captured.name}: ifinfomsg`);
  t.strictSame(
    tree(mine, NLMSG_HDRLEN + IFINFOMSG_LEN, mine.length, nested),
    tree(theirs, NLMSG_HDRLEN + IFINFOMSG_LEN, theirs.length, nested),
    `${captured.name}: attribute for attribute (${captured.command})`,
  );
}
