import { literalMatcher } from './literal-matcher';
import { SpanSet } from './spans';

/** Marks every character any occurrence of any string covers: the reference answer. */
function naiveMask(text: string, strings: readonly string[]): string {
  const covered = new Array<boolean>(text.length).fill(false);
  for (const s of strings) {
    for (let at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) {
      for (let i = at; i < at + s.length; i++) covered[i] = true;
    }
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!covered[i]) out += text[i];
    else if (i === 0 || !covered[i - 1]) out += '#';
  }
  return out;
}

function maskWith(text: string, strings: readonly string[], regexpMax: number): string {
  const spans = new SpanSet();
  literalMatcher(strings, regexpMax)?.collect(text, spans);
  return spans.apply(text, '#');
}

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
}

describe.each([
  ['a regular expression', Number.POSITIVE_INFINITY],
  ['the Aho-Corasick automaton', 0],
])('literal matching with %s', (_name, regexpMax) => {
  it('masks overlapping, nested and adjacent occurrences as one span', () => {
    expect(maskWith('x abcdefghi y', ['abcdef', 'defghi'], regexpMax)).toBe('x # y');
    expect(maskWith('x abcdef y', ['abcdef', 'cd'], regexpMax)).toBe('x # y');
    expect(maskWith('x abcdef y', ['abc', 'def'], regexpMax)).toBe('x # y');
    expect(maskWith('aaaaaaa', ['aaa'], regexpMax)).toBe('#');
  });

  it('treats regular expression characters and surrogates as plain text', () => {
    const strings = ['a.b*c+d', '(?:x)|y', '^$\\[]{}', '\ud83d\ude00😀'];
    expect(maskWith('a-b-c-d a.b*c+d (?:x)|y z ^$\\[]{} 😀😀', strings, regexpMax)).toBe('a-b-c-d # # z # #');
  });

  it('agrees with the reference on random texts over a small alphabet', () => {
    const next = random(42);
    const word = (max: number): string =>
      Array.from({ length: 1 + next(max) }, () => 'abc'[next(3)]).join('');
    for (let round = 0; round < 200; round++) {
      const strings = Array.from({ length: 1 + next(6) }, () => word(5));
      const text = word(60);
      expect(maskWith(text, strings, regexpMax)).toBe(naiveMask(text, strings));
    }
  });
});

it('chooses the automaton past the threshold and gives the same answer', () => {
  const strings = Array.from({ length: 3000 }, (_, i) => `value-${i}-${'x'.repeat(i % 7)}`);
  const text = `start value-12-xxxxx value-2999-xxx end value-7-`;
  expect(maskWith(text, strings, 1024)).toBe(naiveMask(text, strings));
  expect(maskWith(text, strings, 1024)).toBe('start # # end #');
});
