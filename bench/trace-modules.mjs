/**
 * Preload (`node --import`) that lists every module a command loads: each resolved URL is
 * appended to $MODELGATE_TRACE_MODULES. Used to keep heavy packages off a command's start-up path.
 * A synchronous hook (`registerHooks`, Node ≥ 22.15) sees `require` as well as `import`: the PromQL
 * parser is required on demand (src/check/promql-shape.ts).
 */
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    if (process.env.MODELGATE_TRACE_MODULES) appendFileSync(process.env.MODELGATE_TRACE_MODULES, `${resolved.url}\n`);
    return resolved;
  },
});
