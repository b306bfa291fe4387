import type { Clock } from '../../domain/clock.ts';
import { BadInputError, UnauthorizedError } from '../../domain/errors.ts';
import { ownership } from '../../domain/inventory.ts';
import { RecordNotFoundError } from '../../domain/migration.ts';
import {
  applicationSignOffs,
  checkSignOffInput,
  SIGN_OFF_STATES,
  type ApplicationSignOffState,
  type SignOffDecision,
  type SignOffRecord,
} from '../../domain/sign-off.ts';
import type {
  SignOffCutovers,
  SignOffEvents,
  SignOffMigrations,
  SignOffPeople,
  SignOffRepository,
} from './ports.ts';

export interface SignOffWorkflowDeps {
  migrations: SignOffMigrations;
  cutovers: SignOffCutovers;
  signOffs: SignOffRepository;
  events: SignOffEvents;
  people: SignOffPeople;
  clock: Clock;
}

/** An application of a migration and who signs it off. */
export interface SignOffApplication {
  app: string;
  ownerTag?: string;
  ownerUserId?: string;
  state: ApplicationSignOffState;
}

export interface SignOffWorkflow {
  /**
   * The migration's applications: its cutover plans' apps (each with the plan's owner tag), else
   * the file system's `app` and `owner` tags; with each one's sign-off state.
   */
  applications(migrationId: string): Promise<SignOffApplication[]>;
  /**
   * Records Signed off or Concerns for one application. Only its owner (the owner tag resolved as
   * the cutover resolves it) or an admin; anyone else is refused and the refusal is logged.
   */
  record(input: {
    migrationId: string;
    app: string;
    actor: string;
    decision: SignOffDecision;
    text?: string;
    components?: string[];
  }): Promise<SignOffRecord>;
}

export function createSignOffWorkflow(deps: SignOffWorkflowDeps): SignOffWorkflow {
  async function applicationsOf(migrationId: string): Promise<{ app: string; ownerTag?: string }[]> {
    const plans = await deps.cutovers.listPlans(migrationId);
    if (plans.length)
      return plans.map(({ plan }) => ({
        app: plan.app,
        ...(plan.ownerTag ? { ownerTag: plan.ownerTag } : {}),
      }));
    const snapshot = await deps.migrations.getSnapshot(migrationId);
    const tags = snapshot ? ownership(snapshot.fileSystem) : {};
    return tags.app ? [{ app: tags.app, ...(tags.owner ? { ownerTag: tags.owner } : {}) }] : [];
  }

  return {
    async applications(migrationId) {
      const apps = await applicationsOf(migrationId);
      const states = applicationSignOffs(
        apps.map((a) => a.app),
        await deps.signOffs.listSignOffs(migrationId),
      );
      return Promise.all(
        apps.map(async (a) => {
          const owner = await deps.people.owners.resolve(a.ownerTag);
          return {
            ...a,
            ...(owner.userId ? { ownerUserId: owner.userId } : {}),
            state: states.find((s) => s.app === a.app)?.state ?? 'pending',
          };
        }),
      );
    },

    async record(input) {
      const migration = await deps.migrations.getMigration(input.migrationId);
      if (!migration) throw new RecordNotFoundError(`Migration ${input.migrationId}`);
      const checked = checkSignOffInput(input);
      const at = deps.clock.now().toISOString();
      if (!SIGN_OFF_STATES.has(migration.state))
        throw new BadInputError(
          `${migration.fileSystemId} is ${migration.state}: applications sign off once it is cut over.`,
        );
      const apps = await applicationsOf(input.migrationId);
      const app = apps.find((a) => a.app === input.app);
      if (!app)
        throw new BadInputError(
          `${input.app} is not an application of ${migration.fileSystemId} (${apps.map((a) => a.app).join(', ') || 'none known'}).`,
        );
      const owner = await deps.people.owners.resolve(app.ownerTag);
      const role =
        owner.userId === input.actor
          ? 'owner'
          : (await deps.people.isAdmin(input.actor))
            ? 'admin'
            : undefined;
      if (!role) {
        // Logged in the migration's audit log, as every refusal is (DESIGN.md rule 5).
        await deps.events.appendEvent(input.migrationId, {
          actor: input.actor,
          kind: 'refused',
          detail: `sign-off of ${input.app} refused: not its owner (${app.ownerTag ?? 'no owner tag'}) nor an admin`,
        });
        throw new UnauthorizedError(
          `Only the owner of ${input.app} (${owner.userId ? `<@${owner.userId}>` : (app.ownerTag ?? 'no owner tag')}) or an admin can record its sign-off.`,
        );
      }
      return deps.signOffs.appendSignOff({
        migrationId: migration.id,
        fileSystemId: migration.fileSystemId,
        app: input.app,
        decision: input.decision,
        ...checked,
        by: input.actor,
        role,
        at,
      });
    },
  };
}
