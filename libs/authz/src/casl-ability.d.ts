// @casl/ability 7 publishes its types only through package.json "exports", which the
// workspace's `moduleResolution: node` does not read. This points the bare specifier at the
// same declaration file until the workspace moves to `node16`/`bundler` resolution.
declare module '@casl/ability' {
  export * from '@casl/ability/dist/types/index';
}
