import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import { slackErrorCode } from './slack-errors.ts';

/**
 * Who owns an application, in Slack terms (issue #14 §2, DESIGN.md rule 5): the cutover phase asks
 * this port to turn an `owner` tag into the Slack user who may approve. A user ID (`U…`/`W…`) is
 * used as is; an email is looked up with users.lookupByEmail (scope `users:read.email`); anything
 * else (a team name, a typo) or a failed lookup leaves the approval to the admins, and the reason
 * is said in the thread rather than silently.
 */
export interface OwnerResolution {
  userId?: string;
  fallbackReason?: string;
}

export interface OwnerDirectory {
  resolve(ownerTag?: string): Promise<OwnerResolution>;
}

/** The one Web API call this needs (the app's WebClient fits). */
export interface UsersByEmailClient {
  users: {
    lookupByEmail(args: {
      email: string;
    }): Promise<{ user?: { id?: string; deleted?: boolean; is_bot?: boolean } }>;
  };
}

export interface OwnerDirectoryOptions {
  client: UsersByEmailClient;
  clock: Clock;
  logger: Logger;
  /**
   * How long an answer is kept (default 5 min): a review resolves every application's owner, and
   * Slack's users.lookupByEmail is Tier 3 (about 50 a minute); a changed email takes effect after it.
   */
  ttlMs?: number;
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
// Deliberately loose: Slack decides what an address is; this only tells an email from a team name.
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** Slack errors that mean "no such user" (the tag is wrong), as opposed to the lookup failing. */
const NOT_FOUND = new Set(['users_not_found', 'user_not_found']);

export function createOwnerDirectory(o: OwnerDirectoryOptions): OwnerDirectory {
  const ttl = o.ttlMs ?? 5 * 60_000;
  const cache = new Map<string, { at: number; answer: OwnerResolution }>();

  async function lookUp(email: string): Promise<OwnerResolution> {
    try {
      const res = await o.client.users.lookupByEmail({ email });
      const user = res.user;
      if (!user?.id)
        return { fallbackReason: `owner tag '${email}' did not resolve to a Slack user: admins approve` };
      if (user.deleted)
        return { fallbackReason: `owner tag '${email}' is a deactivated Slack user: admins approve` };
      if (user.is_bot)
        return { fallbackReason: `owner tag '${email}' is a bot, not a person: admins approve` };
      return { userId: user.id };
    } catch (err) {
      const code = slackErrorCode(err);
      if (code && NOT_FOUND.has(code))
        return { fallbackReason: `owner tag '${email}' is not the email of a Slack user: admins approve` };
      o.logger.warn({ err, slackError: code }, 'users.lookupByEmail failed; admins approve instead');
      return {
        fallbackReason: `owner tag '${email}' could not be looked up in Slack (${code ?? 'the call failed'}${code === 'missing_scope' ? ': add the users:read.email scope' : ''}): admins approve`,
      };
    }
  }

  return {
    async resolve(ownerTag) {
      const tag = ownerTag?.trim();
      if (!tag) return { fallbackReason: 'no owner tag: admins approve' };
      if (SLACK_USER_ID.test(tag)) return { userId: tag };
      if (!EMAIL.test(tag))
        return { fallbackReason: `owner tag '${tag}' is not a Slack user or email: admins approve` };
      const key = tag.toLowerCase();
      const now = o.clock.now().getTime();
      const cached = cache.get(key);
      if (cached && now - cached.at < ttl) return cached.answer;
      const answer = await lookUp(tag);
      cache.set(key, { at: now, answer });
      return answer;
    },
  };
}
