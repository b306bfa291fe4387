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
  const max = opts.maxRows ?? 50;
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

  const byPlace = new Map<string, { total: number; unencrypted: number }>();
  for (const fs of scan.fileSystems) {
    const k = `${fs.accountId}/${fs.region}`;
    const v = byPlace.get(k) ?? { total: 0, unencrypted: 0 };
    v.total++;
    if (!fs.encrypted) v.unencrypted++;
    byPlace.set(k, v);
  }
  if (byPlace.size) {
    out.push('', 'By account and region:');
    for (const [k, v] of [...byPlace].sort())
      out.push(`  ${k.padEnd(28)} ${v.total} file systems, ${v.unencrypted} unencrypted`);
  }

  const candidates = scan.fileSystems
    .filter((f) => !f.encrypted)
    .sort((a, b) => b.sizeInBytes - a.sizeInBytes);
  out.push('', `Unencrypted (migration candidates): ${candidates.length}`);
  for (const fs of candidates.slice(0, max)) out.push(line(fs));
  if (candidates.length > max)
    out.push(`  … and ${candidates.length - max} more (efs-encrypt scan --csv for all)`);

  const atRisk = scan.fileSystems.filter((f) => f.encrypted && f.flags.includes('key-at-risk'));
  if (atRisk.length) {
    out.push('', `Encrypted with a key at risk (disabled or pending deletion): ${atRisk.length}`);
    for (const fs of atRisk.slice(0, max)) out.push(`${line(fs)}  key ${fs.keyState}`);
  }

  if (scan.failures.length) {
    out.push('', `Could not scan: ${scan.failures.length}`);
    for (const f of scan.failures)
      out.push(`  ${f.accountId}${f.region ? `/${f.region}` : ''} ${f.operation}: ${f.code} ${f.message}`);
  }
  return `${out.join('\n')}\n`;
}
