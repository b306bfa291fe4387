/**
 * `estate capture`: the configured accounts and regions, read with Describe/List/Get calls only,
 * written in the estate format so a team can rehearse a migration offline on a copy of its own
 * estate. Accounts and regions are read in parallel (bounded); an account the role cannot enter
 * is written as `"assumable": false`, and a region that cannot be read is left out and reported.
 * The result is checked with the estate's own loader before anyone writes it.
 */
import pLimit from 'p-limit';
import type { z } from 'zod';
import { AccountAccessError, summariseAwsError } from '../aws/aws-errors.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import { EstateFileError, estateFileSchema, parseEstate, type Estate } from '../estate/index.ts';
import { captureRegion, type CapturedRegion } from './capture-region.ts';
import { conformTo } from './conform.ts';
import type { CaptureNotice, CaptureSource } from './ports.ts';

/** The estate file as written (JSON-ready: dates as ISO strings). */
export type EstateFileJson = z.input<typeof estateFileSchema>;

export interface CaptureOptions {
  source: CaptureSource;
  /** Account and region pairs read at once. */
  concurrency: number;
  notice: CaptureNotice;
  clock?: Clock;
}

export interface RegionFailure {
  accountId: string;
  region: string;
  code: string;
  message: string;
}

export interface CaptureResult {
  file: EstateFileJson;
  /** The file as the estate loads it; undefined when the check found problems. */
  estate?: Estate;
  /** `path: message` lines from the estate's own loader; empty when the file loads. */
  problems: string[];
  accounts: string[];
  regions: string[];
  unassumable: { accountId: string; code: string; message: string }[];
  failedRegions: RegionFailure[];
  fileSystems: number;
  keys: number;
}

export async function captureEstate(options: CaptureOptions): Promise<CaptureResult> {
  const { source, notice } = options;
  const clock = options.clock ?? systemClock;
  const { accounts, regions } = await source.listTargets();
  const caller = await source.callerAccountId();

  const unassumable = new Map<string, { accountId: string; code: string; message: string }>();
  const failedRegions: RegionFailure[] = [];
  const captured = new Map<string, CapturedRegion>();
  const limit = pLimit(options.concurrency);

  await Promise.all(
    accounts.flatMap((accountId) =>
      regions.map((region) =>
        limit(async () => {
          if (unassumable.has(accountId)) return;
          try {
            const clients = await options.source.clientsFor(accountId, region);
            captured.set(
              `${accountId}/${region}`,
              await captureRegion({ clients, accountId, region, notice }),
            );
          } catch (e) {
            const s = summariseAwsError(e);
            if (e instanceof AccountAccessError) {
              if (!unassumable.has(accountId)) {
                unassumable.set(accountId, { accountId, code: e.awsCode, message: s.message });
                notice(
                  `${accountId}: cannot be entered (${e.awsCode}); written with "assumable": false and no regions. ${s.message}`,
                );
              }
              return;
            }
            failedRegions.push({ accountId, region, code: s.code, message: s.message });
            notice(`${accountId} ${region}: left out: ${s.code}: ${s.message}`);
          }
        }),
      ),
    ),
  );

  const raw = {
    description: `Captured by efs-encrypt estate capture at ${clock.now().toISOString()} from accounts ${accounts.join(', ')} in ${regions.join(', ')}.`,
    ...(caller && accounts.includes(caller) ? { callerAccountId: caller } : {}),
    accounts: accounts.map((accountId) =>
      unassumable.has(accountId)
        ? { accountId, assumable: false, regions: {} }
        : {
            accountId,
            regions: Object.fromEntries(
              regions.flatMap((region) => {
                const r = captured.get(`${accountId}/${region}`);
                return r ? [[region, r]] : [];
              }),
            ),
          },
    ),
  };
  const { value: file, dropped } = conformTo(estateFileSchema, raw, 'estate');
  for (const member of dropped) notice(`left out (the estate format does not hold it): ${member}`);

  let estate: Estate | undefined;
  let problems: string[] = [];
  try {
    estate = parseEstate(file, 'the capture');
  } catch (e) {
    if (!(e instanceof EstateFileError)) throw e;
    problems = e.problems;
  }
  const regionsCaptured = [...captured.values()];
  return {
    file,
    estate,
    problems,
    accounts,
    regions,
    unassumable: [...unassumable.values()],
    failedRegions,
    fileSystems: regionsCaptured.reduce((n, r) => n + r.fileSystems.length, 0),
    keys: regionsCaptured.reduce((n, r) => n + r.keys.length, 0),
  };
}
