// The console's SigV4 signing against AWS's published examples: the Signature Version 4
// test suite (credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service
// "service") and the IAM ListUsers example of the signing-process documentation. Both
// hashing back ends (WebCrypto, plain JavaScript) must give the same answers.
//
// Run: node --test crates/console/tests/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { amzDate, canonicalPath, canonicalQuery, hex, plainCrypto, sign, webCrypto } from '../assets/js/sigv4.js';

const SUITE = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  service: 'service',
};
const HOST = 'example.amazonaws.com';
const DATE = '20150830T123600Z';
const SESSION_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

// Test-suite cases: request and the signature AWS lists for it (SignedHeaders as listed).
const CASES = [
  { name: 'get-vanilla', method: 'GET', path: '/', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'post-vanilla', method: 'POST', path: '/', signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  {
    name: 'post-vanilla-query',
    method: 'POST',
    path: '/',
    query: 'Param1=value1',
    signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
  },
  {
    name: 'post-header-key-sort',
    method: 'POST',
    path: '/',
    headers: { 'My-Header1': 'value1' },
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c',
  },
  { name: 'get-utf8', method: 'GET', path: '/\u1234', signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85' },
  {
    name: 'normalize-path/get-space',
    method: 'GET',
    path: '/example space/',
    signature: '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741',
  },
  {
    name: 'normalize-path/get-slashes',
    method: 'GET',
    path: '//example//',
    signature: '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84',
  },
  {
    name: 'post-sts-token/post-sts-header-before',
    method: 'POST',
    path: '/',
    headers: { 'X-Amz-Security-Token': SESSION_TOKEN },
    signedHeaders: 'host;x-amz-date;x-amz-security-token',
    signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
  },
];

const backends = [['plain JavaScript', plainCrypto]];
if (webCrypto) backends.push(['WebCrypto', webCrypto]);

for (const [label, crypto] of backends) {
  test(`SHA-256 of AWS's examples (${label})`, async () => {
    // The empty payload's hash (every GET of the suite) and the IAM example's body.
    assert.equal(hex(await crypto.sha256('')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(
      hex(await crypto.sha256('Action=ListUsers&Version=2010-05-08')),
      'b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2',
    );
  });

  for (const c of CASES) {
    test(`test suite ${c.name} (${label})`, async () => {
      const signed = await sign({
        ...SUITE,
        method: c.method,
        path: c.path,
        query: c.query ?? '',
        headers: { Host: HOST, 'X-Amz-Date': DATE, ...(c.headers ?? {}) },
        crypto,
      });
      assert.equal(signed.signedHeaders, c.signedHeaders ?? 'host;x-amz-date');
      assert.equal(signed.signature, c.signature);
      assert.equal(
        signed.authorization,
        `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ` +
          `SignedHeaders=${signed.signedHeaders}, Signature=${c.signature}`,
      );
    });
  }

  // The walk-through of the signing process in AWS's documentation: IAM ListUsers by GET,
  // content-type signed; canonical request hash and signature as published.
  test(`IAM ListUsers example of the signing documentation (${label})`, async () => {
    const signed = await sign({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: SUITE.secretAccessKey,
      region: 'us-east-1',
      service: 'iam',
      method: 'GET',
      path: '/',
      query: 'Action=ListUsers&Version=2010-05-08',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
        Host: 'iam.amazonaws.com',
        'X-Amz-Date': DATE,
      },
      crypto,
    });
    assert.equal(
      signed.canonicalRequest,
      [
        'GET',
        '/',
        'Action=ListUsers&Version=2010-05-08',
        'content-type:application/x-www-form-urlencoded; charset=utf-8',
        'host:iam.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'content-type;host;x-amz-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    assert.equal(
      signed.stringToSign,
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n' +
        'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59',
    );
    assert.equal(signed.signature, '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });
}

test('the two back ends agree on long and binary input', async () => {
  if (!webCrypto) return;
  for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 100_000]) {
    const data = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    assert.equal(hex(await plainCrypto.sha256(data)), hex(await webCrypto.sha256(data)), `sha256 of ${n} bytes`);
    // WebCrypto refuses empty HMAC keys (SigV4 keys never are); 100 bytes tests hashing a long key.
    const key = new Uint8Array(1 + (n % 100)).map((_, i) => i ^ 0x5a);
    assert.equal(hex(await plainCrypto.hmac(key, data)), hex(await webCrypto.hmac(key, data)), `hmac of ${n} bytes`);
  }
});

test('canonical parts', () => {
  assert.equal(canonicalPath('/'), '/');
  assert.equal(canonicalPath('/a/./b/../c/'), '/a/c/');
  assert.equal(canonicalPath('/_openvpc/changes'), '/_openvpc/changes');
  assert.equal(canonicalQuery('b=2&a=1&a=0'), 'a=0&a=1&b=2');
  assert.equal(canonicalQuery('analysis=nia-0abc'), 'analysis=nia-0abc');
  assert.equal(canonicalQuery("k=a%20b&x=!'()*"), 'k=a%20b&x=%21%27%28%29%2A');
  assert.equal(amzDate(new Date('2015-08-30T12:36:00.123Z')), DATE);
});
