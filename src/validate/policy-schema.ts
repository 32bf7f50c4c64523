/** The ReleasePolicy JSON Schema (`schemas/release-policy.schema.json`). */
import type { ValidateFunction } from 'ajv';
import { schemaDocument, type SchemaDocument, type SchemaNode } from './json-schema.js';

export type { SchemaNode } from './json-schema.js';

export const API_VERSION = 'modelgate.io/v1alpha1';
export const KIND = 'ReleasePolicy';

/** src/validate and dist/validate both sit two levels below the package root. */
export const policySchemaDocument: SchemaDocument = schemaDocument(
  { apiVersion: API_VERSION, kind: KIND, noun: 'policy', place: 'keep other manifests out of the policy folder' },
  new URL('../../schemas/release-policy.schema.json', import.meta.url),
  new URL('./policy-validator.generated.cjs', import.meta.url),
);

export const policySchemaText = (): string => policySchemaDocument.text();
export const policySchema = (): SchemaNode => policySchemaDocument.schema();
export const compilePolicyValidator = (): ValidateFunction => policySchemaDocument.compile();
export const withPolicySchemaNodes = (precompiled: ValidateFunction): ValidateFunction => policySchemaDocument.withSchemaNodes(precompiled);
export const defName = (node: unknown): string | undefined => policySchemaDocument.defName(node);
export const POLICY_VALIDATOR = policySchemaDocument.precompiled;
