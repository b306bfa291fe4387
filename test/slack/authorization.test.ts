import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../src/domain/errors.ts';
import { PhaseDisabledError, createAuthorizer } from '../../src/slack/authorization.ts';
import { parsePhases } from '../../src/domain/phases.ts';

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

  it('refuses every action of a phase the deployment does not run, admins included, saying which', async () => {
    const parsed = parsePhases('read-only');
    if (!('phases' in parsed)) throw new Error(parsed.problem);
    const readOnly = createAuthorizer({
      admins: ['U0ADMIN1'],
      groupMembers: async () => [],
      phases: parsed.phases,
    });
    for (const action of ['build', 'copy', 'cutover', 'decommission'] as const) {
      const refusal = readOnly.authorize('U0ADMIN1', action);
      await expect(refusal).rejects.toBeInstanceOf(PhaseDisabledError);
      await expect(readOnly.authorize('U0ADMIN1', action)).rejects.toThrow(
        `does not run the ${action} phase (EFS_ENCRYPT_PHASES: scan, decide, validate, digest)`,
      );
    }
    await expect(readOnly.authorize('U0ADMIN1', 'plan')).resolves.toBeUndefined();
    for (const action of ['scan', 'status', 'export', 'report', 'digest'] as const)
      await expect(readOnly.authorize('U0ANYONE', action)).resolves.toBeUndefined();
  });

  it('turns off the scan and the digest too when they are left out; status and export read only the store', async () => {
    const parsed = parsePhases('decide,build');
    if (!('phases' in parsed)) throw new Error(parsed.problem);
    const narrow = createAuthorizer({
      admins: ['U0ADMIN1'],
      groupMembers: async () => [],
      phases: parsed.phases,
    });
    await expect(narrow.authorize('U0ANYONE', 'scan')).rejects.toThrow('does not run the scan phase');
    await expect(narrow.authorize('U0ANYONE', 'digest')).rejects.toThrow('does not run the digest phase');
    await expect(narrow.authorize('U0ANYONE', 'status')).resolves.toBeUndefined();
    await expect(narrow.authorize('U0ADMIN1', 'build')).resolves.toBeUndefined();
  });
});

describe('parsePhases', () => {
  it('reads all (the default), read-only and lists, in the migration order', () => {
    expect(parsePhases(undefined)).toEqual({
      phases: ['scan', 'decide', 'validate', 'digest', 'build', 'copy', 'cutover', 'decommission'],
    });
    expect(parsePhases('all')).toEqual(parsePhases(''));
    expect(parsePhases(' copy , scan,build ')).toEqual({ phases: ['scan', 'build', 'copy'] });
  });

  it('names a typo instead of silently turning a phase off', () => {
    expect(parsePhases('scan,biuld')).toEqual({
      problem: expect.stringContaining(
        'unknown phase "biuld"; use all, read-only, or a comma-separated list of scan',
      ),
    });
  });
});
