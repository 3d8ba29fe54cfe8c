import { pluginDocBlocks, type DocBlock } from './docs-model';
import type { PluginManifest } from './types';

/** Markdown-significant characters are backslash-escaped, HTML ones turned into entities. */
function md(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+!|~]/g, '\\$&');
}

/** At the start of a block, `- x`, `1. x` and `=` would become a list or a heading underline. */
function mdBlockText(text: string): string {
  return md(text).replace(/^(\s*)([-=]|\d+\.)/, '$1\\$2');
}

function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(longest + 1);
}

function markdownBlock(block: DocBlock): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${md(block.text)}`;
    case 'paragraph':
      return mdBlockText(block.text);
    case 'fields':
      return block.items.map(([label, value]) => `- **${md(label)}:** ${md(value)}`).join('\n');
    case 'list':
      return block.items.map((item) => `- ${md(item)}`).join('\n');
    case 'table': {
      const row = (cells: string[]) => `| ${cells.map(md).join(' | ')} |`;
      return [
        row(block.headers),
        `|${block.headers.map(() => ' --- |').join('')}`,
        ...block.rows.map(row),
      ].join('\n');
    }
    case 'code': {
      const marks = fence(block.text);
      return `${marks}${block.language}\n${block.text.replace(/\n$/, '')}\n${marks}`;
    }
  }
}

/** Reference docs for a plugin version, as Markdown safe to render: publisher text is escaped. */
export function pluginDocsMarkdown(manifest: PluginManifest): string {
  return pluginDocBlocks(manifest).map(markdownBlock).join('\n\n') + '\n';
}

function html(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function htmlBlock(block: DocBlock): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${html(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${html(block.text)}</p>`;
    case 'fields':
      return `<dl>${block.items.map(([label, value]) => `<dt>${html(label)}</dt><dd>${html(value)}</dd>`).join('')}</dl>`;
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${html(item)}</li>`).join('')}</ul>`;
    case 'table': {
      const head = block.headers.map((h) => `<th>${html(h)}</th>`).join('');
      const body = block.rows.map((r) => `<tr>${r.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`).join('');
      return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
    }
    case 'code':
      return `<pre><code class="language-${html(block.language)}">${html(block.text)}</code></pre>`;
  }
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}' +
  'table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}' +
  'dt{font-weight:600;float:left;clear:left;margin-right:.5rem}dt::after{content:":"}' +
  'pre{background:#f5f5f5;padding:1rem;overflow:auto}';

/**
 * A standalone page. Everything from the manifest is escaped, and the CSP forbids scripts and
 * remote loads outright, so a publisher's text cannot run in a reader's browser either way.
 */
export function pluginDocsHtml(manifest: PluginManifest): string {
  const body = pluginDocBlocks(manifest).map(htmlBlock).join('\n');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(`${manifest.name} ${manifest.version}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    body,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
