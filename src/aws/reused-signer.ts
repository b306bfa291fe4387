/**
 * One SigV4 signer per SDK client, made once, instead of one per call.
 *
 * The SDK's default signer provider (`config.signer`, @aws-sdk/core's resolveAwsSdkSigV4Config) builds
 * a new SignatureV4 on every call from a copy of the client's whole resolved configuration (about 50
 * members), and SignatureV4 derives its signing key (four HMACs, plus one to look it up) on every
 * call unless that key is among the 50 derived last in the whole process. A scan signs with one key
 * per account, Region and service (300 and more for 5 accounts × 20 Regions), so that cache never
 * hits. Both showed in the scan's CPU profile (issue 19).
 *
 * The first call of each auth scheme goes through the SDK's own provider, so the signer is exactly
 * the one the SDK would build: after its first call the default provider pins the signing Region and
 * name in the client's configuration and builds the same signer again on every later call. The
 * signer asks the client's credential provider for credentials on every call as before, so refreshed
 * credentials (AssumeRole's expire) are used as soon as the provider hands them out; the signing key
 * is kept per credentials object and day, Region and service, and derived again when any changes.
 */

import type { AuthScheme, RequestSigner } from '@smithy/types';

/** The part of an SDK client's resolved configuration this touches. */
export interface SignerConfig {
  signer?: (authScheme?: AuthScheme) => Promise<RequestSigner>;
}

/** SignatureV4's key derivation, as @smithy/signature-v4 names it. */
type DeriveKey = (
  credentials: object,
  region: string,
  shortDate: string,
  service?: string,
) => Promise<Uint8Array>;

/** Signing keys of one signer: by credentials object, then by day, Region and service. */
function cachedDerivation(derive: DeriveKey): DeriveKey {
  const byCredentials = new WeakMap<object, Map<string, Promise<Uint8Array>>>();
  return (credentials, region, shortDate, service) => {
    let keys = byCredentials.get(credentials);
    if (!keys) byCredentials.set(credentials, (keys = new Map()));
    const id = `${shortDate}/${region}/${service ?? ''}`;
    let key = keys.get(id);
    if (!key) {
      // A day rolls over at most once per scan: keep only the current key.
      keys.clear();
      key = derive(credentials, region, shortDate, service);
      // A failed derivation is not kept.
      key.catch(() => keys.delete(id));
      keys.set(id, key);
    }
    return key;
  };
}

export function reuseSigner(client: { config: SignerConfig }): void {
  const makeSigner = client.config.signer;
  if (typeof makeSigner !== 'function') return;
  const signers = new Map<string, Promise<RequestSigner>>();
  client.config.signer = (authScheme) => {
    const id = `${authScheme?.name ?? ''}/${authScheme?.signingName ?? ''}/${authScheme?.signingRegion ?? ''}`;
    let signer = signers.get(id);
    if (!signer) {
      signer = makeSigner(authScheme).then((made) => {
        const withKey = made as { getSigningKey?: DeriveKey };
        // Only where the SDK's signer derives its key through this method (SignatureV4 does).
        if (typeof withKey.getSigningKey === 'function')
          withKey.getSigningKey = cachedDerivation(withKey.getSigningKey.bind(made));
        return made;
      });
      signer.catch(() => signers.delete(id));
      signers.set(id, signer);
    }
    return signer;
  };
}
