import { APIS_PERMISSIONS_FLAG, effectiveFeatureFlags, isFlagEnabled, KNOWN_FEATURE_FLAGS } from '../../../src/core/feature-flags.js';

const ALL_FALSE = {
  'enable-connector-apis-permissions': 'false',
  'enable-connector-apis-write-passthrough': 'false',
  'enable-connector-proxy-permissions': 'false',
  'enable-connectors-approval': 'false',
  'enable-multi-connector': 'false',
  'enable-custom-ca-certs': 'false',
  'enable-pod-image-pull-via-connector': 'false',
};

describe('effectiveFeatureFlags', () => {
  it.each([
    ['no ConfigMap data', {}, ALL_FALSE],
    ['one flag on', { 'enable-custom-ca-certs': 'true' }, { ...ALL_FALSE, 'enable-custom-ca-certs': 'true' }],
    ['an unknown key is passed through', { 'enable-something-new': 'true' }, { ...ALL_FALSE, 'enable-something-new': 'true' }],
    ['values are reported as written', { 'enable-multi-connector': 'TRUE' }, { ...ALL_FALSE, 'enable-multi-connector': 'TRUE' }],
  ])('%s → %j', (_label, data, expected) => {
    expect(effectiveFeatureFlags(data)).toEqual(expected);
  });

  it('does not modify the known defaults', () => {
    effectiveFeatureFlags({ 'enable-custom-ca-certs': 'true' });
    expect(KNOWN_FEATURE_FLAGS).toEqual(ALL_FALSE);
  });

  it('the SAR #2 flag is spelled enable-connector-apis-permissions', () => {
    expect(APIS_PERMISSIONS_FLAG).toBe('enable-connector-apis-permissions');
  });
});

describe('isFlagEnabled', () => {
  it.each([
    ['true', true],
    ['True', false],
    ['TRUE', false],
    [' true', false],
    ['true ', false],
    ['yes', false],
    ['1', false],
    ['on', false],
    ['', false],
    ['false', false],
  ])('value %j → %s', (value, enabled) => {
    expect(isFlagEnabled({ [APIS_PERMISSIONS_FLAG]: value }, APIS_PERMISSIONS_FLAG)).toBe(enabled);
  });

  it.each([
    ['missing key', {}],
    ['other key on', { 'enable-custom-ca-certs': 'true' }],
  ])('%s → off', (_label, data) => {
    expect(isFlagEnabled(data, APIS_PERMISSIONS_FLAG)).toBe(false);
  });
});
