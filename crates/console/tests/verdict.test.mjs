// The verdict of an analysis: reachable, not reachable, or unknown (every explanation says
// the engine cannot decide — a component not modelled or data missing from an import), as
// `openvpc reach` (exit 3) and `openvpc matrix` ('?') decide it.
//
// Run: node --test crates/console/tests/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { VERDICTS, verdictOf } from '../assets/js/trace.js';

const analysis = (found, codes, status = 'succeeded') => ({
  analysis: {
    status,
    networkPathFound: found,
    explanationSet: codes.map((c) => ({ explanationCode: c })),
  },
});

test('a path found is reachable', () => {
  assert.equal(verdictOf(analysis('true', [])), VERDICTS.reachable);
  assert.deepEqual([VERDICTS.reachable.word, VERDICTS.reachable.symbol], ['reachable', '✓']);
});

test('a blocker is not reachable, even beside a component the engine cannot decide', () => {
  assert.equal(verdictOf(analysis('false', ['ENI_SG_RULES_MISMATCH'])), VERDICTS.blocked);
  assert.equal(verdictOf(analysis('false', ['UNKNOWN_RESOURCE', 'SUBNET_ACL_RESTRICTION'])), VERDICTS.blocked);
  assert.equal(verdictOf(analysis('false', [])), VERDICTS.blocked);
  assert.deepEqual([VERDICTS.blocked.word, VERDICTS.blocked.symbol], ['not reachable', '✗']);
});

test('only components not modelled or not imported: unknown, with its own word and symbol', () => {
  for (const codes of [['UNKNOWN_RESOURCE'], ['UNSUPPORTED_COMPONENT'], ['UNSUPPORTED_COMPONENT', 'UNKNOWN_RESOURCE']]) {
    const v = verdictOf(analysis('false', codes));
    assert.equal(v, VERDICTS.unknown, codes.join(','));
    assert.deepEqual([v.word, v.symbol, v.cls, v.reachable], ['unknown', '?', 'unknown', null]);
  }
});

test('an analysis that did not succeed is a failure, not a verdict', () => {
  assert.equal(verdictOf(analysis('false', ['UNKNOWN_RESOURCE'], 'failed')), VERDICTS.failed);
});
