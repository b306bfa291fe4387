/**
 * The settings every SDK client otherwise looks up on its own first call, looked up once per process
 * (issue 19).
 *
 * Each SDK v3 client made without them builds its own loader for `useFipsEndpoint`,
 * `useDualstackEndpoint`, `userAgentAppId` and `authSchemePreference` (the environment, then the
 * shared config file, then a default). Where a link finds nothing it throws an error (stack trace
 * included, and a regex over the selector's source for the message), so every fresh client paid
 * about 0.3 ms of CPU on its first call, for 300 and more clients a scan. These are the SDK's own
 * loaders with the options its clients use (`loadConfig(NODE_…_OPTIONS, { profile, logger })`),
 * memoised as there, so each client sees the same values as before, from one lookup instead of one
 * each. The endpoint (AWS_ENDPOINT_URL…) is left to each client: it is per service.
 */
import { NODE_APP_ID_CONFIG_OPTIONS } from '@aws-sdk/core/client';
import { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } from '@aws-sdk/core/httpAuthSchemes';
import {
  loadConfig,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
} from '@smithy/core/config';

export interface SharedConfigLoaders {
  useFipsEndpoint: () => Promise<boolean>;
  useDualstackEndpoint: () => Promise<boolean>;
  userAgentAppId: () => Promise<string | undefined>;
  authSchemePreference: () => Promise<string[]>;
}

let loaders: SharedConfigLoaders | undefined;

/** One set per process: the environment and the shared config file do not change during a run. */
export function sharedConfigLoaders(): SharedConfigLoaders {
  // The SDK's clients pass the default profile (none set here) and their no-op logger.
  const options = {};
  loaders ??= {
    useFipsEndpoint: loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, options),
    useDualstackEndpoint: loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, options),
    userAgentAppId: loadConfig(NODE_APP_ID_CONFIG_OPTIONS, options),
    authSchemePreference: loadConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS, options),
  };
  return loaders;
}
