// The synproxy statement (`synproxy mss 1460 wscale 7 timestamp sack-perm`) as nft 1.0.6
// prints it (json.c synproxy_stmt_json).
import { NFTA_SYNPROXY_FLAGS, NFTA_SYNPROXY_MSS, NFTA_SYNPROXY_WSCALE } from '../../../../generated/nf_tables.js';
import type { NftJsonValue } from '../../schema.js';
import type { RawExpressionContext } from './context.js';
import { RawAttributes } from './raw-attributes.js';

/** NF_SYNPROXY_OPT_* bits (linux/netfilter/nf_synproxy.h). */
const MSS = 0x1;
const WSCALE = 0x2;
const SACK_PERM = 0x4;
const TIMESTAMP = 0x8;

export function synproxy(data: Buffer | undefined, ctx: RawExpressionContext, what: string): void {
  const a = new RawAttributes(data, 'synproxy', what);
  const flags = a.u32(NFTA_SYNPROXY_FLAGS) ?? 0;
  const body: { [k: string]: NftJsonValue } = {};
  if (flags & MSS) body.mss = a.u16(NFTA_SYNPROXY_MSS) ?? 0;
  if (flags & WSCALE) body.wscale = a.u8(NFTA_SYNPROXY_WSCALE) ?? 0;
  const names = [...(flags & TIMESTAMP ? ['timestamp'] : []), ...(flags & SACK_PERM ? ['sack-perm'] : [])];
  if (names.length) body.flags = names;
  ctx.emit({ synproxy: Object.keys(body).length ? body : null });
}
