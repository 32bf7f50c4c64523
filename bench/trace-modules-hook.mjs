/** Module hook for trace-modules.mjs; runs on the loader thread, so it writes synchronously. */
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (process.env.MODELGATE_TRACE_MODULES) appendFileSync(process.env.MODELGATE_TRACE_MODULES, `${resolved.url}\n`);
  return resolved;
}
