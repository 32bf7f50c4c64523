/** The PlatformProfile JSON Schema (`schemas/platform-profile.schema.json`). */
import { schemaDocument, type SchemaDocument } from './json-schema.js';
import { API_VERSION } from './policy-schema.js';

export const PROFILE_KIND = 'PlatformProfile';

/** src/validate and dist/validate both sit two levels below the package root. */
export const profileSchemaDocument: SchemaDocument = schemaDocument(
  { apiVersion: API_VERSION, kind: PROFILE_KIND, noun: 'platform profile', place: 'modelgate.config.yaml holds the one platform profile of the repository' },
  new URL('../../schemas/platform-profile.schema.json', import.meta.url),
  new URL('./profile-validator.generated.cjs', import.meta.url),
);
