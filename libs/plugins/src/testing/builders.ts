import type { PluginManifest } from '../types';

/** A valid manifest; tests override the one field they are about. */
export function aManifest(overrides: Partial<PluginManifest> = {}): PluginManifest {
  return {
    id: 'acme.slack-notify',
    name: 'Slack notify',
    version: '1.2.3',
    description: 'Posts a message to a Slack channel.',
    publisher: 'acme',
    inputSchema: {
      type: 'object',
      required: ['channel', 'text'],
      properties: {
        channel: { type: 'string', description: 'Channel name', pattern: '^#[a-z0-9_-]+$' },
        text: { type: 'string', description: 'Message text' },
        urgent: { type: 'boolean', description: 'Mention the channel' },
      },
    },
    outputSchema: {
      type: 'object',
      properties: { ts: { type: 'string', description: 'Message timestamp' } },
    },
    capabilities: {
      hosts: ['slack.com', 'hooks.slack.com:443'],
      credentials: [
        { name: 'slack_token', description: 'Bot token', hosts: ['slack.com'], inject: { kind: 'bearer' } },
      ],
      limits: { memoryMb: 64, timeoutMs: 10_000 },
    },
    ...overrides,
  };
}

export const A_PLUGIN_SOURCE = `export default {
  async run(input, ctx) {
    return { ts: String(input.text.length) };
  },
};
`;
