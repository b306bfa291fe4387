import type { UnreadableSource } from '../../domain/consumers.ts';

/**
 * What could not be read, collected across one discovery. An AWS answer (AccessDenied,
 * UnauthorizedOperation, a throttle after every retry, an endpoint that does not answer) becomes
 * an UnreadableSource the report shows; a bug in the bot (TypeError…) is not an AWS answer and
 * still fails the discovery.
 */
export class UnreadableLog {
  private readonly seen = new Map<string, UnreadableSource>();

  /** Runs `read`; on an AWS failure records it (once per service, operation and code) and returns `fallback`. */
  async attempt<T>(
    service: UnreadableSource['service'],
    operation: string,
    read: () => Promise<T>,
    fallback: T,
  ): Promise<T> {
    try {
      return await read();
    } catch (e) {
      if (isProgrammingError(e)) throw e;
      const { code, message } = describeFailure(e);
      const key = `${service}/${operation}/${code}`;
      if (!this.seen.has(key)) this.seen.set(key, { service, operation, code, message });
      return fallback;
    }
  }

  list(): UnreadableSource[] {
    return [...this.seen.values()];
  }
}

function isProgrammingError(e: unknown): boolean {
  return (
    e instanceof TypeError ||
    e instanceof RangeError ||
    e instanceof ReferenceError ||
    e instanceof SyntaxError
  );
}

/** The SDK's modelled error code is the exception's `name`; a network error has a Node `code`. */
function describeFailure(e: unknown): { code: string; message: string } {
  if (e instanceof Error) {
    const nodeCode = (e as { code?: unknown }).code;
    const code = e.name && e.name !== 'Error' ? e.name : typeof nodeCode === 'string' ? nodeCode : 'Error';
    return { code, message: e.message || code };
  }
  return { code: 'Unknown', message: String(e) };
}
