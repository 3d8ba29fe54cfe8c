import { lineSplitter } from './protocol';

describe('lineSplitter', () => {
  it('hands over complete lines across chunks', () => {
    const lines: string[] = [];
    const feed = lineSplitter((line) => lines.push(line));
    feed('{"a":1}\n{"b"');
    feed(':2}\n\n{"c":3');
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    feed('}\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('hands over a chunk that is exactly one line as it is, and keeps splitting after it', () => {
    const lines: string[] = [];
    const feed = lineSplitter((line) => lines.push(line));
    feed('{"a":1}\n');
    feed('\n');
    feed('{"b":2}\n{"c"');
    feed(':3}\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('applies the limit to a chunk that is one whole line', () => {
    const lines: string[] = [];
    let overflows = 0;
    const feed = lineSplitter((line) => lines.push(line), {
      maxLineChars: 10,
      onOverflow: () => overflows++,
    });
    feed('0123456789\n');
    feed('0123456789A\n');
    feed('short\n');
    expect(lines).toEqual(['0123456789']);
    expect(overflows).toBe(1);
  });

  it('gives up on a line longer than the limit, once, and ignores the rest of the stream', () => {
    const lines: string[] = [];
    let overflows = 0;
    const feed = lineSplitter((line) => lines.push(line), {
      maxLineChars: 10,
      onOverflow: () => overflows++,
    });
    feed('short\n');
    feed('x'.repeat(8));
    feed('y'.repeat(8));
    feed('\nlater\n');
    expect(lines).toEqual(['short']);
    expect(overflows).toBe(1);
  });
});
