import { SECURITY_PROFILES, type SecurityProfile, type WorkflowDefinition } from './model';
import { checkProfile, minProfile, profileAllows, profileRank, stepRequiredProfile } from './profiles';

const TYPES = ['shell', 'http', 'transform', 'assert', 'delay', 'approval', 'log', 'noop', 'some-plugin'];

describe('security profiles', () => {
  it('ranks plan_only < restricted < standard < elevated', () => {
    expect(SECURITY_PROFILES.map(profileRank)).toEqual([0, 1, 2, 3]);
    expect(minProfile('elevated', 'standard')).toBe('standard');
    expect(minProfile('restricted', 'elevated')).toBe('restricted');
    expect(minProfile('plan_only', 'elevated')).toBe('plan_only');
  });

  it('knows what each step type needs', () => {
    expect(TYPES.map(stepRequiredProfile)).toEqual([
      'elevated',
      'standard',
      'restricted',
      'restricted',
      'restricted',
      'restricted',
      'restricted',
      'restricted',
      'standard',
    ]);
  });

  it.each<[SecurityProfile, string[]]>([
    ['plan_only', []],
    ['restricted', ['transform', 'assert', 'delay', 'approval', 'log', 'noop']],
    ['standard', ['http', 'transform', 'assert', 'delay', 'approval', 'log', 'noop', 'some-plugin']],
    ['elevated', TYPES],
  ])('%s allows %j to execute', (profile, allowed) => {
    expect(TYPES.filter((t) => profileAllows(profile, t))).toEqual(allowed);
  });

  it('checkProfile reports each step above the profile, and nothing under plan_only', () => {
    const def: WorkflowDefinition = {
      name: 'w',
      version: '1',
      inputs: {},
      steps: [
        { id: 'a', type: 'shell', command: 'ls' },
        { id: 'b', type: 'http', url: 'http://x' },
        { id: 'c', type: 'log', message: 'hi' },
      ],
    };
    expect(checkProfile(def, 'elevated')).toEqual([]);
    expect(checkProfile(def, 'plan_only')).toEqual([]);
    expect(checkProfile(def, 'standard').map((p) => [p.code, p.path])).toEqual([
      ['profile_violation', 'steps[0].type'],
    ]);
    expect(checkProfile(def, 'restricted').map((p) => p.path)).toEqual(['steps[0].type', 'steps[1].type']);
    expect(checkProfile(def, 'restricted')[1].message).toMatch(
      /step 'b' of type 'http' needs the 'standard' security profile/,
    );
  });
});
