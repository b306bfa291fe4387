import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SlackMessage } from '#blocks/limits.ts';
import {
  scanJoinedMessage,
  scanQueuedMessage,
  scanThreadReadyMessage,
  type ScanThreadRef,
} from '#blocks/scan-admission.ts';
import type { Clock } from '../domain/clock.ts';
import { scopeCovers, scopeKey, type RunningScan, type RunningScanRegistry } from '../domain/running-scan.ts';
import { describeScanScope, type ScanScope } from '../domain/scan-scope.ts';
import { systemScheduler, type Scheduler } from './scheduler.ts';

export interface ScanAdmissionOptions {
  /** Where running scans are claimed: the store's, so that replicas see each other's. */
  registry: RunningScanRegistry;
  /** Scans this process runs at once (EFS_ENCRYPT_MAX_SCANS); the rest wait in order. */
  maxScans: number;
  clock: Clock;
  logger: Logger;
  /** How long a claim holds without renewal: a crashed process's scope frees after this. */
  leaseMs?: number;
  /**
   * Renews claims every third of the lease. Real timers by default, not the app's scheduler: a
   * test scheduler that skips ahead would spin a renewal loop for as long as a scan runs.
   */
  heartbeat?: Scheduler;
}

export interface ScanAdmissionRequest {
  userId: string;
  channelId: string;
  /** For a link to the running scan's thread (acme of acme.slack.com). */
  teamDomain?: string;
  correlationId: string;
  scope: ScanScope;
  replyPrivately(message: SlackMessage): Promise<void>;
  /**
   * Runs the scan in its thread; calls `onThread` with the root message's ts once posted. The
   * admission holds the scope's claim and a slot until it resolves.
   */
  run(onThread: (threadTs: string) => Promise<void>): Promise<void>;
}

/** A scan admitted in this process: waiting for a slot, or running. */
interface Admission {
  id: string;
  key: string;
  request: ScanAdmissionRequest;
  threadTs?: string;
  /** Told once the thread exists: those who joined before it did. */
  waiting: ScanAdmissionRequest[];
  startSlot?: () => void;
}

export const DEFAULT_SCAN_LEASE_MS = 5 * 60_000;

/**
 * Decides what a `/efs-encrypt scan` does: join a running scan that covers its scope (a private
 * message with the thread's link, no second scan), wait for a slot when `maxScans` run already (a
 * private "queued behind N"), or run. The channel sees a scan's root message only when it starts:
 * a queued placeholder would sit in the channel for minutes, need an edit later, and be orphaned
 * if the process died; the requester is told privately instead and is mentioned when it starts.
 *
 * Across replicas each running scan claims its scope in the store (a conditional write with a
 * lease renewed while it runs, released when it ends). The cap is per process.
 */
export class ScanAdmission {
  private readonly running: Admission[] = [];
  private readonly queued: Admission[] = [];
  /** Admitted but not yet placed (checking the store); counted for joins, not for slots. */
  private readonly pending: Admission[] = [];
  private readonly leaseMs: number;
  private readonly heartbeat: Scheduler;

  constructor(private readonly o: ScanAdmissionOptions) {
    this.leaseMs = o.leaseMs ?? DEFAULT_SCAN_LEASE_MS;
    this.heartbeat = o.heartbeat ?? systemScheduler;
  }

  /** Scans running in this process now, and waiting for a slot. */
  get counts(): { running: number; queued: number } {
    return { running: this.running.length, queued: this.queued.length };
  }

  /** Resolves when the request is answered: joined, or its scan has run. */
  async request(req: ScanAdmissionRequest): Promise<void> {
    const log = this.o.logger.child({ correlationId: req.correlationId, userId: req.userId });
    const local = [...this.running, ...this.pending, ...this.queued].find((a) =>
      scopeCovers(a.request.scope, req.scope),
    );
    if (local) return this.joinLocal(local, req, log);

    // Placed at once, before any await: a second request of this scope arriving meanwhile joins it.
    const admission: Admission = { id: randomUUID(), key: scopeKey(req.scope), request: req, waiting: [] };
    this.pending.push(admission);
    let remote: RunningScan | undefined;
    try {
      remote = (await this.o.registry.listLive(this.o.clock.now())).find((r) =>
        scopeCovers(r.scope, req.scope),
      );
    } catch (err) {
      // The claim below is the guard that matters; a failed look-up only loses the early join.
      log.warn({ err }, 'could not list running scans; admitting on the claim alone');
    }
    remove(this.pending, admission);
    if (remote) return this.joinRemote(admission, remote, log);

    if (this.running.length >= this.o.maxScans) {
      const ahead = this.running.length + this.queued.length;
      this.queued.push(admission);
      log.info({ ahead }, 'scan queued');
      await tell(req, scanQueuedMessage(ahead, this.o.maxScans), log);
      await new Promise<void>((resolve) => (admission.startSlot = resolve));
    } else {
      this.running.push(admission);
    }
    try {
      await this.runClaimed(admission, log);
    } finally {
      remove(this.running, admission);
      this.startNext();
    }
  }

  private async joinLocal(a: Admission, req: ScanAdmissionRequest, log: Logger): Promise<void> {
    log.info({ joined: a.id, threadTs: a.threadTs }, 'scan joined a scan admitted here');
    if (!a.threadTs) a.waiting.push(req);
    await tell(req, scanJoinedMessage(this.refOf(a.request, req, a.threadTs)), log);
  }

  /** Another replica runs a covering scan: everyone waiting on this admission follows that one. */
  private async joinRemote(a: Admission, remote: RunningScan, log: Logger): Promise<void> {
    log.info(
      { joined: remote.admissionId, threadTs: remote.threadTs },
      'scan joined a scan running elsewhere',
    );
    for (const req of [a.request, ...a.waiting])
      await tell(
        req,
        scanJoinedMessage({
          channelId: remote.channelId,
          threadTs: remote.threadTs,
          teamDomain: req.teamDomain,
          requestedBy: remote.requestedBy,
          scope: describeScanScope(remote.scope),
        }),
        log,
      );
  }

  private async runClaimed(a: Admission, log: Logger): Promise<void> {
    const now = this.o.clock.now();
    const claim = await this.o.registry.claim(
      {
        scopeKey: a.key,
        scope: a.request.scope,
        admissionId: a.id,
        requestedBy: a.request.userId,
        channelId: a.request.channelId,
        startedAt: now.toISOString(),
        expiresAt: this.expiry(),
      },
      now,
    );
    if (!claim.claimed) return this.joinRemote(a, claim.holder, log);

    let stopped = false;
    let cancel = () => {};
    const renew = () => {
      cancel = this.heartbeat.schedule(this.leaseMs / 3, () => {
        if (stopped) return;
        this.o.registry
          .renew(a.key, a.id, { expiresAt: this.expiry() })
          .then((held) => {
            if (!held)
              log.warn({ scopeKey: a.key }, 'scan claim lost (expired and taken over); the scan goes on');
          })
          .catch((err: unknown) => log.warn({ err }, 'could not renew the scan claim'))
          .finally(() => !stopped && renew());
      });
    };
    renew();
    try {
      await a.request.run(async (threadTs) => {
        a.threadTs = threadTs;
        try {
          await this.o.registry.renew(a.key, a.id, { threadTs, expiresAt: this.expiry() });
        } catch (err) {
          log.warn(
            { err },
            'could not record the scan thread; joiners on other replicas get the channel only',
          );
        }
        for (const req of a.waiting.splice(0))
          await tell(req, scanThreadReadyMessage(this.refOf(a.request, req, threadTs)), log);
      });
    } finally {
      stopped = true;
      cancel();
      // Anyone still waiting joined a scan that never posted its thread (it failed to): say where.
      for (const req of a.waiting.splice(0))
        await tell(req, scanThreadReadyMessage(this.refOf(a.request, req, a.threadTs)), log);
      await this.o.registry
        .release(a.key, a.id)
        .catch((err: unknown) =>
          log.warn({ err }, 'could not release the scan claim; it expires on its own'),
        );
    }
  }

  private startNext(): void {
    while (this.running.length < this.o.maxScans && this.queued.length) {
      const next = this.queued.shift()!;
      this.running.push(next);
      next.startSlot?.();
    }
  }

  private expiry(): string {
    return new Date(this.o.clock.now().getTime() + this.leaseMs).toISOString();
  }

  private refOf(owner: ScanAdmissionRequest, to: ScanAdmissionRequest, threadTs?: string) {
    return {
      channelId: owner.channelId,
      threadTs,
      teamDomain: to.teamDomain,
      requestedBy: owner.userId,
      scope: describeScanScope(owner.scope),
    } satisfies ScanThreadRef & { requestedBy: string; scope: string };
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** A private message that fails (an expired response_url) is logged: it must not stop a scan. */
async function tell(req: ScanAdmissionRequest, message: SlackMessage, log: Logger): Promise<void> {
  try {
    await req.replyPrivately(message);
  } catch (err) {
    log.warn({ err }, 'could not tell the requester privately');
  }
}
