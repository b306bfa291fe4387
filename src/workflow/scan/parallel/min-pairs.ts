/**
 * Scans of fewer account/region pairs stay on the main thread: starting workers (loading the SDK
 * in each, about half a second) costs more than it saves there.
 */
export const MIN_PAIRS_FOR_WORKERS = 16;
