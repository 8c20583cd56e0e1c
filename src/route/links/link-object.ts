import { IFF_UP } from '../../generated/if.js';
import type { Link } from './types.js';

// Why a constructor and not an object literal: V8 gives an object made by
// `new F()` room for every field F's body assigns to `this` — counted from the
// source, whether or not the assignment runs — while a literal gets room only
// for the fields it names. A link gains 30 to 50 fields while it is decoded;
// without the room its property store is regrown a dozen times, about 1.3 kB
// of garbage per link, which dominates the garbage collection of a dump.
// F's prototype is Object.prototype, so F makes the same plain object the
// literal did (same prototype, constructor, keys and key order).

function LinkObject(this: Link, family: number, index: number, type: number, linkType: string, flags: number, flagNames: string[], change: number): void {
  this.family = family;
  this.index = index;
  this.name = '';
  this.type = type;
  this.linkType = linkType;
  this.flags = flags;
  this.flagNames = flagNames;
  this.change = change;
  this.up = (flags & IFF_UP) !== 0;
  this.mtu = 0;
  this.operstate = 'UNKNOWN';
  this.group = 0;
  // `unknown` comes next, as an accessor the decoder adds (lazy-fields.ts).
  if (false) {
    // Never runs: reserves room for the optional fields (see above).
    this.minMtu = this.maxMtu = this.qdisc = this.linkmode = this.txqueuelen = undefined;
    this.address = this.broadcast = this.permAddress = this.master = this.link = this.linkNetnsId = undefined;
    this.alias = this.kind = this.info = this.slaveKind = this.slaveInfo = this.xstats = this.stats64 = undefined;
    this.promiscuity = this.allmulti = this.numTxQueues = this.numRxQueues = undefined;
    this.gsoMaxSize = this.gsoMaxSegs = this.tsoMaxSize = this.tsoMaxSegs = this.groMaxSize = undefined;
    this.carrier = this.carrierChanges = this.carrierUpCount = this.carrierDownCount = undefined;
    this.protoDown = this.protoDownReason = this.physPortId = this.physPortName = this.physSwitchId = undefined;
    this.parentDevName = this.parentDevBusName = this.altNames = this.event = this.xdp = undefined;
    this.inet6AddrGenMode = this.afSpec = this.newNetnsId = this.newIfindex = undefined;
    this.netnsFd = this.netnsPid = this.extMask = undefined;
  }
}
LinkObject.prototype = Object.prototype;

type LinkConstructor = new (
  family: number, index: number, type: number, linkType: string, flags: number, flagNames: string[], change: number,
) => Link;

/** A plain Link object holding the ifinfomsg fields and the defaults every link has. */
export const PlainLink = LinkObject as unknown as LinkConstructor;
