import type { Directories } from '../../aws/directory-clients.ts';
import {
  createDecideWorkflow,
  type DecideService,
  type DecideWorkflow,
} from '../../workflow/decide/index.ts';
import type { Runtime } from '../runtime.ts';
import { lazyDirectories } from './lazy-directories.ts';

export interface DecidePhase extends DecideService {
  workflow: DecideWorkflow;
  directories: Directories;
}

/**
 * The decide workflow over a runtime's store and account clients (the CLI and the Slack app share
 * it). Apart from the plan command's module, which `--help` loads, so it loads only when used.
 */
export function openDecidePhase(runtime: Runtime): DecidePhase {
  const directories = lazyDirectories(runtime.accounts);
  const workflow = createDecideWorkflow({
    keys: directories.keys,
    network: directories.network,
    migrations: runtime.store.migrations,
    scans: runtime.store.scans,
    policy: runtime.config.policy.rules,
    clock: { now: () => new Date() },
  });
  return { workflow, keys: directories.keys, directories };
}
