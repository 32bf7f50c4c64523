/**
 * Preload (`node --import`) that lists every module a command loads: each resolved URL is
 * appended to $MODELGATE_TRACE_MODULES. Used to keep heavy packages off a command's start-up path.
 */
import { register } from 'node:module';

register('./trace-modules-hook.mjs', import.meta.url);
