import { CommandError, renderArgv, splitCommand } from './command';
import type { ExpressionContext } from './model';
import { catchError } from './testing/catch-error';

const ctx = (inputs: Record<string, unknown>): ExpressionContext => ({ inputs, steps: {} });

describe('splitCommand', () => {
  it.each<[string, string[]]>([
    ['npm test', ['npm', 'test']],
    ['  spaced\t out  ', ['spaced', 'out']],
    ["echo 'Hello {{ inputs.name }}!'", ['echo', 'Hello {{ inputs.name }}!']],
    ['echo "a b" c', ['echo', 'a b', 'c']],
    ["echo ''", ['echo', '']],
    ['echo a""b', ['echo', 'ab']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo \\|', ['echo', '|']],
    ["echo 'a | b; c && $(d)'", ['echo', 'a | b; c && $(d)']],
    ['echo "\\"q\\" \\$HOME"', ['echo', '"q" $HOME']],
    ["echo '$HOME'", ['echo', '$HOME']],
    ['echo $', ['echo', '$']],
    [
      'kubectl apply -f k8s/{{ inputs.environment }}/',
      ['kubectl', 'apply', '-f', 'k8s/{{ inputs.environment }}/'],
    ],
    [
      "echo {{ format('{0} {1}', inputs.a, inputs.b) }}",
      ['echo', "{{ format('{0} {1}', inputs.a, inputs.b) }}"],
    ],
    ["echo '{{ format('{0}', inputs.a) }}'", ['echo', "{{ format('{0}', inputs.a) }}"]],
    ['find . -name *.ts', ['find', '.', '-name', '*.ts']],
    ['echo done\n', ['echo', 'done']],
  ])('%j', (command, words) => {
    expect(splitCommand(command).map((t) => t.raw)).toEqual(words);
  });

  it('records where each word starts', () => {
    expect(splitCommand("ls  -la 'x y'")).toEqual([
      { raw: 'ls', offset: 0 },
      { raw: '-la', offset: 4 },
      { raw: 'x y', offset: 8 },
    ]);
  });

  it.each<[string, number]>([
    ['ls | grep x', 3],
    ['a; b', 1],
    ['a && b', 2],
    ['a || b', 2],
    ['a & b', 2],
    ['echo x > out', 7],
    ['echo x >> out', 7],
    ['cat < in', 4],
    ['echo $(id)', 5],
    ['echo `id`', 5],
    ['echo $HOME', 5],
    ['echo ${HOME}', 5],
    ['echo "$HOME"', 6],
    ['echo "$(id)"', 6],
    ['echo "`id`"', 6],
    ['(echo a)', 0],
    ['echo a\necho b', 6],
  ])('refuses shell syntax in %j', (command, position) => {
    const err = catchError(CommandError, () => splitCommand(command));
    expect(err).toMatchObject({ code: 'shell_operator', position });
    expect(err.message).toMatch(/shell: bash/);
  });

  it.each([
    ["echo 'open", 5],
    ['echo "open', 5],
    ['echo \\', 5],
    ['echo {{ inputs.x', 5],
  ])('rejects broken syntax in %j', (command, position) => {
    expect(catchError(CommandError, () => splitCommand(String(command)))).toMatchObject({
      code: 'command_syntax',
      position,
    });
  });
});

describe('renderArgv', () => {
  it('fills each word from templates, one word to one argument', () => {
    expect(renderArgv("echo 'Hello {{ inputs.name }}!'", ctx({ name: 'Developer' }))).toEqual([
      'echo',
      'Hello Developer!',
    ]);
    expect(renderArgv('kubectl apply -f k8s/{{ inputs.env }}/', ctx({ env: 'dev' }))).toEqual([
      'kubectl',
      'apply',
      '-f',
      'k8s/dev/',
    ]);
    expect(
      renderArgv(
        'tool {{ inputs.n }} {{ inputs.list }} {{ inputs.none }}',
        ctx({ n: 3, list: ['a b'], none: null }),
      ),
    ).toEqual(['tool', '3', '["a b"]', '']);
  });

  it('an injection attempt stays one literal argument', () => {
    const attack = "x'; touch /tmp/pwned; echo '";
    expect(renderArgv("echo 'Hello {{ inputs.name }}!'", ctx({ name: attack }))).toEqual([
      'echo',
      `Hello ${attack}!`,
    ]);
    expect(renderArgv('echo {{ inputs.name }}', ctx({ name: attack }))).toEqual(['echo', attack]);
    expect(renderArgv('echo {{ inputs.name }}', ctx({ name: '$(id) `id` a b ; c' }))).toEqual([
      'echo',
      '$(id) `id` a b ; c',
    ]);
  });
});
