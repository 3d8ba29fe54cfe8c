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
