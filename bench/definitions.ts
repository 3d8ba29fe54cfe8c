/** The Warden definitions the engine benchmark runs, built for any number of steps. */

/** Each step after the first depends on the one before: a chain, like the raw workflow's loop. */
function chain(name: string, steps: number, body: (i: number) => string[]): string {
  const lines = Array.from({ length: steps }, (_, i) =>
    [`  - id: step-${i + 1}`, ...body(i + 1), ...(i === 0 ? [] : [`    depends_on: [step-${i}]`])].join('\n'),
  );
  return `name: ${name}\nversion: 1.0\nsteps:\n${lines.join('\n')}\n`;
}

/** `steps` http GETs to `url`, one after the other (activities, like the raw baseline). */
export function sequentialHttpYaml(url: string, steps: number): string {
  return chain('bench-sequential-http', steps, () => ['    type: http', `    url: "${url}"`]);
}

/** `steps` transforms, each reading the previous one's output (evaluated in workflow code). */
export function pureTransformYaml(steps: number): string {
  return chain('bench-pure-transform', steps, (i) => [
    '    type: transform',
    i === 1 ? '    output: { n: 1 }' : `    output: { n: "{{ steps.step-${i - 1}.outputs.n }}" }`,
  ]);
}
