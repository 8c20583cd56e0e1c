// The spec: GC never runs concurrently with ADD or DEL of the same network.
// ADD, DEL and CHECK share a network's lock with each other; GC holds it
// alone. Waiters are served in arrival order, so a GC is not starved by a
// stream of ADDs and the ADDs that come after it wait for it.

export type LockMode = 'shared' | 'exclusive';

interface Waiter {
  mode: LockMode;
  grant: () => void;
}

interface NetworkState {
  shared: number;
  exclusive: boolean;
  queue: Waiter[];
}

/** Releases a held lock; a second call does nothing. */
export type Release = () => void;

/** Per-network shared/exclusive locks, in-process (host-local's flock still guards the state on disk against other processes). */
export class NetworkLocks {
  readonly #networks = new Map<string, NetworkState>();

  /** Resolves when `network` is held in `mode`. */
  acquire(network: string, mode: LockMode): Promise<Release> {
    let state = this.#networks.get(network);
    if (!state) {
      state = { shared: 0, exclusive: false, queue: [] };
      this.#networks.set(network, state);
    }
    const held = state;
    return new Promise((resolve) => {
      held.queue.push({ mode, grant: () => resolve(this.#releaser(network, held, mode)) });
      this.#dispatch(network, held);
    });
  }

  /** How many networks have holders or waiters (0 when idle: nothing is kept per network). */
  get size(): number {
    return this.#networks.size;
  }

  #releaser(network: string, state: NetworkState, mode: LockMode): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (mode === 'exclusive') state.exclusive = false;
      else state.shared--;
      this.#dispatch(network, state);
    };
  }

  #dispatch(network: string, state: NetworkState): void {
    while (state.queue.length > 0 && !state.exclusive) {
      const next = state.queue[0]!;
      if (next.mode === 'exclusive' && state.shared > 0) break;
      state.queue.shift();
      if (next.mode === 'exclusive') state.exclusive = true;
      else state.shared++;
      next.grant();
    }
    if (state.queue.length === 0 && state.shared === 0 && !state.exclusive) this.#networks.delete(network);
  }
}
