import type { ScanRecord } from '../domain/inventory.ts';
import type { IoHost } from '../workflow/io-host.ts';
import type { ScanRepository } from '../workflow/ports.ts';
import type { DecideService } from '../workflow/decide/index.ts';

/**
 * What the Slack app needs from the rest of the program, filled in by the composition root
 * (src/cli serve) and by tests with fakes. The Slack layer never builds workflows itself.
 */
export interface ScanService {
  /** Runs one scan, reporting progress through `io`; resolves with the finished scan. */
  run(req: { requestedBy: string; io: IoHost }): Promise<ScanRecord>;
}

export interface SlackServices {
  scan: ScanService;
  scans: ScanRepository;
  /** The decide phase (plan modal, key options); absent until the composition root provides it. */
  decide?: DecideService;
}
