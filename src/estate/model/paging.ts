/**
 * Real pagination over a list: an opaque token that encodes the offset and which list it belongs
 * to, so a token from another call is refused as AWS refuses it.
 */
import type { AwsApiError } from './api-error.ts';

export interface PageRequest {
  token: string | undefined;
  limit: number | undefined;
  /** The estate pages smaller than AWS by default, so a caller that ignores the token shows up in tests. */
  defaultSize: number;
  maxSize: number;
  /** Binds the token to one listing (operation plus filters). */
  scope: string;
  invalidToken: () => AwsApiError;
  invalidLimit: (limit: number) => AwsApiError;
}

export interface Page<T> {
  items: T[];
  next: string | undefined;
}

export function pageOf<T>(all: readonly T[], req: PageRequest): Page<T> {
  if (req.limit !== undefined && (!Number.isInteger(req.limit) || req.limit < 1))
    throw req.invalidLimit(req.limit);
  const offset = req.token === undefined ? 0 : decodeToken(req.token, req.scope);
  if (offset === undefined || offset > all.length) throw req.invalidToken();
  // Above the maximum AWS answers a full page rather than an error.
  const size = Math.min(req.limit ?? req.defaultSize, req.maxSize);
  const items = all.slice(offset, offset + size);
  const end = offset + items.length;
  return { items, next: end < all.length ? encodeToken(end, req.scope) : undefined };
}

function encodeToken(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: scope })).toString('base64url');
}

function decodeToken(token: string, scope: string): number | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      o?: unknown;
      s?: unknown;
    };
    return typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0 && value.s === scope
      ? value.o
      : undefined;
  } catch {
    return undefined;
  }
}
