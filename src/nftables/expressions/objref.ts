import {
  NFT_OBJECT_CONNLIMIT, NFT_OBJECT_COUNTER, NFT_OBJECT_CT_EXPECT, NFT_OBJECT_CT_HELPER, NFT_OBJECT_CT_TIMEOUT,
  NFT_OBJECT_LIMIT, NFT_OBJECT_QUOTA, NFT_OBJECT_SECMARK, NFT_OBJECT_SYNPROXY, NFT_OBJECT_TUNNEL, NFTA_OBJREF_IMM_NAME,
  NFTA_OBJREF_IMM_TYPE, NFTA_OBJREF_SET_ID, NFTA_OBJREF_SET_NAME, NFTA_OBJREF_SET_SREG,
} from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { requireName } from '../objects/names.js';
import { EnumNames, keepUnknown, requireRegister, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Stateful object types (NFT_OBJECT_*) by nft's names; nlkit creates `counter` and `quota`, and refers to any. */
export type ObjectType = 'counter' | 'quota' | 'ct helper' | 'limit' | 'connlimit' | 'tunnel' | 'ct timeout' | 'secmark' | 'ct expectation' | 'synproxy';
export const objectTypes = new EnumNames<ObjectType>('object type', {
  counter: NFT_OBJECT_COUNTER,
  quota: NFT_OBJECT_QUOTA,
  'ct helper': NFT_OBJECT_CT_HELPER,
  limit: NFT_OBJECT_LIMIT,
  connlimit: NFT_OBJECT_CONNLIMIT,
  tunnel: NFT_OBJECT_TUNNEL,
  'ct timeout': NFT_OBJECT_CT_TIMEOUT,
  secmark: NFT_OBJECT_SECMARK,
  'ct expectation': NFT_OBJECT_CT_EXPECT,
  synproxy: NFT_OBJECT_SYNPROXY,
});

/** `counter name "c"`: applies a named stateful object, fixed or picked through a map (`counter name ip saddr map @m`). */
export interface ObjrefExpression extends KeepsUnknown {
  /** The kernel's `objref` expression (nft_objref). */
  kind: 'objref';
  /** Type of the object applied (NFTA_OBJREF_IMM_TYPE); a raw number for one nlkit does not name. Absent in the map variant. */
  objectType?: ObjectType | number;
  /** Name of the object applied (NFTA_OBJREF_IMM_NAME), as in `counter name "web"`; absent in the map variant. */
  name?: string;
  /** The map variant: register holding the key, and the map (`set`). */
  sreg?: number;
  /** Name of the object map (NFTA_OBJREF_SET_NAME) in the map variant. */
  set?: string;
  /** NFTA_OBJREF_SET_ID of a map added in the same batch; absent for an existing map. */
  setId?: number;
}

export const objrefCodec: ExpressionCodec<ObjrefExpression> = {
  kind: 'objref',
  encode(w, e) {
    if (e.name !== undefined) {
      if (e.objectType === undefined) throw new InvalidArgumentError('objref by name needs objectType');
      w.string(NFTA_OBJREF_IMM_NAME, requireName(e.name, 'objref object'));
      w.be32(NFTA_OBJREF_IMM_TYPE, objectTypes.encode(e.objectType));
    } else if (e.set !== undefined) {
      w.be32(NFTA_OBJREF_SET_SREG, requireRegister(e.sreg, 'objref sreg'));
      w.string(NFTA_OBJREF_SET_NAME, requireName(e.set, 'objref map'));
      if (e.setId !== undefined) w.be32(NFTA_OBJREF_SET_ID, requireUint(e.setId, 'objref setId'));
    } else {
      throw new InvalidArgumentError('objref needs either name (with objectType) or set (with sreg)');
    }
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: ObjrefExpression = { kind: 'objref' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_OBJREF_IMM_TYPE: e.objectType = objectTypes.decode(c.be32()); break;
        case NFTA_OBJREF_IMM_NAME: e.name = c.string(); break;
        case NFTA_OBJREF_SET_SREG: e.sreg = c.be32(); break;
        case NFTA_OBJREF_SET_NAME: e.set = c.string(); break;
        case NFTA_OBJREF_SET_ID: e.setId = c.be32(); break;
        default: keepUnknown(e, c);
      }
    }
    return e;
  },
};
