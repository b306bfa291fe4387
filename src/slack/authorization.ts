import { BadInputError, UnauthorizedError } from '../domain/errors.ts';
import { PHASES, type Phase } from '../domain/phases.ts';

/**
 * Who may do what (DESIGN.md safety rule 5), in one place. Read-only actions are open to anyone
 * in the channel; everything that changes AWS needs an admin: a configured Slack user ID, or a
 * member of a configured user group (S…), resolved through usergroups.users.list.
 */
export type SlackAction =
  | 'scan'
  | 'status'
  | 'export'
  | 'report'
  | 'digest'
  | 'plan'
  | 'scope'
  | 'build'
  | 'copy'
  | 'cutover'
  | 'decommission';

const OPEN_TO_EVERYONE: ReadonlySet<SlackAction> = new Set(['scan', 'status', 'export', 'report', 'digest']);

/** The phase each action belongs to; status and export read only the store, so no phase turns them off. */
const PHASE_OF: Record<SlackAction, Phase | undefined> = {
  scan: 'scan',
  status: undefined,
  export: undefined,
  report: 'validate',
  digest: 'digest',
  plan: 'decide',
  scope: 'decide',
  build: 'build',
  copy: 'copy',
  cutover: 'cutover',
  decommission: 'decommission',
};

export interface Authorizer {
  /** Resolves when allowed; throws UnauthorizedError naming who may do it otherwise. */
  authorize(userId: string, action: SlackAction): Promise<void>;
}

export interface AuthorizerDeps {
  /** Slack user IDs (U…/W…) and user-group IDs (S…). */
  admins: string[];
  /** Members of a user group, e.g. from usergroups.users.list. */
  groupMembers(groupId: string): Promise<string[]>;
  /** The phases this deployment runs (EFS_ENCRYPT_PHASES); default all. */
  phases?: readonly Phase[];
}

/** A phase this deployment does not run: refused before anyone's rights are looked at. */
export class PhaseDisabledError extends BadInputError {}

export function createAuthorizer(deps: AuthorizerDeps): Authorizer {
  const users = new Set(deps.admins.filter((a) => !a.startsWith('S')));
  const groups = deps.admins.filter((a) => a.startsWith('S'));

  async function isAdmin(userId: string): Promise<boolean> {
    if (users.has(userId)) return true;
    for (const g of groups) {
      // Looked up on every check: group membership changes in Slack must take effect at once.
      if ((await deps.groupMembers(g)).includes(userId)) return true;
    }
    return false;
  }

  const enabled = new Set<Phase>(deps.phases ?? PHASES);

  return {
    async authorize(userId, action) {
      const phase = PHASE_OF[action];
      if (phase && !enabled.has(phase))
        throw new PhaseDisabledError(
          `This deployment does not run the ${phase} phase (EFS_ENCRYPT_PHASES: ${[...enabled].join(', ') || 'none'}). Ask whoever runs the bot to turn it on.`,
        );
      if (OPEN_TO_EVERYONE.has(action)) return;
      if (await isAdmin(userId)) return;
      const who = deps.admins.length
        ? `the admins (${deps.admins.map((a) => (a.startsWith('S') ? `<!subteam^${a}>` : `<@${a}>`)).join(', ')})`
        : 'the admins, and none are configured (set EFS_ENCRYPT_ADMINS)';
      throw new UnauthorizedError(`Only ${who} may ${action}. Ask one of them, or to be added.`);
    },
  };
}
