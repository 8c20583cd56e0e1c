// When the pool's worker may make namespaces. Making one contends with a pod
// being made (both need the RTNL lock, and the machine's other CPU), so a
// refill overlapping a pod made that pod up to 1.6x as slow. The gate keeps
// the worker out while any pod is being made and for a short grace after the
// last one, so a burst of pods runs without refills between them and a pod
// arriving at a steady pace finds the worker done.
//
// One exception: an empty pool. Then the next pod would make its namespace
// itself, on its own thread, which costs it more than a refill beside it
// does; so while the pool is empty the worker refills whatever pods do. A
// stream of pods with no gap (a loaded machine) thus keeps getting pooled
// namespaces, made as they are needed.
//
// Shared memory rather than messages: the worker blocks in a synchronous loop
// between namespaces, where no message would reach it, and the pod's side must
// cost next to nothing (two atomic operations per pod, no system call).

/** Slots of the shared Int32Array. */
const BUSY = 0;
/** Bumped whenever a pod ends: a change tells the worker a pod came and went during its grace. */
const GENERATION = 1;
/** Non-zero while the pool holds no namespace. */
const EMPTY = 2;
const STOPPED = 3;
/** What the worker sleeps on: stop() and an emptied pool wake it early. */
const WAKE = 4;
const SLOTS = 5;

/**
 * How long no pod must have been made before the worker makes a namespace,
 * ms. Longer than the gap between pods of a loop making them back to back
 * (tens of microseconds); short, so a refill in the gap between paced pods is
 * done before the next one: at 300 pods/s, 0.25 ms gave a median pod 0.25 ms
 * faster than 1 ms did.
 */
export const REFILL_GRACE_MS = 0.25;

export class RefillGate {
  private readonly slots: Int32Array;
  /** The worker side: GENERATION when the worker last passed; -1 before. */
  private passedGeneration = -1;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT)) {
    this.slots = new Int32Array(buffer);
  }

  /** The pod side: a pod is being made; the worker does not start a namespace until `resume()` and a grace after. */
  pause(): void {
    Atomics.add(this.slots, BUSY, 1);
  }

  /**
   * The pod side: the pod is made (or failed). Every `pause()` needs exactly
   * one. No wake-up: the worker looks again when its grace ends, and waking a
   * thread (a futex system call, often a context switch) on every pod cost
   * more than the gate saves on a loaded machine.
   */
  resume(): void {
    Atomics.sub(this.slots, BUSY, 1);
    Atomics.add(this.slots, GENERATION, 1);
  }

  /** The pool side: whether it holds no namespace now. Becoming empty wakes the worker. */
  setEmpty(empty: boolean): void {
    const was = Atomics.exchange(this.slots, EMPTY, empty ? 1 : 0);
    if (empty && was === 0) Atomics.notify(this.slots, WAKE);
  }

  /** The pool closed: the worker's wait ends, with false. */
  stop(): void {
    Atomics.store(this.slots, STOPPED, 1);
    Atomics.notify(this.slots, WAKE);
  }

  /**
   * The worker side: blocks until a whole grace period passed with no pod
   * being made, or the pool is empty. Returns false when the pool stopped.
   */
  waitUntilIdle(graceMs = REFILL_GRACE_MS): boolean {
    // Still the idle stretch the last pass found: no grace again, so a gap
    // between pods is filled with namespaces back to back.
    if (Atomics.load(this.slots, BUSY) === 0 && Atomics.load(this.slots, GENERATION) === this.passedGeneration) {
      return Atomics.load(this.slots, STOPPED) === 0;
    }
    for (;;) {
      if (Atomics.load(this.slots, STOPPED) !== 0) return false;
      if (Atomics.load(this.slots, EMPTY) !== 0) return true;
      const busy = Atomics.load(this.slots, BUSY);
      const generation = Atomics.load(this.slots, GENERATION);
      Atomics.wait(this.slots, WAKE, 0, graceMs);
      // Idle at both ends and no pod ended in between: no pod was made meanwhile.
      if (busy === 0 && Atomics.load(this.slots, BUSY) === 0 && Atomics.load(this.slots, GENERATION) === generation) {
        if (Atomics.load(this.slots, STOPPED) !== 0) return false;
        this.passedGeneration = generation;
        return true;
      }
    }
  }
}
