/** A named network namespace that does not exist under the run directory. */
export class NetnsNotFoundError extends Error {
  /** Always `'NetnsNotFoundError'`, for `error.name` checks that survive bundling. */
  override readonly name = 'NetnsNotFoundError';
  /** Always `'ENOENT'`, so code that matches on errno-style codes treats it like the missing file it is. */
  readonly code = 'ENOENT';
  /**
   * @param netns - The namespace name that was looked up.
   * @param where - What was missing (usually the /run/netns path), for the message.
   */
  constructor(
    /** The namespace name that was looked up (as given to `ip netns`, not a path). */
    readonly netns: string,
    where: string,
  ) {
    super(`network namespace "${netns}" does not exist (no ${where}); create it with createNetns("${netns}") or "ip netns add ${netns}"`);
  }
}

/** createNetns on a name that is already taken. */
export class NetnsExistsError extends Error {
  /** Always `'NetnsExistsError'`. */
  override readonly name = 'NetnsExistsError';
  /** Always `'EEXIST'`, the errno `ip netns add` reports for the same case. */
  readonly code = 'EEXIST';
  /**
   * @param netns - The namespace name that is already taken.
   * @param where - The file found in its place (usually the /run/netns path), for the message.
   */
  constructor(
    /** The namespace name that is already taken. */
    readonly netns: string,
    where: string,
  ) {
    super(`network namespace "${netns}" already exists (${where})`);
  }
}
