// openvpc through the AWS SDK for JavaScript v3: VPCs, cross-account peering with the
// SDK's waiters, paginators, PrivateLink, Network Insights, error names and request ids.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";

import * as ec2 from "@aws-sdk/client-ec2";
import * as elb from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

import { A, B, startServer } from "./server.mjs";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WAIT = { maxWaitTime: 60 };

let server;
let a;
let b;
let lbA;

before(async () => {
  server = await startServer();
  a = new ec2.EC2Client(server.config(A));
  b = new ec2.EC2Client(server.config(B));
  lbA = new elb.ElasticLoadBalancingV2Client(server.config(A));
});
after(() => server?.stop());
beforeEach(() => server.reset());

const vpc = async (client, cidr, tags = []) =>
  (
    await client.send(
      new ec2.CreateVpcCommand({
        CidrBlock: cidr,
        TagSpecifications: [{ ResourceType: "vpc", Tags: tags }],
      }),
    )
  ).Vpc.VpcId;

const subnet = async (client, vpcId, cidr, zoneId) =>
  (
    await client.send(
      new ec2.CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZoneId: zoneId }),
    )
  ).Subnet.SubnetId;

async function rejects(promise, name) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, name, e.message);
    return e;
  }
  assert.fail(`expected ${name}`);
}

test("VPCs and subnets with waiters and paginators", async () => {
  const tags = [{ Key: "suite", Value: "js" }];
  const ids = [];
  for (let i = 0; i < 7; i++) ids.push(await vpc(a, `10.${i}.0.0/16`, tags));
  const ready = await ec2.waitUntilVpcAvailable({ client: a, ...WAIT }, { VpcIds: ids });
  assert.equal(ready.state, "SUCCESS");
  const pages = [];
  for await (const page of ec2.paginateDescribeVpcs(
    { client: a, pageSize: 5 },
    { Filters: [{ Name: "tag:suite", Values: ["js"] }] },
  )) {
    pages.push(page.Vpcs.map((v) => v.VpcId));
  }
  assert.deepEqual(
    pages.map((p) => p.length),
    [5, 2],
  );
  assert.deepEqual(pages.flat().sort(), [...ids].sort());
  const zones = (await a.send(new ec2.DescribeAvailabilityZonesCommand({}))).AvailabilityZones;
  assert.equal(zones.length, 6);
  const subnets = [];
  for (const [i, z] of zones.slice(0, 2).entries()) {
    subnets.push(await subnet(a, ids[0], `10.0.${i}.0/24`, z.ZoneId));
  }
  const available = await ec2.waitUntilSubnetAvailable({ client: a, ...WAIT }, { SubnetIds: subnets });
  assert.equal(available.state, "SUCCESS");
  const seen = [];
  for await (const page of ec2.paginateDescribeSubnets(
    { client: a, pageSize: 5 },
    { Filters: [{ Name: "vpc-id", Values: [ids[0]] }] },
  )) {
    seen.push(...page.Subnets.map((s) => s.AvailabilityZoneId));
  }
  assert.deepEqual(seen.sort(), zones.slice(0, 2).map((z) => z.ZoneId).sort());
  const regions = (await a.send(new ec2.DescribeRegionsCommand({ AllRegions: true }))).Regions;
  assert.equal(regions.length, 34);
});

test("cross-account peering with the SDK's waiters", async () => {
  const mine = await vpc(a, "10.1.0.0/16");
  const theirs = await vpc(b, "10.2.0.0/16");
  const pcx = (
    await a.send(
      new ec2.CreateVpcPeeringConnectionCommand({ VpcId: mine, PeerVpcId: theirs, PeerOwnerId: B }),
    )
  ).VpcPeeringConnection.VpcPeeringConnectionId;
  const exists = await ec2.waitUntilVpcPeeringConnectionExists(
    { client: b, ...WAIT },
    { VpcPeeringConnectionIds: [pcx] },
  );
  assert.equal(exists.state, "SUCCESS");
  const pending = (
    await b.send(new ec2.DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }))
  ).VpcPeeringConnections[0];
  assert.equal(pending.Status.Code, "pending-acceptance");
  assert.equal(pending.RequesterVpcInfo.OwnerId, A);
  await rejects(
    a.send(new ec2.AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx })),
    "OperationNotPermitted",
  );
  await b.send(new ec2.AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  const active = (
    await a.send(new ec2.DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }))
  ).VpcPeeringConnections[0];
  assert.equal(active.Status.Code, "active");
  assert.equal(active.AccepterVpcInfo.CidrBlock, "10.2.0.0/16");
  const rtb = (
    await a.send(
      new ec2.DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [mine] }] }),
    )
  ).RouteTables[0].RouteTableId;
  await a.send(
    new ec2.CreateRouteCommand({
      RouteTableId: rtb,
      DestinationCidrBlock: "10.2.0.0/16",
      VpcPeeringConnectionId: pcx,
    }),
  );
  await b.send(new ec2.DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  const deleted = await ec2.waitUntilVpcPeeringConnectionDeleted(
    { client: a, ...WAIT },
    { VpcPeeringConnectionIds: [pcx] },
  );
  assert.equal(deleted.state, "SUCCESS");
});

test("PrivateLink across accounts through ELBv2 and EC2", async () => {
  const provider = await vpc(a, "10.10.0.0/16");
  const subnets = [
    await subnet(a, provider, "10.10.1.0/24", "use1-az1"),
    await subnet(a, provider, "10.10.2.0/24", "use1-az2"),
  ];
  const lb = (
    await lbA.send(
      new elb.CreateLoadBalancerCommand({ Name: "web", Type: "network", Scheme: "internal", Subnets: subnets }),
    )
  ).LoadBalancers[0];
  assert.equal(lb.Type, "network");
  const tg = (
    await lbA.send(
      new elb.CreateTargetGroupCommand({
        Name: "web",
        Protocol: "TCP",
        Port: 80,
        VpcId: provider,
        TargetType: "ip",
      }),
    )
  ).TargetGroups[0].TargetGroupArn;
  await lbA.send(
    new elb.CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn,
      Protocol: "TCP",
      Port: 80,
      DefaultActions: [{ Type: "forward", TargetGroupArn: tg }],
    }),
  );
  const svc = (
    await a.send(
      new ec2.CreateVpcEndpointServiceConfigurationCommand({
        NetworkLoadBalancerArns: [lb.LoadBalancerArn],
        AcceptanceRequired: true,
      }),
    )
  ).ServiceConfiguration;
  await a.send(
    new ec2.ModifyVpcEndpointServicePermissionsCommand({
      ServiceId: svc.ServiceId,
      AddAllowedPrincipals: [`arn:aws:iam::${B}:root`],
    }),
  );
  const consumer = await vpc(b, "10.20.0.0/16");
  const where = await subnet(b, consumer, "10.20.1.0/24", "use1-az1");
  const endpoint = (
    await b.send(
      new ec2.CreateVpcEndpointCommand({
        VpcId: consumer,
        VpcEndpointType: "Interface",
        ServiceName: svc.ServiceName,
        SubnetIds: [where],
      }),
    )
  ).VpcEndpoint;
  const waiting = [];
  for await (const page of ec2.paginateDescribeVpcEndpointConnections({ client: a, pageSize: 25 }, {})) {
    waiting.push(...page.VpcEndpointConnections);
  }
  assert.deepEqual(
    waiting.map((c) => [c.VpcEndpointId, c.VpcEndpointState, c.VpcEndpointOwner]),
    [[endpoint.VpcEndpointId, "pendingAcceptance", B]],
  );
  const accepted = await a.send(
    new ec2.AcceptVpcEndpointConnectionsCommand({
      ServiceId: svc.ServiceId,
      VpcEndpointIds: [endpoint.VpcEndpointId],
    }),
  );
  assert.deepEqual(accepted.Unsuccessful, []);
  await server.advance(600);
  const got = (
    await b.send(new ec2.DescribeVpcEndpointsCommand({ VpcEndpointIds: [endpoint.VpcEndpointId] }))
  ).VpcEndpoints[0];
  assert.equal(got.State, "available");
  assert.equal(got.NetworkInterfaceIds.length, 1);
  assert.ok(got.DnsEntries.length > 0);
  await rejects(
    lbA.send(new elb.DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn })),
    "ResourceInUseException",
  );
});

test("Network Insights finds the path between two instances", async () => {
  const id = await vpc(a, "10.0.0.0/16");
  const sn = await subnet(a, id, "10.0.1.0/24", "use1-az1");
  const sg = (
    await a.send(new ec2.CreateSecurityGroupCommand({ VpcId: id, GroupName: "app", Description: "app" }))
  ).GroupId;
  await a.send(
    new ec2.AuthorizeSecurityGroupIngressCommand({
      GroupId: sg,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }],
    }),
  );
  const instances = (
    await a.send(
      new ec2.RunInstancesCommand({
        ImageId: "ami-0e2c8caa4b6378d8c",
        MinCount: 2,
        MaxCount: 2,
        SubnetId: sn,
        SecurityGroupIds: [sg],
      }),
    )
  ).Instances.map((i) => i.InstanceId);
  const running = await ec2.waitUntilInstanceRunning({ client: a, ...WAIT }, { InstanceIds: instances });
  assert.equal(running.state, "SUCCESS");
  const path = (
    await a.send(
      new ec2.CreateNetworkInsightsPathCommand({
        Source: instances[0],
        Destination: instances[1],
        Protocol: "tcp",
        DestinationPort: 22,
      }),
    )
  ).NetworkInsightsPath;
  const started = (
    await a.send(
      new ec2.StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: path.NetworkInsightsPathId }),
    )
  ).NetworkInsightsAnalysis;
  const analyses = [];
  for await (const page of ec2.paginateDescribeNetworkInsightsAnalyses(
    { client: a },
    { NetworkInsightsAnalysisIds: [started.NetworkInsightsAnalysisId] },
  )) {
    analyses.push(...page.NetworkInsightsAnalyses);
  }
  assert.equal(analyses[0].Status, "succeeded");
  assert.equal(analyses[0].NetworkPathFound, true);
  assert.ok(analyses[0].ForwardPathComponents.length > 0);
});

test("error names and request ids of EC2, ELBv2 and STS", async () => {
  const ok = await a.send(new ec2.DescribeVpcsCommand({}));
  assert.match(ok.$metadata.requestId, UUID);
  const lbs = await lbA.send(new elb.DescribeLoadBalancersCommand({}));
  assert.match(lbs.$metadata.requestId, UUID);
  const sts = new STSClient(server.config(B, "eu-west-1"));
  const me = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, B);
  assert.equal(me.Arn, `arn:aws:iam::${B}:root`);
  assert.match(me.$metadata.requestId, UUID);

  const missing = await rejects(
    a.send(new ec2.DescribeVpcsCommand({ VpcIds: ["vpc-00000000"] })),
    "InvalidVpcID.NotFound",
  );
  assert.equal(missing.$fault, "client");
  assert.equal(missing.$metadata.httpStatusCode, 400);
  assert.match(missing.$metadata.requestId, UUID);
  assert.equal(missing.message, "The vpc ID 'vpc-00000000' does not exist");
  const malformed = await rejects(
    a.send(new ec2.DeleteVpcCommand({ VpcId: "vpc-nothex" })),
    "InvalidVpcId.Malformed",
  );
  assert.match(malformed.$metadata.requestId, UUID);
  const dry = await rejects(a.send(new ec2.DescribeVpcsCommand({ DryRun: true })), "DryRunOperation");
  assert.equal(dry.$metadata.httpStatusCode, 412);
  const noGroup = await rejects(
    lbA.send(new elb.DescribeTargetGroupsCommand({ Names: ["nope"] })),
    "TargetGroupNotFoundException",
  );
  assert.match(noGroup.$metadata.requestId, UUID);
  assert.notEqual(noGroup.$metadata.requestId, missing.$metadata.requestId);
});
