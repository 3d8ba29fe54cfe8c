/**
 * Bundles the interpreter workflow for production workers (WARDEN_WORKFLOW_BUNDLE):
 *
 *   npm run build:workflows [-- out/file.js]     (default dist/workflow-bundle.js)
 */
import { resolve } from 'node:path';
import { bundleWardenWorkflows } from '../src';

const outFile = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');

bundleWardenWorkflows(outFile).then(
  () => process.stdout.write(`workflow bundle written to ${outFile}\n`),
  (err: unknown) => {
    process.stderr.write(`bundle-workflows: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
