/**
 * Which bundle this code runs in, undefined when it runs as tsc built it (dist/, the tests).
 * Set only by a bundle's build (`define` in build/node-bundle.mjs): 'action' when the validators
 * are inside the bundle (action/build.mjs), 'cli' when they are files beside it (build/cli.mjs).
 */
declare const MODELGATE_BUNDLE: 'action' | 'cli';
export const BUNDLE: 'action' | 'cli' | undefined = typeof MODELGATE_BUNDLE === 'undefined' ? undefined : MODELGATE_BUNDLE;
