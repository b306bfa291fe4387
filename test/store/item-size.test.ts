import { describe, expect, it } from 'vitest';
import { itemSize, joinBytes, packJson, splitBytes, unpackJson } from '../../src/store/item-size.ts';

describe('item size', () => {
  it('counts names, UTF-8 strings, numbers, binary and nested documents as DynamoDB does', () => {
    expect(itemSize({ pk: 'abc' })).toBe(2 + 3);
    expect(itemSize({ n: 'é' })).toBe(1 + 2);
    // Numbers: one byte per two significant digits, plus one.
    expect(itemSize({ n: 12345 })).toBe(1 + 4);
    expect(itemSize({ b: new Uint8Array(10) })).toBe(1 + 10);
    // Map: 3 bytes + per element 1 byte + name + value.
    expect(itemSize({ m: { a: 'xy', t: true } })).toBe(1 + 3 + (1 + 1 + 2) + (1 + 1 + 1));
    // List: 3 bytes + per element 1 byte + value.
    expect(itemSize({ l: ['a', 'bc'] })).toBe(1 + 3 + (1 + 1) + (1 + 2));
    expect(itemSize({ gone: undefined, nil: null })).toBe(3 + 1);
  });
});

describe('packing', () => {
  it('gzips JSON and splits it into pieces no larger than asked, which join back', async () => {
    const value = {
      list: Array.from({ length: 2000 }, (_, i) => ({ i, s: `item-${i}-${(i * 7919) % 1000}` })),
    };
    const packed = await packJson(value);
    expect(packed.byteLength).toBeLessThan(JSON.stringify(value).length);
    const pieces = splitBytes(packed, 1000);
    expect(pieces.length).toBe(Math.ceil(packed.byteLength / 1000));
    expect(pieces.every((p) => p.byteLength <= 1000)).toBe(true);
    expect(await unpackJson(joinBytes(pieces))).toEqual(value);
  });

  it('keeps one (empty) piece for an empty payload and rejects a non-positive size', () => {
    expect(splitBytes(new Uint8Array(0))).toHaveLength(1);
    expect(() => splitBytes(new Uint8Array(3), 0)).toThrow(RangeError);
  });
});
