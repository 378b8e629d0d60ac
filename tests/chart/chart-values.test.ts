import { renderFailure, renderNotes } from './helm.js';

describe('values.schema.json', () => {
  it.each([
    ['replicas=abc', 'replicas'],
    ['replicas=0', 'replicas'],
    ['bogus=1', 'bogus'],
    ['ingress.bogus=1', 'bogus'],
    ['featureFlags.flags.enable-everything=true', 'enable-everything'],
    ['featureFlags.flags.enable-multi-connector=yes', 'enable-multi-connector'],
    ['pluginAuthEncoding=hex', 'pluginAuthEncoding'],
    ['logLevel=trace', 'logLevel'],
    ['upstreamTimeoutMs=soon', 'upstreamTimeoutMs'],
    ['networkPolicy.enabled=maybe', 'enabled'],
  ])('rejects --set %s', (set, named) => {
    const stderr = renderFailure([set]);
    expect(stderr).toContain("values don't meet the specifications of the schema");
    expect(stderr).toContain(named);
  });

  it('refuses a termination grace period that the drain bound would outlast', () => {
    expect(renderFailure(['terminationGracePeriodSeconds=12'])).toContain('terminationGracePeriodSeconds (12 s) must exceed');
  });
});

describe('NOTES.txt', () => {
  it('prints a curl of the resources route with a ServiceAccount token', () => {
    const notes = renderNotes();
    expect(notes).toContain('kubectl -n "$NS" create token default');
    expect(notes).toContain('port-forward service/connectors-api 18080:80');
    expect(notes).toContain('curl -s -H "Authorization: Bearer $TOKEN"');
    expect(notes).toContain('"http://127.0.0.1:18080/connectors/v1alpha1/namespaces/$NS/connectors/$CONNECTOR/resources/$RESOURCE"');
  });

  it('switches to HTTPS with TLS and adds the ingress URL when there is one', () => {
    const notes = renderNotes({ tls: { secretName: 'api-tls' }, ingress: { enabled: true, host: 'c.example.com', tls: { secretName: 'i-tls' } } });
    expect(notes).toContain('"https://c.example.com/connectors/v1alpha1/namespaces/$NS/connectors/$CONNECTOR/resources/$RESOURCE"');
    expect(notes).toContain('curl -s -k -H "Authorization: Bearer $TOKEN"');
    expect(notes).toContain('"https://127.0.0.1:18080/connectors/v1alpha1/');
  });
});
