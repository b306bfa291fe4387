/**
 * The SDK reads its endpoints, credentials and Region from process.env (and from the profile
 * files it names), so tests that reach an estate through the real SDK clients set them there and
 * put them back afterwards.
 */

/** No profile files from the machine running the tests. */
export const NO_AWS_FILES = {
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
};

/**
 * Static example credentials (AWS's documentation pair) and `region` for the SDK, with no profile
 * files and no session or profile of the developer's own leaking in.
 */
export function useExampleCredentials(region: string): void {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_REGION: region,
    ...NO_AWS_FILES,
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}

/** Puts process.env back to `saved` (a copy taken earlier): added variables go, changed ones return. */
export function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
}
