import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProblemCode } from './model';
import { stepTypes } from './step-types';

/** Typed as a record so adding a ProblemCode without listing it here fails to compile. */
const ALL_CODES: Record<ProblemCode, true> = {
  syntax_error: true,
  not_an_object: true,
  missing_field: true,
  unknown_field: true,
  wrong_type: true,
  invalid_value: true,
  duplicate_step_id: true,
  invalid_step_id: true,
  unknown_dependency: true,
  dependency_cycle: true,
  unknown_step_type: true,
  expression_syntax: true,
  unknown_input: true,
  unknown_step_reference: true,
  step_not_upstream: true,
  profile_violation: true,
  shell_operator: true,
  secret_not_literal: true,
  credential_header_conflict: true,
  input_required: true,
  input_type: true,
  input_validation: true,
  unknown_run_input: true,
  too_many_problems: true,
};

const docs = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'workflow-language.md'), 'utf8');

describe('docs/workflow-language.md', () => {
  it.each(Object.keys(ALL_CODES))('has a row for problem code %s', (code) => {
    expect(docs).toMatch(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
  });

  it.each(stepTypes().map((t) => t.type))('documents step type %s', (type) => {
    expect(docs).toMatch(new RegExp(`^\\| \`${type}\` +\\|`, 'm'));
  });
});
