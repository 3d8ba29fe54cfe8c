import { RequestError } from '../http/request.errors';
import { workflowSourceFrom } from './workflow-source';

function errorOf(fn: () => unknown): RequestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RequestError) return err;
    throw err;
  }
  throw new Error('expected a RequestError');
}

describe('workflowSourceFrom', () => {
  it.each(['application/yaml', 'text/yaml; charset=utf-8', 'application/x-yaml'])(
    'takes %s as YAML text',
    (type) => {
      expect(workflowSourceFrom({ contentType: type, body: 'name: a\n' })).toEqual({
        text: 'name: a\n',
        format: 'yaml',
      });
    },
  );

  it('keeps the exact JSON text so line numbers match the client’s file', () => {
    const raw = '{\n  "name": "a",\n  "steps": []\n}';
    expect(
      workflowSourceFrom({
        contentType: 'application/json',
        body: JSON.parse(raw),
        rawBody: Buffer.from(raw),
      }),
    ).toEqual({
      text: raw,
      format: 'json',
    });
  });

  it('unwraps {source} and guesses its format', () => {
    expect(workflowSourceFrom({ contentType: 'application/json', body: { source: 'name: a' } })).toEqual({
      text: 'name: a',
      format: 'yaml',
    });
    expect(
      workflowSourceFrom({ contentType: 'application/json', body: { source: ' {"name":"a"}' } }).format,
    ).toBe('json');
  });

  it('refuses a {source} envelope with other fields or a non-string source', () => {
    expect(
      errorOf(() => workflowSourceFrom({ contentType: 'application/json', body: { source: 'x', steps: [] } }))
        .details,
    ).toEqual({
      problems: [{ path: 'steps', message: 'is not a known field' }],
    });
    expect(
      errorOf(() => workflowSourceFrom({ contentType: 'application/json', body: { source: 3 } })).code,
    ).toBe('invalid_request');
  });

  it('refuses empty bodies and unknown media types with specific codes', () => {
    expect(errorOf(() => workflowSourceFrom({ contentType: 'application/yaml', body: '  \n' })).code).toBe(
      'invalid_request',
    );
    expect(errorOf(() => workflowSourceFrom({ body: undefined })).code).toBe('invalid_request');
    // Bytes without a content type are not an empty body: the body parsers just skipped them.
    expect(errorOf(() => workflowSourceFrom({ body: undefined, hasBody: true })).code).toBe(
      'unsupported_media_type',
    );
    const unsupported = errorOf(() => workflowSourceFrom({ contentType: 'text/plain', body: undefined }));
    expect(unsupported.code).toBe('unsupported_media_type');
    expect(unsupported.message).toContain("'text/plain'");
  });
});
