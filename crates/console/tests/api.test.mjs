// The console's Query client: XML into objects, form encoding, errors, paging, signing.
//
// Run: node --test crates/console/tests/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Api, ApiError, arr, filters, formEncode } from '../assets/js/api.js';
import { sign } from '../assets/js/sigv4.js';
import { parseXml, unescapeXml } from '../assets/js/xml.js';

test('EC2 documents: item lists become arrays, empty sets empty arrays, leaves text', () => {
  const doc = parseXml(`<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId>
<vpcSet><item><vpcId>vpc-1</vpcId><tagSet><item><key>Name</key><value>A &amp; B &lt;1&gt;</value></item></tagSet>
<ipv6CidrBlockAssociationSet></ipv6CidrBlockAssociationSet><description/></item>
<item><vpcId>vpc-2</vpcId><tagSet/></item></vpcSet></DescribeVpcsResponse>`);
  assert.equal(doc.name, 'DescribeVpcsResponse');
  assert.equal(doc.value.requestId, 'r-1');
  assert.equal(doc.value.vpcSet.length, 2);
  assert.deepEqual(doc.value.vpcSet[0].tagSet, [{ key: 'Name', value: 'A & B <1>' }]);
  assert.deepEqual(doc.value.vpcSet[0].ipv6CidrBlockAssociationSet, []);
  assert.equal(doc.value.vpcSet[0].description, '');
  assert.deepEqual(doc.value.vpcSet[1].tagSet, []);
  // A list of plain values.
  assert.deepEqual(parseXml('<a><routeTableIdSet><item>rtb-1</item><item>rtb-2</item></routeTableIdSet></a>').value.routeTableIdSet, ['rtb-1', 'rtb-2']);
});

test('ELBv2 documents: member lists; entities, character references, CDATA', () => {
  const doc = parseXml(
    '<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancers><member><LoadBalancerName>x</LoadBalancerName>' +
      '<AvailabilityZones><member><SubnetId>subnet-1</SubnetId></member></AvailabilityZones></member></LoadBalancers>' +
      '</DescribeLoadBalancersResult></DescribeLoadBalancersResponse>',
  );
  assert.equal(doc.value.DescribeLoadBalancersResult.LoadBalancers[0].AvailabilityZones[0].SubnetId, 'subnet-1');
  assert.equal(unescapeXml('&#65;&#x42;&quot;&apos;&amp;amp;'), 'AB"\'&amp;');
  assert.equal(parseXml('<a><b><![CDATA[1 < 2 & 3]]></b></a>').value.b, '1 < 2 & 3');
  assert.throws(() => parseXml('<a><b></a>'));
  assert.throws(() => parseXml('<a>'));
});

test('form encoding and filters as the SDKs send them', () => {
  assert.equal(formEncode({ Action: 'X', 'Filter.1.Name': 'tag:Name', V: "a b/c!'()*" }), "Action=X&Filter.1.Name=tag%3AName&V=a%20b%2Fc%21%27%28%29%2A");
  assert.deepEqual(filters({ 'vpc-id': ['vpc-1', 'vpc-2'], state: 'available' }), {
    'Filter.1.Name': 'vpc-id',
    'Filter.1.Value.1': 'vpc-1',
    'Filter.1.Value.2': 'vpc-2',
    'Filter.2.Name': 'state',
    'Filter.2.Value.1': 'available',
  });
  assert.deepEqual(arr(undefined), []);
  assert.deepEqual(arr(''), []);
  assert.deepEqual(arr({ a: 1 }), [{ a: 1 }]);
});

/** A fake server: answers each request with the next of `answers`, records requests. */
function fake(answers) {
  const seen = [];
  const fetchImpl = async (url, init) => {
    seen.push({ url, ...init });
    const [status, body] = answers.shift();
    return { ok: status < 400, status, text: async () => body };
  };
  return { seen, fetchImpl };
}

const NOW = () => new Date('2026-01-02T03:04:05Z');

test('a call is a signed form POST; the signature is the one SigV4 gives for it', async () => {
  const { seen, fetchImpl } = fake([[200, '<DescribeVpcsResponse><vpcSet/></DescribeVpcsResponse>']]);
  const api = new Api({ accessKeyId: '111111111111', secretAccessKey: 's', region: 'eu-west-1', host: 'h:1', fetchImpl, now: NOW });
  const r = await api.call('DescribeVpcs', { 'VpcId.1': 'vpc-1' });
  assert.deepEqual(r.vpcSet, []);
  const [req] = seen;
  assert.equal(req.url, '/');
  assert.equal(req.method, 'POST');
  assert.equal(req.body, 'Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1');
  assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8');
  assert.equal(req.headers['x-amz-date'], '20260102T030405Z');
  assert.equal(req.headers.host, undefined, 'the browser sets Host itself');
  const expected = await sign({
    method: 'POST',
    path: '/',
    body: req.body,
    headers: { host: 'h:1', 'content-type': req.headers['content-type'], 'x-amz-date': '20260102T030405Z' },
    region: 'eu-west-1',
    service: 'ec2',
    accessKeyId: '111111111111',
    secretAccessKey: 's',
  });
  assert.equal(req.headers.authorization, expected.authorization);
  assert.match(req.headers.authorization, /Credential=111111111111\/20260102\/eu-west-1\/ec2\/aws4_request, SignedHeaders=content-type;host;x-amz-date, /);
});

test('errors come back as ApiError with the AWS code, for EC2 and ELBv2 shapes', async () => {
  const { fetchImpl } = fake([
    [400, '<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>no</Message></Error></Errors><RequestID>x</RequestID></Response>'],
    [400, '<ErrorResponse><Error><Type>Sender</Type><Code>LoadBalancerNotFound</Code><Message>nope</Message></Error><RequestId>x</RequestId></ErrorResponse>'],
    [502, 'bad gateway'],
  ]);
  const api = new Api({ accessKeyId: 'a', secretAccessKey: 's', region: 'us-east-1', host: 'h', fetchImpl, now: NOW });
  await assert.rejects(api.call('DescribeVpcs'), (e) => e instanceof ApiError && e.code === 'InvalidVpcID.NotFound' && e.status === 400);
  await assert.rejects(api.call('DescribeLoadBalancers', {}, 'elasticloadbalancing'), (e) => e.code === 'LoadBalancerNotFound');
  await assert.rejects(api.call('DescribeVpcs'), (e) => e.code === 'HTTP 502');
});

test('ELBv2 calls use its version and its Result element; pages are followed', async () => {
  const { seen, fetchImpl } = fake([
    [200, '<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancers><member><LoadBalancerName>a</LoadBalancerName></member></LoadBalancers><NextMarker>m1</NextMarker></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>'],
    [200, '<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancers><member><LoadBalancerName>b</LoadBalancerName></member></LoadBalancers></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>'],
    [200, '<DescribeSubnetsResponse><subnetSet><item><subnetId>s1</subnetId></item></subnetSet><nextToken>t1</nextToken></DescribeSubnetsResponse>'],
    [200, '<DescribeSubnetsResponse><subnetSet><item><subnetId>s2</subnetId></item></subnetSet></DescribeSubnetsResponse>'],
  ]);
  const api = new Api({ accessKeyId: 'a', secretAccessKey: 's', region: 'us-east-1', host: 'h', fetchImpl, now: NOW });
  const lbs = await api.all('DescribeLoadBalancers', {}, (r) => r.LoadBalancers, 'elasticloadbalancing');
  assert.deepEqual(lbs.map((l) => l.LoadBalancerName), ['a', 'b']);
  assert.match(seen[0].body, /Version=2015-12-01/);
  assert.match(seen[0].headers.authorization, /\/elasticloadbalancing\/aws4_request/);
  assert.match(seen[1].body, /Marker=m1/);
  const subnets = await api.all('DescribeSubnets', {}, (r) => r.subnetSet);
  assert.deepEqual(subnets.map((x) => x.subnetId), ['s1', 's2']);
  assert.match(seen[3].body, /NextToken=t1/);
});

test('the extensions are signed GETs answering JSON', async () => {
  const { seen, fetchImpl } = fake([
    [200, '{"changes":7}'],
    [200, '{"analysis":"nia-1","explanations":[{"code":"X","message":"m"}]}'],
    [401, '<Response><Errors><Error><Code>AuthFailure</Code><Message>no</Message></Error></Errors></Response>'],
  ]);
  const api = new Api({ accessKeyId: 'a', secretAccessKey: 's', region: 'us-east-1', host: 'h', base: 'http://h', fetchImpl, now: NOW });
  assert.equal(await api.changes(), 7);
  assert.equal(seen[0].url, 'http://h/_openvpc/changes');
  assert.match(seen[0].headers.authorization, /SignedHeaders=host;x-amz-date/);
  assert.deepEqual(await api.explanations('nia-1'), [{ code: 'X', message: 'm' }]);
  assert.equal(seen[1].url, 'http://h/_openvpc/explanations?analysis=nia-1');
  await assert.rejects(api.changes(), (e) => e.code === 'AuthFailure');
});
