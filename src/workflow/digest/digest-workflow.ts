import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import type { Clock } from '../../domain/clock.ts';
import { buildDigest, type ApprovalWaiting, type Digest, type DigestMigration } from '../../domain/digest.ts';
import { EfsEncryptError } from '../../domain/errors.ts';
import type { ScanRecord } from '../../domain/inventory.ts';
import type { MigrationRecord } from '../../domain/migration.ts';
import { silentIoHost, type IoHost } from '../io-host.ts';
import { createValidateWorkflow, type ValidateSignOffs } from '../validate/index.ts';
import type {
  DigestCutovers,
  DigestEvents,
  DigestJobs,
  DigestMigrations,
  DigestOwners,
  DigestPoster,
  DigestReports,
  DigestRepository,
  DigestScanner,
} from './ports.ts';

export interface DigestWorkflowDeps {
  scanner: DigestScanner;
  migrations: DigestMigrations;
  events: DigestEvents;
  cutovers: DigestCutovers;
  reports: DigestReports;
  digests: DigestRepository;
  poster: DigestPoster;
  clock: Clock;
  stuckHours: number;
  /** This replica, as job leases name it (`bot:<host>:<pid>`). */
  holder: string;
  jobs?: DigestJobs;
  /** Sign-off records, so the digest's verdict is the report's (issue 16 §2). */
  signOffs?: ValidateSignOffs;
  owners?: DigestOwners;
  /** A claim older than this without a post is taken over (its replica died mid-digest); default 30 min. */
  claimStaleMs?: number;
  idGenerator?: () => string;
}

export interface DigestRequest {
  requestedBy: string;
  io?: IoHost;
}

export type SlotOutcome =
  | { posted: true; slot: string; digest: Digest; messageTs: string }
  /** Another replica (or an earlier run) has the slot. */
  | { posted: false; slot: string };

export interface DigestWorkflow {
  /** A fresh scan and validation report, the migrations and their audit log: the digest (not stored). */
  build(request: DigestRequest & { slot?: string; digestId?: string }): Promise<Digest>;
  /** Claims the slot (once across replicas), builds, stores, posts to `channel`, records the ts. */
  postSlot(slot: Date, channel: string, io?: IoHost): Promise<SlotOutcome>;
  /** `/efs-encrypt digest`: built, stored and posted now; the scheduled slots are untouched. */
  postOnDemand(channel: string, request: DigestRequest): Promise<{ digest: Digest; messageTs: string }>;
}

/** `dig-20260309-070000-1a2b3c`: sortable by time. */
export function newDigestId(at: Date, random: () => string = () => randomBytes(3).toString('hex')): string {
  const t = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `dig-${t}-${random()}`;
}

/** Migrations whose audit log can hold a move since the last digest: anything updated after it. */
const movedAfter = (r: MigrationRecord, since: string | undefined) =>
  since !== undefined && r.updatedAt > since;

export function createDigestWorkflow(deps: DigestWorkflowDeps): DigestWorkflow {
  const claimStaleMs = deps.claimStaleMs ?? 30 * 60_000;
  const newId = () => deps.idGenerator?.() ?? newDigestId(deps.clock.now());

  async function approvalsOf(records: MigrationRecord[]): Promise<ApprovalWaiting[]> {
    const waiting: ApprovalWaiting[] = [];
    for (const r of records.filter((m) => m.state === 'cutover_pending')) {
      for (const { plan } of await deps.cutovers.listPlans(r.id)) {
        if (await deps.cutovers.getVerdict(r.id, plan.app, plan.digest)) continue;
        const owner = deps.owners ? await deps.owners.resolve(plan.ownerTag) : {};
        waiting.push({
          migrationId: r.id,
          fileSystemId: r.fileSystemId,
          app: plan.app,
          ...(plan.ownerTag ? { ownerTag: plan.ownerTag } : {}),
          ...(owner.userId ? { ownerUserId: owner.userId } : {}),
          planRevision: plan.revision,
          plannedAt: plan.plannedAt,
        });
      }
    }
    return waiting;
  }

  async function build(req: DigestRequest & { slot?: string; digestId?: string }): Promise<Digest> {
    const io = req.io ?? silentIoHost;
    // The validation report runs the scan; the digest reads the same scan's file systems.
    let scan: ScanRecord | undefined;
    const validate = createValidateWorkflow({
      scanner: {
        run: async (r) => (scan = await deps.scanner.run(r)),
      },
      migrations: deps.migrations,
      reports: deps.reports,
      clock: deps.clock,
      ...(deps.jobs ? { jobs: deps.jobs } : {}),
      ...(deps.signOffs ? { signOffs: deps.signOffs, cutovers: deps.cutovers } : {}),
    });
    const report = await validate.run({ requestedBy: req.requestedBy, io });
    const at = deps.clock.now();
    const since = await deps.digests.latestSlotBefore(req.slot ?? at.toISOString());
    const records = await deps.migrations.listMigrations();
    const limit = pLimit(8);
    const migrations: DigestMigration[] = await Promise.all(
      records.map((record) =>
        limit(async () => ({
          record,
          events: movedAfter(record, since) ? await deps.events.listEvents(record.id) : [],
        })),
      ),
    );
    return buildDigest({
      digestId: req.digestId ?? newId(),
      ...(req.slot ? { slot: req.slot } : {}),
      generatedAt: at.toISOString(),
      requestedBy: req.requestedBy,
      ...(since ? { since } : {}),
      stuckHours: deps.stuckHours,
      migrations,
      approvalsWaiting: await approvalsOf(records),
      fileSystems: scan?.fileSystems ?? [],
      validation: { reportId: report.reportId, goalMet: report.verdict.goalMet, line: report.verdict.line },
    });
  }

  /** Builds, stores and posts under a claim held by this replica; a failure is recorded on the claim. */
  async function deliver(
    key: string,
    channel: string,
    req: DigestRequest & { slot?: string; digestId: string },
  ) {
    try {
      const digest = await build(req);
      // Persisted before it is announced.
      await deps.digests.saveContent(key, deps.holder, digest);
      const { messageTs } = await deps.poster.post(channel, digest);
      await deps.digests.markPosted(key, deps.holder, {
        channel,
        messageTs,
        postedAt: deps.clock.now().toISOString(),
      });
      return { digest, messageTs };
    } catch (err) {
      const code = err instanceof EfsEncryptError ? err.code : 'efs_encrypt_digest_failed';
      await deps.digests
        .markFailed(key, deps.holder, { code, message: err instanceof Error ? err.message : String(err) })
        .catch(() => undefined);
      throw err;
    }
  }

  return {
    build,

    async postSlot(slotDate, channel, io) {
      const slot = slotDate.toISOString();
      const now = deps.clock.now();
      const digestId = newId();
      const claimed = await deps.digests.claimSlot({
        slot,
        digestId,
        claimedBy: deps.holder,
        claimedAt: now.toISOString(),
        staleBefore: new Date(now.getTime() - claimStaleMs).toISOString(),
      });
      if (!claimed) return { posted: false, slot };
      const out = await deliver(slot, channel, {
        requestedBy: 'schedule',
        slot,
        digestId,
        ...(io ? { io } : {}),
      });
      return { posted: true, slot, ...out };
    },

    async postOnDemand(channel, req) {
      const digestId = newId();
      await deps.digests.createOnDemand({
        digestId,
        claimedBy: deps.holder,
        claimedAt: deps.clock.now().toISOString(),
      });
      return deliver(digestId, channel, { ...req, digestId });
    },
  };
}
