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
import { PacedSends } from './paced-sends.ts';
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
  /** Private notices in flight at once (DEFAULT_NOTICE_CONCURRENCY). */
  noticeConcurrency?: number;
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

/** A scan admitted in this process: waiting for a slot, or holding one. */
interface Admission {
  id: string;
  key: string;
  request: ScanAdmissionRequest;
  threadTs?: string;
  /** Told once the thread exists: those who joined before it did. */
  waiting: ScanAdmissionRequest[];
  /** Resolves when the admission holds a slot (at once for one admitted into a free slot). */
  slot: Promise<void>;
  startSlot?: () => void;
  /** Private notices sent for this admission; its request resolves once they are. */
  notices: Promise<void>[];
}

/**
 * What `admit` decided at once, from this process's own scans: no store look-up and no Slack call,
 * so a slash command can carry the answer in its ack body.
 */
export type AdmissionDecision =
  /** A scan admitted here covers the scope: `message` says where to follow it; nothing to run. */
  | { kind: 'joined'; message: SlackMessage }
  /** Waits for a slot (`message` says so); `proceed` resolves when its scan has run or joined one elsewhere. */
  | { kind: 'queued'; message: SlackMessage; proceed(): Promise<void>; withdraw(): boolean }
  /** Holds a slot now; `proceed` checks the store, claims the scope and runs it. */
  | { kind: 'start'; proceed(): Promise<void>; withdraw(): boolean };

export const DEFAULT_SCAN_LEASE_MS = 5 * 60_000;
/** Private notices (joins elsewhere, "thread ready") in flight at once; the rest wait their turn. */
export const DEFAULT_NOTICE_CONCURRENCY = 4;

/**
 * Decides what a `/efs-encrypt scan` does: join a running scan that covers its scope (a private
 * message with the thread's link, no second scan), wait for a slot when `maxScans` run already (a
 * private "queued behind N"), or run. The channel sees a scan's root message only when it starts:
 * a queued placeholder would sit in the channel for minutes, need an edit later, and be orphaned
 * if the process died; the requester is told privately instead and is mentioned when it starts.
 *
 * The decision against this process's scans is synchronous (`admit`), so the slash command answers
 * a join or a queue place in its ack; the store (other replicas' scans, the scope's claim) is
 * consulted afterwards, in `proceed`. Across replicas each running scan claims its scope in the
 * store (a conditional write with a lease renewed while it runs, released when it ends). The cap
 * is per process.
 */
export class ScanAdmission {
  /** Holding a slot: running, or checking the store before it runs. */
  private readonly running: Admission[] = [];
  private readonly queued: Admission[] = [];
  private readonly leaseMs: number;
  private readonly heartbeat: Scheduler;
  private readonly sends: PacedSends;

  constructor(private readonly o: ScanAdmissionOptions) {
    this.leaseMs = o.leaseMs ?? DEFAULT_SCAN_LEASE_MS;
    this.heartbeat = o.heartbeat ?? systemScheduler;
    this.sends = new PacedSends(o.noticeConcurrency ?? DEFAULT_NOTICE_CONCURRENCY);
  }

  /** Scans running in this process now, and waiting for a slot. */
  get counts(): { running: number; queued: number } {
    return { running: this.running.length, queued: this.queued.length };
  }

  /**
   * Decides at once, before any await: a second request of the same scope arriving meanwhile
   * joins this one. A joiner of a scan whose thread is not posted yet is told the link later.
   */
  admit(req: ScanAdmissionRequest): AdmissionDecision {
    const log = this.logOf(req);
    const local = [...this.running, ...this.queued].find((a) => scopeCovers(a.request.scope, req.scope));
    if (local) {
      log.info({ joined: local.id, threadTs: local.threadTs }, 'scan joined a scan admitted here');
      if (!local.threadTs) local.waiting.push(req);
      return { kind: 'joined', message: scanJoinedMessage(this.refOf(local.request, req, local.threadTs)) };
    }
    const admission: Admission = {
      id: randomUUID(),
      key: scopeKey(req.scope),
      request: req,
      waiting: [],
      slot: Promise.resolve(),
      notices: [],
    };
    const proceed = () => this.proceed(admission, log);
    const withdraw = () => this.withdraw(admission, log);
    if (this.running.length >= this.o.maxScans) {
      const ahead = this.running.length + this.queued.length;
      admission.slot = new Promise<void>((resolve) => (admission.startSlot = resolve));
      this.queued.push(admission);
      log.info({ ahead }, 'scan queued');
      return { kind: 'queued', message: scanQueuedMessage(ahead, this.o.maxScans), proceed, withdraw };
    }
    this.running.push(admission);
    return { kind: 'start', proceed, withdraw };
  }

  /** `admit`, with its answer sent privately: where no ack can carry it (a worker, a redelivery). */
  async request(req: ScanAdmissionRequest): Promise<void> {
    const decision = this.admit(req);
    if (decision.kind === 'joined') return this.tell(req, decision.message, this.logOf(req));
    if (decision.kind === 'queued') await this.tell(req, decision.message, this.logOf(req));
    return decision.proceed();
  }

  /** Resolves when the admitted scan has run, or joined a covering scan another replica runs. */
  private async proceed(a: Admission, log: Logger): Promise<void> {
    let remote: RunningScan | undefined;
    try {
      remote = (await this.o.registry.listLive(this.o.clock.now())).find((r) =>
        scopeCovers(r.scope, a.request.scope),
      );
    } catch (err) {
      // The claim below is the guard that matters; a failed look-up only loses the early join.
      log.warn({ err }, 'could not list running scans; admitting on the claim alone');
    }
    if (remote) {
      this.drop(a);
      return this.joinRemote(a, remote, log);
    }
    await a.slot;
    try {
      await this.runClaimed(a, log);
    } finally {
      this.drop(a);
      await Promise.all(a.notices);
    }
  }

  /**
   * Takes back an admission that should not run (its request turned out to be a redelivery).
   * False, and it stays, when someone joined it meanwhile: they were promised its thread.
   */
  private withdraw(a: Admission, log: Logger): boolean {
    if (a.waiting.length) {
      log.info({ joiners: a.waiting.length }, 'redelivered scan kept: others joined it');
      return false;
    }
    this.drop(a);
    return true;
  }

  private drop(a: Admission): void {
    remove(this.running, a);
    remove(this.queued, a);
    this.startNext();
  }

  /** Another replica runs a covering scan: everyone waiting on this admission follows that one. */
  private async joinRemote(a: Admission, remote: RunningScan, log: Logger): Promise<void> {
    log.info(
      { joined: remote.admissionId, threadTs: remote.threadTs },
      'scan joined a scan running elsewhere',
    );
    await Promise.all(
      [a.request, ...a.waiting.splice(0)].map((req) =>
        this.tell(
          req,
          scanJoinedMessage({
            channelId: remote.channelId,
            threadTs: remote.threadTs,
            teamDomain: req.teamDomain,
            requestedBy: remote.requestedBy,
            scope: describeScanScope(remote.scope),
          }),
          log,
        ),
      ),
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
        // Not awaited: the scan starts now; the notices go out paced, behind any acks.
        this.notifyWaiting(a, threadTs, log);
      });
    } finally {
      stopped = true;
      cancel();
      // Anyone still waiting joined a scan that never posted its thread (it failed to): say where.
      this.notifyWaiting(a, a.threadTs, log);
      await this.o.registry
        .release(a.key, a.id)
        .catch((err: unknown) =>
          log.warn({ err }, 'could not release the scan claim; it expires on its own'),
        );
    }
  }

  private notifyWaiting(a: Admission, threadTs: string | undefined, log: Logger): void {
    for (const req of a.waiting.splice(0))
      a.notices.push(this.tell(req, scanThreadReadyMessage(this.refOf(a.request, req, threadTs)), log));
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

  private logOf(req: ScanAdmissionRequest): Logger {
    return this.o.logger.child({ correlationId: req.correlationId, userId: req.userId });
  }

  /** A private message that fails (an expired response_url) is logged: it must not stop a scan. */
  private tell(req: ScanAdmissionRequest, message: SlackMessage, log: Logger): Promise<void> {
    return this.sends
      .run(() => req.replyPrivately(message))
      .catch((err: unknown) => log.warn({ err }, 'could not tell the requester privately'));
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
