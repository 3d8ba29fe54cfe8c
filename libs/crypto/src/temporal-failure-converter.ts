import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Loaded by path (DataConverter.failureConverterPath), in the worker, the client and inside the
 * workflow bundle: a failure's message and stack trace are moved into a payload, so the payload
 * codec encrypts them like any other value. The default converter would store them as plain text
 * in the history, and error messages often quote the very input that must stay secret.
 *
 * Imports nothing but @temporalio/common: this module runs in the workflow sandbox.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
