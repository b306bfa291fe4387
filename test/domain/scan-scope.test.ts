import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/domain/errors.ts';
import { describeScanScope, parseScanScope } from '../../src/domain/scan-scope.ts';

describe('parseScanScope', () => {
  it('reads account IDs and regions in any order, with spaces or commas, once each', () => {
    expect(parseScanScope(['eu-west-1,111122223333', 'US-EAST-1', '111122223333', 'us-gov-west-1'])).toEqual({
      accounts: ['111122223333'],
      regions: ['eu-west-1', 'us-east-1', 'us-gov-west-1'],
    });
    expect(parseScanScope([])).toEqual({ accounts: [], regions: [] });
    expect(parseScanScope([' ', ','])).toEqual({ accounts: [], regions: [] });
  });

  it('refuses anything else, naming it and saying what is expected, rather than scanning everything', () => {
    const attempt = () => parseScanScope(['eu-west-1', 'eu-wst1', '12345']);
    expect(attempt).toThrow(BadInputError);
    expect(attempt).toThrow(
      '`eu-wst1`, `12345` are neither an AWS account ID (12 digits) nor a region name (like eu-west-1).',
    );
  });
});

describe('describeScanScope', () => {
  it('reads as the messages show it, and is empty for a full scan', () => {
    expect(describeScanScope({ accounts: ['111122223333'], regions: ['eu-west-1', 'us-east-1'] })).toBe(
      '111122223333 in eu-west-1, us-east-1',
    );
    expect(describeScanScope({ accounts: [], regions: ['eu-west-1'] })).toBe(
      'every configured account in eu-west-1',
    );
    expect(describeScanScope({ accounts: ['111122223333'], regions: [] })).toBe(
      '111122223333 in every configured region',
    );
    expect(describeScanScope({})).toBe('');
  });
});
