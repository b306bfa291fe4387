import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { HolderLiveness, LeaseHolder } from '../../domain/job.ts';

/**
 * Tells whether the process named on a lease still runs (DESIGN.md: "Restarts resume at once").
 * Only processes on this host can be checked; for any other host the answer is `unknown` and the
 * lease's expiry decides, as before. A live PID is not enough: PIDs are reused, so on Linux the
 * process's start time (from /proc, with the boot ID) recorded at lease time must still match.
 */
export interface LeaseHolderProbe {
  /** This process, as it records itself on every lease it takes. */
  readonly self: LeaseHolder;
  liveness(holder: LeaseHolder | undefined): HolderLiveness;
}

/** The OS facts the probe needs; injected by tests to play a dead or reused PID. */
export interface ProcessFacts {
  host: string;
  pid: number;
  /** Random per process (per module instance): this process's own leases carry it. */
  instance: string;
  /** False when no process has this PID (kill(pid, 0) fails with ESRCH). */
  exists(pid: number): boolean;
  /** The process's start as the OS reports it; undefined where it cannot be read. */
  startedOf(pid: number): string | undefined;
}

/** Liveness without killing: signal 0 checks existence; EPERM means it exists as another user. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let bootId: string | undefined | null = null;

/**
 * Linux: `<boot id>:<start time>`, the start time being field 22 of /proc/<pid>/stat (clock ticks
 * after boot; fixed for the process's life). The boot ID keeps a reboot's PIDs apart.
 */
function linuxStartOf(pid: number): string | undefined {
  try {
    if (bootId === null) {
      try {
        bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      } catch {
        bootId = undefined;
      }
    }
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start ? `${bootId ?? 'boot'}:${start}` : undefined;
  } catch {
    return undefined;
  }
}

const PROCESS_INSTANCE = randomUUID();

export const localProcessFacts: ProcessFacts = {
  host: hostname(),
  pid: process.pid,
  instance: PROCESS_INSTANCE,
  exists: processExists,
  startedOf: linuxStartOf,
};

export function createLeaseHolderProbe(facts: ProcessFacts = localProcessFacts): LeaseHolderProbe {
  const started = facts.startedOf(facts.pid);
  const self: LeaseHolder = {
    host: facts.host,
    pid: facts.pid,
    instance: facts.instance,
    ...(started ? { started } : {}),
  };
  return {
    self,
    liveness(holder) {
      if (!holder || holder.host !== facts.host) return 'unknown';
      if (holder.pid === facts.pid) {
        if (holder.instance === facts.instance) return 'alive';
        // Our PID but another instance: another module instance of this very process (same start),
        // or an earlier process that had our PID and is necessarily gone.
        return holder.started && holder.started === started ? 'alive' : 'gone';
      }
      if (!facts.exists(holder.pid)) return 'gone';
      const now = holder.started ? facts.startedOf(holder.pid) : undefined;
      if (now && now !== holder.started) return 'gone';
      return 'alive';
    },
  };
}

let local: LeaseHolderProbe | undefined;

/** The probe for this process on the real OS, made once. */
export function localLeaseHolders(): LeaseHolderProbe {
  return (local ??= createLeaseHolderProbe());
}
