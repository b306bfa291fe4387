import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../src/domain/errors.ts';
import { createAuthorizer } from '../../src/slack/authorization.ts';

describe('authorize', () => {
  const lookups: string[] = [];
  const authorizer = createAuthorizer({
    admins: ['U0ADMIN1', 'S0PLATFRM'],
    groupMembers: async (g) => {
      lookups.push(g);
      return g === 'S0PLATFRM' ? ['U0GROUP1'] : [];
    },
  });

  it('lets anyone scan, read status and reports', async () => {
    for (const action of ['scan', 'status', 'report'] as const)
      await expect(authorizer.authorize('U0ANYONE', action)).resolves.toBeUndefined();
    expect(lookups).toEqual([]);
  });

  it('lets configured admins and members of admin groups build', async () => {
    await expect(authorizer.authorize('U0ADMIN1', 'build')).resolves.toBeUndefined();
    await expect(authorizer.authorize('U0GROUP1', 'decommission')).resolves.toBeUndefined();
    expect(lookups).toEqual(['S0PLATFRM']);
  });

  it('refuses everyone else, naming who may', async () => {
    const refusal = authorizer.authorize('U0ANYONE', 'build');
    await expect(refusal).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authorizer.authorize('U0ANYONE', 'build')).rejects.toThrow(
      'Only the admins (<@U0ADMIN1>, <!subteam^S0PLATFRM>) may build',
    );
  });

  it('says how to configure admins when there are none', async () => {
    const none = createAuthorizer({ admins: [], groupMembers: async () => [] });
    await expect(none.authorize('U0ANYONE', 'cutover')).rejects.toThrow('set EFS_ENCRYPT_ADMINS');
  });
});
