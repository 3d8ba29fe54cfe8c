import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { TEMPORAL_FAILURE_CONVERTER_PATH } from '@warden/crypto';

/** The module the worker bundles: the interpreter workflow and nothing else. */
export const WORKFLOWS_PATH = require.resolve('./workflows');

/**
 * Bundles the interpreter workflow into one file. Production workers and the test suite load
 * this prebuilt bundle instead of running webpack at every start. The failure converter goes in
 * with it: a workflow's own failure messages are encrypted like its activities'.
 */
export async function bundleWardenWorkflows(outFile: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: TEMPORAL_FAILURE_CONVERTER_PATH,
  });
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
}
