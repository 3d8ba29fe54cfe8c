/**
 * Text (YAML or JSON) to a validated WorkflowDefinition, reporting every problem at once with
 * its path and source position.
 */
import { LineCounter, parseDocument } from 'yaml';
import { type Problem, SECURITY_PROFILES, type SecurityProfile, type WorkflowDefinition } from './model';
import { checkProfile, minProfile } from './profiles';
import { checkContent } from './validate/content';
import { isPlainObject, optionalString, own, rejectUnknownFields, shown, typeName } from './validate/fields';
import { checkGraph } from './validate/graph';
import { readInputs } from './validate/inputs';
import { duplicateKeyOffsets } from './validate/duplicate-keys';
import { capProblems, Problems } from './validate/problems';
import { SourceMap } from './validate/source-map';
import { WORKFLOW_NAME } from './validate/rules';
import { sourceTextProblem, valueProblem } from './validate/text-limits';
import { readSteps } from './validate/steps';

export interface ParseOptions {
  /** Name of the source; YAML and JSON parse alike, so it is informational only. */
  filename?: string;
  /** The most a run may be granted (the tenant's profile); steps that need more are problems. */
  maxProfile?: SecurityProfile;
}

export interface ParseResult {
  /** Present if and only if no problem has severity 'error'. */
  definition?: WorkflowDefinition;
  /** All problems, sorted by line and column. */
  problems: Problem[];
}

const TOP_LEVEL_FIELDS = ['name', 'version', 'description', 'security_profile', 'inputs', 'steps'];
/** Bounds YAML alias expansion (the "billion laughs" document). */
const MAX_ALIAS_COUNT = 100;

export function parseWorkflow(text: string, opts: ParseOptions = {}): ParseResult {
  const unreadable = sourceTextProblem(text);
  if (unreadable) return { problems: [unreadable] };
  const lineCounter = new LineCounter();
  // uniqueKeys off: yaml's check is quadratic in the number of keys; duplicateKeyOffsets is linear.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: false });
  const syntax = doc.errors.map((e): Problem => {
    const pos = e.linePos?.[0];
    return {
      code: 'syntax_error',
      message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
      path: '',
      ...(pos ? { line: pos.line, column: pos.col } : {}),
      severity: 'error',
    };
  });
  if (syntax.length === 0) {
    for (const offset of duplicateKeyOffsets(doc)) {
      const { line, col } = lineCounter.linePos(offset);
      syntax.push({
        code: 'syntax_error',
        message: 'Map keys must be unique',
        path: '',
        line,
        column: col,
        severity: 'error',
      });
    }
  }
  if (syntax.length > 0) return { problems: capProblems(syntax) };
  const source = new SourceMap(text, lineCounter, doc);
  const problems = new Problems(source);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    problems.add('syntax_error', '', err instanceof Error ? err.message : 'the document cannot be read');
    return { problems: problems.sorted() };
  }
  const unusable = valueProblem(raw);
  if (unusable) {
    problems.add('invalid_value', unusable.path, unusable.message);
    return { problems: problems.sorted() };
  }
  const definition = readDefinition(raw, source, problems, opts);
  return { ...(definition && !problems.hasErrors() ? { definition } : {}), problems: problems.sorted() };
}

function readDefinition(
  raw: unknown,
  source: SourceMap,
  problems: Problems,
  opts: ParseOptions,
): WorkflowDefinition | undefined {
  if (!isPlainObject(raw)) {
    problems.add(
      'not_an_object',
      '',
      `a workflow definition must be a mapping with name, version and steps, got ${typeName(raw)}`,
    );
    return undefined;
  }
  rejectUnknownFields(raw, TOP_LEVEL_FIELDS, '', problems, 'a workflow');
  const name = readName(raw, problems);
  const version = readVersion(raw, source, problems);
  const description = optionalString(raw, 'description', '', problems);
  const profile = readProfile(own(raw, 'security_profile'), problems);
  const inputs = readInputs(own(raw, 'inputs'), problems);
  const steps = readSteps(own(raw, 'steps'), problems);
  const upstream = checkGraph(steps, problems);
  checkContent(steps, inputs, upstream, problems);
  if (name === undefined || version === undefined) return undefined;

  const definition: WorkflowDefinition = {
    name,
    version,
    ...(description !== undefined ? { description } : {}),
    ...(profile !== undefined ? { security_profile: profile } : {}),
    inputs,
    steps: steps.map((s) => s.step),
  };
  // A run gets min(definition's profile, tenant's); plan_only runs execute nothing, so nothing can violate.
  if (opts.maxProfile && opts.maxProfile !== 'plan_only') {
    const effective = profile ? minProfile(profile, opts.maxProfile) : opts.maxProfile;
    problems.locate(checkProfile(definition, effective));
  }
  return definition;
}

function readName(raw: Record<string, unknown>, problems: Problems): string | undefined {
  if (own(raw, 'name') === undefined) {
    problems.add('missing_field', 'name', "a workflow needs a 'name'");
    return undefined;
  }
  const name = optionalString(raw, 'name', '', problems);
  if (name !== undefined && !WORKFLOW_NAME.test(name)) {
    problems.add(
      'invalid_value',
      'name',
      `name '${shown(name)}' must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
    return undefined;
  }
  return name;
}

/** Kept as written: `version: 1.0` is "1.0", not the number 1. */
function readVersion(
  raw: Record<string, unknown>,
  source: SourceMap,
  problems: Problems,
): string | undefined {
  const v = own(raw, 'version');
  if (v === undefined) {
    problems.add('missing_field', 'version', "a workflow needs a 'version', such as 1.0");
    return undefined;
  }
  if (typeof v === 'number') return source.source('version') ?? String(v);
  if (typeof v === 'string' && v.trim() !== '') return v;
  problems.add('wrong_type', 'version', `'version' must be a non-empty string or number, got ${typeName(v)}`);
  return undefined;
}

function readProfile(v: unknown, problems: Problems): SecurityProfile | undefined {
  if (v === undefined) return undefined;
  const profile = SECURITY_PROFILES.find((p) => p === v);
  if (!profile) {
    problems.add(
      'invalid_value',
      'security_profile',
      `security_profile must be one of ${SECURITY_PROFILES.join(', ')}, got ${shown(String(JSON.stringify(v)))}`,
    );
  }
  return profile;
}
