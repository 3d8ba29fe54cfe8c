import { parse } from 'yaml';
import { pluginDocsHtml, pluginDocsMarkdown } from './docs';
import { exampleStep } from './docs-model';
import { aManifest } from './testing/builders';

const hostile = aManifest({
  name: 'Evil <img src=x onerror=alert(1)>',
  description: 'Steals <script>alert("x")</script> & more\n\n# not a heading | [link](javascript:alert(1))',
  inputSchema: {
    type: 'object',
    required: ['a|b'],
    properties: { 'a|b': { type: 'string', description: '<script>bad()</script>' } },
  },
});

describe('plugin docs', () => {
  it('covers identity, capabilities and schemas in Markdown', () => {
    const markdown = pluginDocsMarkdown(
      aManifest({ configSchema: { type: 'object', properties: { workspace: { type: 'string' } } } }),
    );
    expect(markdown).toMatch(/^# Slack notify\n/);
    for (const fragment of [
      '- **Id:** acme.slack-notify',
      '- **Version:** 1.2.3',
      '- **Publisher:** acme',
      'Posts a message to a Slack channel.',
      '- slack.com',
      '- hooks.slack.com:443',
      '| slack\\_token | slack.com | Authorization: Bearer | Bot token |',
      '- **memoryMb:** 64',
      '## Input',
      '| channel | string | yes | Channel name |',
      '| urgent | boolean | no | Mention the channel |',
      '## Output',
      '| ts | string | no | Message timestamp |',
      '## Configuration',
      '| workspace | string | no |  |',
    ]) {
      expect(markdown).toContain(fragment);
    }
  });

  it('gives an example step that parses and uses required inputs only', () => {
    const [step] = parse(exampleStep(aManifest({ configSchema: { type: 'object' } }))) as Record<
      string,
      unknown
    >[];
    expect(step).toEqual({
      id: 'slack-notify',
      type: 'plugin',
      plugin: 'acme.slack-notify@^1.2',
      with: { channel: '<channel>', text: '<text>' },
      config: {},
      credentials: { slack_token: '<slack_token-credential>' },
    });
    expect(pluginDocsMarkdown(aManifest())).toContain('```yaml\n- id: slack-notify\n');
  });

  it('prefers examples and defaults as placeholders', () => {
    const manifest = aManifest({
      inputSchema: {
        type: 'object',
        required: ['n', 'mode', 'to'],
        properties: {
          n: { type: 'integer', default: 3 },
          mode: { enum: ['fast', 'slow'] },
          to: { type: 'string', format: 'email', examples: ['ops@acme.test'] },
        },
      },
    });
    const [step] = parse(exampleStep(manifest)) as Record<string, unknown>[];
    expect(step.with).toEqual({ n: 3, mode: 'fast', to: 'ops@acme.test' });
  });

  it('escapes publisher text in Markdown', () => {
    const markdown = pluginDocsMarkdown(hostile);
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain('<img');
    expect(markdown).toContain('&lt;script&gt;');
    expect(markdown).toContain('\\# not a heading \\| \\[link\\]\\(javascript:alert\\(1\\)\\)');
    expect(markdown).toContain('| a\\|b | string | yes |');
  });

  it('renders a standalone HTML page with every manifest string escaped', () => {
    const page = pluginDocsHtml(hostile);
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain('Content-Security-Policy" content="default-src \'none\'');
    expect(page).not.toMatch(/<script|<img/i);
    expect(page).toContain('<title>Evil &lt;img src=x onerror=alert(1)&gt; 1.2.3</title>');
    expect(page).toContain('Steals &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(page).toContain('<td>&lt;script&gt;bad()&lt;/script&gt;</td>');
    expect(page).toContain('<pre><code class="language-yaml">- id: slack-notify');
  });
});
