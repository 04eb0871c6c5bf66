/**
 * The diagnostics channel main.ts publishes on once the server is ready. The bundle's launcher (bundle-launcher.ts)
 * listens on it to write V8's code cache after start-up, when the cache can hold everything start-up compiled.
 */
export const startupCompleteChannel = 'rekey:startup-complete';
