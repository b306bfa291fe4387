import { humanBytes } from '#blocks/format.ts';
import { ownership, type FileSystemRecord, type ScanRecord } from '../../domain/inventory.ts';

function line(fs: FileSystemRecord): string {
  const { env, app, owner } = ownership(fs);
  const who = [env && `env=${env}`, app && `app=${app}`, owner && `owner=${owner}`].filter(Boolean).join(' ');
  const flags = fs.flags.length ? ` [${fs.flags.join(', ')}]` : '';
  const vpcs = fs.vpcIds.length ? ` ${fs.vpcIds.join(',')}` : '';
  return `  ${fs.fileSystemId.padEnd(22)} ${(fs.name ?? '-').slice(0, 28).padEnd(28)} ${humanBytes(fs.sizeInBytes).padStart(9)}  ${fs.accountId}/${fs.region}${vpcs}${who ? `  ${who}` : ''}${flags}`;
}

/** The terminal twin of the Slack summary: counts, candidates first, then what is at risk, then failures. */
export function scanSummaryText(scan: ScanRecord, opts: { maxRows?: number } = {}): string {
  const text = scanSummaryTextBuilder(opts);
  for (const fs of scan.fileSystems) text.add(fs);
  return text.render(scan);
}

/**
 * scanSummaryText fed one file system at a time (a scan streamed from the store): it keeps the
 * counts and the rows it prints, never the inventory. Ties keep the inventory's order, as a
 * stable sort of the whole list would.
 */
export function scanSummaryTextBuilder(opts: { maxRows?: number } = {}) {
  const max = opts.maxRows ?? 50;
  const byPlace = new Map<string, { total: number; unencrypted: number }>();
  let candidates: { fs: FileSystemRecord; n: number }[] = [];
  let candidateCount = 0;
  const atRisk: FileSystemRecord[] = [];
  let atRiskCount = 0;
  let seen = 0;
  const largestFirst = (a: { fs: FileSystemRecord; n: number }, b: { fs: FileSystemRecord; n: number }) =>
    b.fs.sizeInBytes - a.fs.sizeInBytes || a.n - b.n;
  return {
    add(fs: FileSystemRecord): void {
      const k = `${fs.accountId}/${fs.region}`;
      const v = byPlace.get(k) ?? { total: 0, unencrypted: 0 };
      v.total++;
      if (!fs.encrypted) v.unencrypted++;
      byPlace.set(k, v);
      if (!fs.encrypted) {
        candidateCount++;
        candidates.push({ fs, n: seen });
        if (candidates.length > 2 * max) candidates = candidates.sort(largestFirst).slice(0, max);
      }
      if (fs.encrypted && fs.flags.includes('key-at-risk')) {
        atRiskCount++;
        if (atRisk.length < max) atRisk.push(fs);
      }
      seen++;
    },
    render(scan: Omit<ScanRecord, 'fileSystems'>): string {
      const out: string[] = [];
      const s = scan.stats;
      out.push(`Scan ${scan.scanId} (${scan.startedAt}${scan.finishedAt ? ` → ${scan.finishedAt}` : ''})`);
      out.push(
        `${s.fileSystems} file systems in ${scan.accounts.length} accounts × ${scan.regions.length} regions: ` +
          `${s.encrypted} encrypted, ${s.unencrypted} unencrypted.`,
      );
      const flags = Object.entries(s.byFlag)
        .filter(([, n]) => n)
        .map(([f, n]) => `${f} ${n}`);
      if (flags.length) out.push(`Flags: ${flags.join(', ')}`);
      out.push(`API calls ${s.apiCalls}, throttled ${s.throttles}, ${(s.durationMs / 1000).toFixed(1)} s.`);

      if (byPlace.size) {
        out.push('', 'By account and region:');
        for (const [k, v] of [...byPlace].sort())
          out.push(`  ${k.padEnd(28)} ${v.total} file systems, ${v.unencrypted} unencrypted`);
      }

      out.push('', `Unencrypted (migration candidates): ${candidateCount}`);
      for (const { fs } of [...candidates].sort(largestFirst).slice(0, max)) out.push(line(fs));
      if (candidateCount > max)
        out.push(`  … and ${candidateCount - max} more (efs-encrypt scan --csv for all)`);

      if (atRiskCount) {
        out.push('', `Encrypted with a key at risk (disabled or pending deletion): ${atRiskCount}`);
        for (const fs of atRisk) out.push(`${line(fs)}  key ${fs.keyState}`);
      }

      if (scan.failures.length) {
        out.push('', `Could not scan: ${scan.failures.length}`);
        for (const f of scan.failures)
          out.push(
            `  ${f.accountId}${f.region ? `/${f.region}` : ''} ${f.operation}: ${f.code} ${f.message}`,
          );
      }
      return `${out.join('\n')}\n`;
    },
  };
}
