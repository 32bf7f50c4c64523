import { describe, expect, it } from 'vitest';
import { crdSchemasCheck } from '../../src/check/crd-schemas.js';
import { headerExpression, istioTelemetryTarget, TELEMETRY_FILE } from '../../src/targets/istio-telemetry.js';
import { examplePolicy } from '../gates/example-policies.js';
import { objectOfKind } from '../support/compiled-objects.js';

const fraud = examplePolicy('fraud-detector.yaml');

describe('Istio Telemetry for segment labels', () => {
  it('adds each declared segment label, from its header, to the two metrics the gates read, server side', () => {
    const files = istioTelemetryTarget.build(fraud);
    expect(files.map((f) => f.path)).toEqual([TELEMETRY_FILE]);
    const telemetry = objectOfKind(files, 'Telemetry');
    expect(telemetry.spec.selector).toEqual({ matchLabels: { app: 'fraud-detector' } });
    const overrides = telemetry.spec.metrics[0].overrides as Array<{ match: { metric: string; mode: string }; tagOverrides: Record<string, { operation: string; value: string }> }>;
    expect(overrides.map((o) => o.match)).toEqual([
      { metric: 'REQUEST_COUNT', mode: 'SERVER' },
      { metric: 'REQUEST_DURATION', mode: 'SERVER' },
    ]);
    for (const override of overrides) {
      expect(override.tagOverrides).toEqual({ merchant_category: { operation: 'UPSERT', value: 'request.headers["x-merchant-category"]' } });
    }
  });

  it('is not emitted when no segment is declared', () => {
    expect(istioTelemetryTarget.build(examplePolicy('recommender.yaml'))).toEqual([]);
  });

  it('quotes the header as a string literal, so no header name can end the expression', () => {
    expect(headerExpression('a"]||true||["b')).toBe('request.headers["a\\"]||true||[\\"b"]');
  });

  it('passes the strict Telemetry schema, and the schema notices a misspelt field', () => {
    const files = istioTelemetryTarget.build(fraud);
    expect(crdSchemasCheck.check(fraud, files)).toEqual([]);
    const telemetry = objectOfKind(files, 'Telemetry');
    telemetry.spec.metrics[0].overrides[0].tagOverride = telemetry.spec.metrics[0].overrides[0].tagOverrides;
    expect(crdSchemasCheck.check(fraud, files).map((f) => f.message).join('\n')).toMatch(/tagOverride/);
  });
});
