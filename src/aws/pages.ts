import type { PaginationConfiguration } from '@smithy/types';

/**
 * Collecting what an SDK paginator (`paginateDescribeFileSystems`…) yields. The paginators send
 * each page through `client.send`, so the rate-limit middleware and adaptive retry apply to every
 * page. The SDK's own loop only stops on a missing token or, with `stopOnSameToken`, on the token it
 * just sent; this also stops on any token seen before (a misbehaving endpoint cycling through two),
 * on a page that says it is the last (KMS `Truncated: false`), and after `maxPages`.
 */
export interface CollectOptions<P> {
  /** The token that asks for the next page; undefined ends the listing. */
  next(page: P): string | undefined;
  /** A bound on the pages read, where a quota makes more pages a sign of a fault. */
  maxPages?: number;
}

export async function collectPages<P, T>(
  pages: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
  options: CollectOptions<P>,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let read = 0;
  for await (const page of pages) {
    all.push(...(items(page) ?? []));
    const token = options.next(page);
    if (!token || seen.has(token) || ++read >= (options.maxPages ?? Infinity)) break;
    seen.add(token);
  }
  return all;
}

/**
 * The pagination settings every listing here uses: the SDK stops on a repeated token too, and each
 * page's command gets its own copy of the input. The SDK's paginator keeps one input object for all
 * pages and writes each page's token into it, while a command keeps a reference to its input; so
 * without the copy, an earlier page's command (as middleware, a log or a test looks at it later)
 * would show the token of the last page instead of the one it was sent with.
 */
export function pager<C>(
  client: C,
  pageSize?: number,
): {
  client: C;
  pageSize?: number;
  stopOnSameToken: true;
  withCommand: NonNullable<PaginationConfiguration['withCommand']>;
} {
  return {
    client,
    ...(pageSize !== undefined ? { pageSize } : {}),
    stopOnSameToken: true,
    withCommand: (command) =>
      new (command.constructor as new (input: object) => typeof command)({ ...command.input }),
  };
}
