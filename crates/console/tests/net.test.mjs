// Addresses, CIDRs and the route a table chooses (the details panel's "which route wins").
//
// Run: node --test crates/console/tests/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { contains, isAddress, parseCidr, parseIp, routeWinner } from '../assets/js/net.js';

test('addresses and blocks', () => {
  assert.deepEqual(parseIp('10.1.2.3'), { v: 4, n: 0x0a010203n });
  assert.equal(parseIp('10.1.2'), null);
  assert.equal(parseIp('256.1.2.3'), null);
  assert.deepEqual(parseIp('2600:1f18::1'), { v: 6, n: (0x2600n << 112n) | (0x1f18n << 96n) | 1n });
  assert.deepEqual(parseIp('::ffff:10.0.0.1'), { v: 6, n: (0xffffn << 32n) | 0x0a000001n });
  assert.equal(parseIp('1::2::3'), null);
  assert.deepEqual(parseCidr('10.1.7.9/16'), { v: 4, net: 0x0a010000n, len: 16 });
  assert.equal(parseCidr('10.0.0.0/33'), null);
  assert.ok(contains(parseCidr('0.0.0.0/0'), parseIp('52.216.0.1')));
  assert.ok(!contains(parseCidr('0.0.0.0/0'), parseIp('::1')));
  assert.ok(contains(parseCidr('2600:1f18::/56'), parseIp('2600:1f18::1')));
  assert.ok(isAddress('10.0.0.1') && !isAddress('i-0123') && !isAddress('eni-1'));
});

const A_TABLE = [
  { destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local', origin: 'CreateRouteTable', state: 'active' },
  { destinationCidrBlock: '10.1.0.0/16', vpcPeeringConnectionId: 'pcx-ab', origin: 'CreateRoute', state: 'active' },
  { destinationCidrBlock: '0.0.0.0/0', gatewayId: 'igw-1', origin: 'CreateRoute', state: 'active' },
  { destinationPrefixListId: 'pl-s3', gatewayId: 'vpce-gw', origin: 'CreateRoute', state: 'active' },
];
const LISTS = new Map([['pl-s3', ['52.216.0.0/15', '3.5.0.0/19']]]);

test('the longest prefix wins, whatever the kind of route', () => {
  assert.equal(routeWinner(A_TABLE, '10.0.1.4', LISTS).route.gatewayId, 'local');
  assert.equal(routeWinner(A_TABLE, '10.1.1.4', LISTS).route.vpcPeeringConnectionId, 'pcx-ab');
  assert.equal(routeWinner(A_TABLE, '10.2.1.4', LISTS).route.gatewayId, 'igw-1');
  const s3 = routeWinner(A_TABLE, '52.216.0.1', LISTS);
  assert.equal(s3.route.gatewayId, 'vpce-gw');
  assert.equal(s3.prefix, '52.216.0.0/15');
  assert.equal(routeWinner(A_TABLE.slice(0, 2), '10.2.1.4', LISTS), null);
  assert.equal(routeWinner(A_TABLE, 'not an address', LISTS), null);
});

test('on the same prefix: a CIDR route, then a prefix list, then a propagated route', () => {
  const table = [
    { destinationCidrBlock: '52.216.0.0/15', gatewayId: 'vgw-1', origin: 'EnableVgwRoutePropagation', state: 'active' },
    { destinationPrefixListId: 'pl-s3', gatewayId: 'vpce-gw', origin: 'CreateRoute', state: 'active' },
  ];
  assert.equal(routeWinner(table, '52.216.0.1', LISTS).route.gatewayId, 'vpce-gw');
  table.push({ destinationCidrBlock: '52.216.0.0/15', natGatewayId: 'nat-1', origin: 'CreateRoute', state: 'active' });
  assert.equal(routeWinner(table, '52.216.0.1', LISTS).route.natGatewayId, 'nat-1');
  // Two lists with the same CIDR: the lower list id.
  const two = [
    { destinationPrefixListId: 'pl-b', gatewayId: 'vpce-b', origin: 'CreateRoute', state: 'active' },
    { destinationPrefixListId: 'pl-a', gatewayId: 'vpce-a', origin: 'CreateRoute', state: 'active' },
  ];
  const lists = new Map([
    ['pl-a', ['3.0.0.0/8']],
    ['pl-b', ['3.0.0.0/8']],
  ]);
  assert.equal(routeWinner(two, '3.1.1.1', lists).route.gatewayId, 'vpce-a');
});

test('a blackhole route still wins the match (and drops the traffic)', () => {
  const table = [...A_TABLE, { destinationCidrBlock: '10.2.0.0/16', vpcPeeringConnectionId: 'pcx-gone', origin: 'CreateRoute', state: 'blackhole' }];
  assert.equal(routeWinner(table, '10.2.0.9', LISTS).route.state, 'blackhole');
});
