import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { CryptoError, type CryptoErrorCode } from '@warden/crypto';
import { RunError } from '../runs/runs.errors';
import { fromBodyParserError } from './body-parser-errors';
import { errorResponse, toKnownError } from './error-mapping';
import { httpStatusFor } from './error-status';

describe('error mapping', () => {
  const request = { method: 'GET', url: '/v1/nothing?x=1' };

  it('keeps our own errors and gives them their status and body', () => {
    const err = new RunError('step_not_waiting', 'step is running', { stepStatus: 'running' });
    expect(toKnownError(err, request)).toBe(err);
    expect(errorResponse(err, 'req-1')).toEqual({
      status: 409,
      body: {
        error: { code: 'step_not_waiting', message: 'step is running', details: { stepStatus: 'running' } },
        requestId: 'req-1',
      },
    });
  });

  it('maps framework errors to stable codes', () => {
    expect(toKnownError(new NotFoundException(), request)).toMatchObject({
      code: 'route_not_found',
      message: 'no route GET /v1/nothing',
    });
    expect(toKnownError(new PayloadTooLargeException(), request).code).toBe('payload_too_large');
    expect(toKnownError(new BadRequestException("Failed to decode param '%FF'"), request).code).toBe(
      'invalid_request',
    );
  });

  it('never leaks internals of unexpected errors', () => {
    const mapped = toKnownError(new Error('password=hunter2 at /srv/secret.ts:12'), request);
    expect(mapped.code).toBe('internal_error');
    expect(mapped.message).not.toContain('hunter2');
    expect(errorResponse(mapped, 'r').status).toBe(500);
  });

  it('names what failed when stored ciphertext cannot be read: shredded 410, provider 503, integrity 500', () => {
    const status = (code: CryptoErrorCode) =>
      errorResponse(toKnownError(new CryptoError(code, 'why'), request), 'r');
    expect(status('key_destroyed')).toMatchObject({
      status: 410,
      body: { error: { code: 'key_destroyed' } },
    });
    expect(status('key_provider_failed').status).toBe(503);
    expect(status('ciphertext_tampered')).toMatchObject({
      status: 500,
      body: { error: { code: 'ciphertext_tampered', message: 'why' } },
    });
    expect(status('ciphertext_context_mismatch').body.error.code).toBe('ciphertext_context_mismatch');
  });

  it('locates JSON syntax errors by line and column', () => {
    const err = {
      type: 'entity.parse.failed',
      status: 400,
      message: 'Unexpected token } in JSON at position 14',
      body: '{\n  "a": 1,\n  }',
    };
    expect(fromBodyParserError(err).details).toEqual({
      problems: [{ path: '', message: err.message, line: 3, column: 3 }],
    });
  });

  it('maps an error of the stream under body-parser (a corrupt gzip body) to invalid_request', () => {
    // body-parser gives the zlib error status 400 and no type.
    const zlibError = Object.assign(new Error('incorrect header check'), {
      status: 400,
      code: 'Z_DATA_ERROR',
    });
    expect(fromBodyParserError(zlibError)).toMatchObject({
      code: 'invalid_request',
      message: 'request body could not be read: incorrect header check',
    });
  });

  it.each([
    ['entity.parse.failed', 400, 'malformed_json'],
    ['entity.too.large', 413, 'payload_too_large'],
    ['charset.unsupported', 415, 'unsupported_media_type'],
    ['request.aborted', 400, 'invalid_request'],
    ['stream.not.readable', 500, 'internal_error'],
  ])('maps body-parser %s to %s', (type, status, code) => {
    const mapped = fromBodyParserError({ type, status, message: 'x' });
    expect(mapped.code).toBe(code);
    expect(httpStatusFor(mapped.code)).toBe(status);
  });
});
