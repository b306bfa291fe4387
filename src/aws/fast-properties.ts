/**
 * An SDK client's resolved configuration back in V8's fast-properties mode, same object (issue 19).
 *
 * Every SDK v3 client builds its configuration as one object that its resolvers extend one
 * `Object.assign` at a time (about 44 members); past a few dozen V8 turns it into a hash table
 * ("dictionary mode"), and it never turns back on its own. The SDK then copies that object on every
 * call: the endpoint middleware (`{ ...config }`, @smithy/core/endpoints) and the schema serialiser
 * and deserialiser (`{ ...config, ...context }`, @smithy/core/schema). A copy of the hash-table
 * object costs about 22 µs, of a fast one about 1.5 µs: three per call, about 60 µs a call.
 *
 * Those middlewares, the signer and the credential accessor all hold this very object, so a fresh
 * copy would split the client's state (clock offset, signing Region) between two objects. Instead the
 * object itself is turned back: V8 makes an object fast when it is the prototype on a lookup path
 * (JSObject::MakePrototypesFast, the technique of the `to-fast-properties` package Babel uses). Only
 * its hidden layout changes: no member, accessor, order or identity does; the object is a prototype
 * only for the duration of the call (an instance that is dropped at once).
 */

function Holder(): void {}

/** A property lookup that misses through the prototype chain: what makes V8 optimise the prototype. */
function lookUpThrough(instance: object): unknown {
  return (instance as { __fastPropertiesProbe?: unknown }).__fastPropertiesProbe;
}

/** Gives `object` V8's fast layout again if it has lost it; returns the same object. */
export function withFastProperties<T extends object>(object: T): T {
  Holder.prototype = object;
  const instance: object = new (Holder as unknown as new () => object)();
  // A lookup site optimises prototypes only once it has feedback (after its first misses).
  lookUpThrough(instance);
  lookUpThrough(instance);
  Holder.prototype = Object.prototype;
  return object;
}

// Lookup sites get their feedback after several runs: warm this one up once so the first clients
// are turned fast too.
for (let i = 0; i < 16; i++) withFastProperties({});

/** The client's configuration in fast mode; call once the client is built (its resolvers have run). */
export function compactClientConfig(client: { config: object }): void {
  withFastProperties(client.config);
}
