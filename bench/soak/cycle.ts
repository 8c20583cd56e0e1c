// What one pod cycle carries through its steps: its pod, whether it calls
// the sync or the Promise API, the fault it injects, and everything it opened
// (closed at the end whatever happens).
import type { RouteConnection } from '../../src/index.js';
import type { Churner } from './churner.js';
import type { SeededRandom } from './random.js';
import type { Tally } from './tally.js';
import type { World } from './world.js';

export type Mode = 'sync' | 'async';

export interface Pod {
  netns: string;
  /** Host end of the veth, in the soak's host namespace. */
  hostEnd: string;
  /** Pod address with prefix, on eth0. */
  address: string;
}

export interface Closable {
  close(): void;
}

/** Shared by every lane. */
export interface SoakShared {
  world: World;
  tally: Tally;
  churner: Churner;
  beat(step: string): void;
}

export class Cycle {
  private readonly opened = new Set<Closable>();

  constructor(
    readonly index: number,
    readonly lane: number,
    readonly mode: Mode,
    readonly fault: string,
    readonly pod: Pod,
    /** This lane's connection in the host namespace. */
    readonly host: RouteConnection,
    readonly rng: SeededRandom,
    readonly shared: SoakShared,
  ) {}

  get world(): World {
    return this.shared.world;
  }

  get tally(): Tally {
    return this.shared.tally;
  }

  beat(step: string): void {
    this.shared.beat(`cycle ${this.index} (${this.mode}, ${this.fault}): ${step}`);
  }

  /** Remembers `resource` so the cycle closes it even when a step throws. */
  track<T extends Closable>(resource: T): T {
    this.opened.add(resource);
    return resource;
  }

  close(resource: Closable): void {
    resource.close();
    this.opened.delete(resource);
  }

  /** Closes everything still open; the first close that throws is rethrown after the others ran. */
  closeAll(): void {
    let failure: unknown;
    for (const resource of this.opened) {
      try {
        resource.close();
      } catch (error) {
        failure ??= error;
      }
    }
    this.opened.clear();
    if (failure !== undefined) throw failure;
  }

  /** Runs the sync or the Promise form of a call, as this cycle's mode says. */
  async call<T>(step: string, sync: () => T, promised: () => Promise<T>): Promise<T> {
    this.beat(step);
    return this.mode === 'sync' ? sync() : await promised();
  }
}

/** The pod of cycle `index`: unique names, so lanes never collide; addresses repeat (each pod is its own namespace). */
export function planPod(prefix: string, index: number): Pod {
  const host = 2 + (index % 65000);
  return {
    netns: `${prefix}p${index}`,
    hostEnd: `vs${index.toString(36)}`,
    address: `10.200.${host >> 8}.${host & 255}/16`,
  };
}
