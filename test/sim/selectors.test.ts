import { describe, expect, it } from 'vitest';
import { ApiError } from '../../sim/errors.js';
import type { KubeObject } from '../../sim/k8s-types.js';
import { BUILTIN_TYPES, type ResourceType } from '../../sim/resource-types.js';
import {
  fieldSelectorToString,
  formatLabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  selectorFromLabelSelectorObject,
  selectorFromSet,
  selectorToString,
} from '../../sim/selectors.js';

function builtin(plural: string): ResourceType {
  const t = BUILTIN_TYPES.find((x) => x.plural === plural);
  if (!t) throw new Error(`no type ${plural}`);
  return t;
}

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(400);
    expect((e as ApiError).reason).toBe('BadRequest');
    return (e as ApiError).message;
  }
  throw new Error('expected a BadRequest');
}

const labels = { app: 'web', env: 'prod', tier: 'frontend', replicas: '3' };

describe('parseLabelSelector / matchesLabels', () => {
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['env in (prod, staging)', true],
    ['env notin (prod)', false],
    ['missing notin (a)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['  app = web ,  env in(prod)  ', true],
    ['app=web,env=dev', false],
    ['replicas>2', true],
    ['replicas<3', false],
    ['missing>1', false],
    ['', true],
  ])('%j matches: %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it('treats undefined labels as empty', () => {
    expect(matchesLabels(parseLabelSelector('!app'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('app'), undefined)).toBe(false);
  });

  it('matches an empty value for `key=` and `key in ()`', () => {
    expect(matchesLabels(parseLabelSelector('app='), { app: '' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('app in ()'), { app: '' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('app in (,a)'), { app: '' })).toBe(true);
  });

  it('lets in/notin be values', () => {
    expect(matchesLabels(parseLabelSelector('x in (in,notin)'), { x: 'notin' })).toBe(true);
  });

  it('prints the canonical, key-sorted form', () => {
    expect(selectorToString(parseLabelSelector('b=1, a in (z,y,y), !c, d, e>4'))).toBe(
      'a in (y,z),b=1,!c,d,e>4',
    );
  });

  it.each([
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a (b)', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    [
      'x>a',
      "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
  ])('rejects %j with the apiserver message', (sel, msg) => {
    expect(badRequest(() => parseLabelSelector(sel))).toBe(msg);
  });

  it('validates keys and values like Kubernetes', () => {
    expect(badRequest(() => parseLabelSelector('component+kube-apiserver'))).toBe(
      "unable to parse requirement: : Invalid value: \"component+kube-apiserver\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
    expect(badRequest(() => parseLabelSelector('a=b/c'))).toMatch(
      /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "b\/c": a valid label must be an empty string/,
    );
    expect(badRequest(() => parseLabelSelector('example.com/a/b=c'))).toMatch(
      /a qualified name must consist of/,
    );
  });
});

describe('metav1.LabelSelector objects', () => {
  it('ANDs matchLabels and matchExpressions', () => {
    const sel = selectorFromLabelSelectorObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'qa'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'tier', operator: 'Exists' },
        { key: 'zone', operator: 'NotIn', values: ['a'] },
      ],
    });
    expect(matchesLabels(sel, labels)).toBe(true);
    expect(matchesLabels(sel, { ...labels, canary: 'true' })).toBe(false);
    expect(selectorToString(sel)).toBe('app=web,!canary,env in (prod,qa),tier,zone notin (a)');
  });

  it('selects nothing for a missing selector and everything for an empty one', () => {
    expect(matchesLabels(selectorFromLabelSelectorObject(undefined), labels)).toBe(false);
    expect(matchesLabels(selectorFromLabelSelectorObject({}), labels)).toBe(true);
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector({ matchLabels: { app: 'x' } })).toBe('app=x');
  });

  it('rejects unknown operators', () => {
    expect(
      badRequest(() => selectorFromLabelSelectorObject({ matchExpressions: [{ key: 'a', operator: 'Gt' }] })),
    ).toBe('"Gt" is not a valid label selector operator');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] })).toBe('<error>');
  });

  it('builds set selectors for Service.spec.selector', () => {
    const sel = selectorFromSet({ b: '2', a: '1' });
    expect(selectorToString(sel)).toBe('a=1,b=2');
    expect(matchesLabels(sel, { a: '1', b: '2', c: '3' })).toBe(true);
    expect(matchesLabels(sel, { a: '1' })).toBe(false);
  });
});

function obj(kind: string, fields: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default', ...meta }, ...fields };
}

describe('field selectors', () => {
  const pods = builtin('pods');
  const nodes = builtin('nodes');

  it('matches pod fields; a missing field reads ""', () => {
    const unscheduled = obj('Pod', { spec: {}, status: { phase: 'Pending' } });
    const scheduled = obj('Pod', { spec: { nodeName: 'n1' }, status: { phase: 'Running' } });
    const sel = parseFieldSelector('spec.nodeName=', pods);
    expect(matchesFields(sel, unscheduled)).toBe(true);
    expect(matchesFields(sel, scheduled)).toBe(false);
    const notRunning = parseFieldSelector('status.phase!=Running,metadata.namespace=default', pods);
    expect(matchesFields(notRunning, unscheduled)).toBe(true);
    expect(matchesFields(notRunning, scheduled)).toBe(false);
    expect(matchesFields(parseFieldSelector('spec.host==n1', pods), scheduled)).toBe(true);
    expect(matchesFields(parseFieldSelector('spec.hostNetwork=false', pods), scheduled)).toBe(true);
  });

  it('reads an unset node spec.unschedulable as "false"', () => {
    const sel = parseFieldSelector('spec.unschedulable=false', nodes);
    expect(matchesFields(sel, obj('Node', { spec: {} }, { namespace: undefined }))).toBe(true);
    expect(matchesFields(sel, obj('Node', { spec: { unschedulable: true } }))).toBe(false);
  });

  it('rejects unsupported fields with the per-kind message', () => {
    expect(badRequest(() => parseFieldSelector('spec.foo=1', pods))).toBe(
      'field label not supported: spec.foo',
    );
    expect(badRequest(() => parseFieldSelector('metadata.namespace=a', nodes))).toBe(
      'field label not supported: metadata.namespace',
    );
    expect(badRequest(() => parseFieldSelector('status.replicas=1', builtin('deployments')))).toBe(
      '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    // No trimming: Kubernetes treats the space as part of the field name.
    expect(badRequest(() => parseFieldSelector('metadata.name = a', pods))).toBe(
      'field label not supported: metadata.name ',
    );
  });

  it('rejects malformed selectors', () => {
    expect(badRequest(() => parseFieldSelector('foo', pods))).toBe(
      "invalid selector: 'foo'; can't understand 'foo'",
    );
    expect(badRequest(() => parseFieldSelector('metadata.name=a\\x', pods))).toBe(
      'invalid field selector: invalid escape sequence: \\x',
    );
  });

  it('unescapes values and re-escapes them when printing', () => {
    const sel = parseFieldSelector('metadata.name=a\\,b', pods);
    expect(matchesFields(sel, obj('Pod', {}, { name: 'a,b' }))).toBe(true);
    expect(fieldSelectorToString(sel)).toBe('metadata.name=a\\,b');
  });

  it('supports events, secrets and services fields', () => {
    const ev = obj('Event', {
      involvedObject: { kind: 'Pod', name: 'p' },
      reportingComponent: 'kubelet',
      type: 'Warning',
    });
    expect(
      matchesFields(parseFieldSelector('source=kubelet,involvedObject.kind=Pod', builtin('events')), ev),
    ).toBe(true);
    expect(
      matchesFields(parseFieldSelector('type=Opaque', builtin('secrets')), obj('Secret', { type: 'Opaque' })),
    ).toBe(true);
    expect(
      matchesFields(
        parseFieldSelector('spec.type=ClusterIP', builtin('services')),
        obj('Service', { spec: { type: 'ClusterIP' } }),
      ),
    ).toBe(true);
  });

  it("accepts a custom type's own fieldSelectors (the catalogue's selectableFields)", () => {
    const t: ResourceType = {
      ...builtin('configmaps'),
      group: 'x.io',
      kind: 'Gadget',
      plural: 'gadgets',
      custom: true,
      fieldSelectors: ['spec.size'],
    };
    const sel = parseFieldSelector('spec.size=3', t);
    expect(
      matchesFields(sel, {
        apiVersion: 'x.io/v1',
        kind: 'Gadget',
        metadata: { name: 'g' },
        spec: { size: 3 },
      }),
    ).toBe(true);
    expect(badRequest(() => parseFieldSelector('spec.other=1', t))).toBe(
      'field label not supported: spec.other',
    );
  });

  it('gives custom resources metadata fields plus selectableFields', () => {
    const cluster: ResourceType = {
      ...builtin('configmaps'),
      group: 'x.io',
      kind: 'Widget',
      plural: 'widgets',
      namespaced: false,
      custom: true,
    };
    expect(badRequest(() => parseFieldSelector('metadata.namespace=a', cluster))).toBe(
      'field label not supported: metadata.namespace',
    );
    const sel = parseFieldSelector('spec.color=red', cluster, ['.spec.color']);
    expect(
      matchesFields(sel, {
        apiVersion: 'x.io/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: { color: 'red' },
      }),
    ).toBe(true);
    expect(matchesFields(sel, { apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'w' } })).toBe(
      false,
    );
  });
});
