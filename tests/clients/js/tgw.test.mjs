// Transit gateways through the AWS SDK for JavaScript v3: the gateway, a VPC attachment, a
// route table, a static route, describes and route searches, a VPN attachment and a
// prefix-list reference, then everything deleted. Every answer is compared whole, so a
// wrong, missing or extra field fails.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";

import * as ec2 from "@aws-sdk/client-ec2";

import { A, startServer } from "./server.mjs";

let server;
let a;

before(async () => {
  server = await startServer();
  a = new ec2.EC2Client(server.config(A));
});
after(() => server?.stop());
beforeEach(() => server.reset());

const send = (command) => a.send(command);

/** `o` without its `CreationTime`, which must be a date. */
function timed(o) {
  const { CreationTime, ...rest } = o;
  assert.ok(CreationTime instanceof Date, `CreationTime ${CreationTime}`);
  return rest;
}

async function rejects(promise, name) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, name, e.message);
    return e;
  }
  assert.fail(`expected ${name}`);
}

test("a transit gateway, a VPC attachment, route tables and routes", async () => {
  const hub = [{ Key: "Name", Value: "hub" }];
  const g = (
    await send(
      new ec2.CreateTransitGatewayCommand({
        Description: "hub",
        Options: { AmazonSideAsn: 64600, AutoAcceptSharedAttachments: "enable" },
        TagSpecifications: [{ ResourceType: "transit-gateway", Tags: hub }],
      }),
    )
  ).TransitGateway;
  const tgw = g.TransitGatewayId;
  const rtb = g.Options.AssociationDefaultRouteTableId;
  assert.match(tgw, /^tgw-[0-9a-f]{17}$/);
  assert.match(rtb, /^tgw-rtb-[0-9a-f]{17}$/);
  const options = {
    AmazonSideAsn: 64600,
    TransitGatewayCidrBlocks: [],
    AutoAcceptSharedAttachments: "enable",
    DefaultRouteTableAssociation: "enable",
    AssociationDefaultRouteTableId: rtb,
    DefaultRouteTablePropagation: "enable",
    PropagationDefaultRouteTableId: rtb,
    VpnEcmpSupport: "enable",
    DnsSupport: "enable",
    SecurityGroupReferencingSupport: "disable",
    MulticastSupport: "disable",
  };
  const gateway = {
    TransitGatewayId: tgw,
    TransitGatewayArn: `arn:aws:ec2:us-east-1:${A}:transit-gateway/${tgw}`,
    OwnerId: A,
    Description: "hub",
    Options: options,
    Tags: hub,
  };
  assert.deepEqual(timed(g), { ...gateway, State: "pending" });
  await server.advance(1);
  const [described] = (
    await send(new ec2.DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgw] }))
  ).TransitGateways;
  assert.deepEqual(timed(described), { ...gateway, State: "available" });

  const vpc = (await send(new ec2.CreateVpcCommand({ CidrBlock: "10.1.0.0/16" }))).Vpc.VpcId;
  const subnet = (
    await send(
      new ec2.CreateSubnetCommand({
        VpcId: vpc,
        CidrBlock: "10.1.1.0/24",
        AvailabilityZone: "us-east-1a",
      }),
    )
  ).Subnet.SubnetId;
  const spoke = [{ Key: "Name", Value: "spoke" }];
  const att = (
    await send(
      new ec2.CreateTransitGatewayVpcAttachmentCommand({
        TransitGatewayId: tgw,
        VpcId: vpc,
        SubnetIds: [subnet],
        Options: { ApplianceModeSupport: "enable" },
        TagSpecifications: [{ ResourceType: "transit-gateway-attachment", Tags: spoke }],
      }),
    )
  ).TransitGatewayVpcAttachment;
  const attId = att.TransitGatewayAttachmentId;
  const attachment = {
    TransitGatewayAttachmentId: attId,
    TransitGatewayId: tgw,
    VpcId: vpc,
    VpcOwnerId: A,
    SubnetIds: [subnet],
    Options: {
      DnsSupport: "enable",
      SecurityGroupReferencingSupport: "disable",
      Ipv6Support: "disable",
      ApplianceModeSupport: "enable",
    },
    Tags: spoke,
  };
  assert.deepEqual(timed(att), { ...attachment, State: "pending" });
  await server.advance(1);
  const [vpcAtt] = (
    await send(
      new ec2.DescribeTransitGatewayVpcAttachmentsCommand({
        Filters: [{ Name: "vpc-id", Values: [vpc] }],
      }),
    )
  ).TransitGatewayVpcAttachments;
  assert.deepEqual(timed(vpcAtt), { ...attachment, State: "available" });
  const [general] = (
    await send(
      new ec2.DescribeTransitGatewayAttachmentsCommand({ TransitGatewayAttachmentIds: [attId] }),
    )
  ).TransitGatewayAttachments;
  assert.deepEqual(timed(general), {
    TransitGatewayAttachmentId: attId,
    TransitGatewayId: tgw,
    TransitGatewayOwnerId: A,
    ResourceOwnerId: A,
    ResourceType: "vpc",
    ResourceId: vpc,
    State: "available",
    Association: { TransitGatewayRouteTableId: rtb, State: "associated" },
    Tags: spoke,
  });

  // A second route table: no association yet, not a default.
  const rt = (await send(new ec2.CreateTransitGatewayRouteTableCommand({ TransitGatewayId: tgw })))
    .TransitGatewayRouteTable;
  assert.deepEqual(timed(rt), {
    TransitGatewayRouteTableId: rt.TransitGatewayRouteTableId,
    TransitGatewayId: tgw,
    State: "available",
    DefaultAssociationRouteTable: false,
    DefaultPropagationRouteTable: false,
    Tags: [],
  });
  const tables = (
    await send(
      new ec2.DescribeTransitGatewayRouteTablesCommand({
        Filters: [{ Name: "default-association-route-table", Values: ["true"] }],
      }),
    )
  ).TransitGatewayRouteTables;
  assert.deepEqual(
    tables.map((t) => t.TransitGatewayRouteTableId),
    [rtb],
  );

  // A static route and a blackhole; the attachment's VPC block is propagated.
  const via = [{ ResourceId: vpc, TransitGatewayAttachmentId: attId, ResourceType: "vpc" }];
  const route = (
    await send(
      new ec2.CreateTransitGatewayRouteCommand({
        TransitGatewayRouteTableId: rtb,
        DestinationCidrBlock: "172.16.0.0/12",
        TransitGatewayAttachmentId: attId,
      }),
    )
  ).Route;
  assert.deepEqual(route, {
    DestinationCidrBlock: "172.16.0.0/12",
    TransitGatewayAttachments: via,
    Type: "static",
    State: "active",
  });
  const hole = (
    await send(
      new ec2.CreateTransitGatewayRouteCommand({
        TransitGatewayRouteTableId: rtb,
        DestinationCidrBlock: "192.168.0.0/16",
        Blackhole: true,
      }),
    )
  ).Route;
  assert.deepEqual(hole, {
    DestinationCidrBlock: "192.168.0.0/16",
    Type: "static",
    State: "blackhole",
  });
  await rejects(
    send(
      new ec2.CreateTransitGatewayRouteCommand({
        TransitGatewayRouteTableId: rtb,
        DestinationCidrBlock: "172.16.0.0/12",
        Blackhole: true,
      }),
    ),
    "RouteAlreadyExists",
  );
  const search = await send(
    new ec2.SearchTransitGatewayRoutesCommand({
      TransitGatewayRouteTableId: rtb,
      Filters: [{ Name: "type", Values: ["static", "propagated"] }],
    }),
  );
  assert.equal(search.AdditionalRoutesAvailable, false);
  assert.deepEqual(search.Routes, [
    route,
    hole,
    {
      DestinationCidrBlock: "10.1.0.0/16",
      TransitGatewayAttachments: via,
      Type: "propagated",
      State: "active",
    },
  ]);
  const longest = (
    await send(
      new ec2.SearchTransitGatewayRoutesCommand({
        TransitGatewayRouteTableId: rtb,
        Filters: [{ Name: "route-search.longest-prefix-match", Values: ["10.1.1.7"] }],
      }),
    )
  ).Routes;
  assert.deepEqual(
    longest.map((r) => r.DestinationCidrBlock),
    ["10.1.0.0/16"],
  );
  const assoc = (
    await send(new ec2.GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: rtb }))
  ).Associations;
  assert.deepEqual(assoc, [
    { TransitGatewayAttachmentId: attId, ResourceId: vpc, ResourceType: "vpc", State: "associated" },
  ]);
  const props = (
    await send(new ec2.GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: rtb }))
  ).TransitGatewayRouteTablePropagations;
  assert.deepEqual(props, [
    { TransitGatewayAttachmentId: attId, ResourceId: vpc, ResourceType: "vpc", State: "enabled" },
  ]);

  // A prefix-list reference: its entries are routes of the table.
  const pl = (
    await send(
      new ec2.CreateManagedPrefixListCommand({
        PrefixListName: "corp",
        MaxEntries: 5,
        AddressFamily: "IPv4",
        Entries: [{ Cidr: "100.64.0.0/16" }],
      }),
    )
  ).PrefixList.PrefixListId;
  const ref = (
    await send(
      new ec2.CreateTransitGatewayPrefixListReferenceCommand({
        TransitGatewayRouteTableId: rtb,
        PrefixListId: pl,
        TransitGatewayAttachmentId: attId,
      }),
    )
  ).TransitGatewayPrefixListReference;
  const reference = {
    TransitGatewayRouteTableId: rtb,
    PrefixListId: pl,
    PrefixListOwnerId: A,
    Blackhole: false,
    TransitGatewayAttachment: { TransitGatewayAttachmentId: attId, ResourceType: "vpc", ResourceId: vpc },
  };
  assert.deepEqual(ref, { ...reference, State: "pending" });
  const refs = (
    await send(new ec2.GetTransitGatewayPrefixListReferencesCommand({ TransitGatewayRouteTableId: rtb }))
  ).TransitGatewayPrefixListReferences;
  assert.deepEqual(refs, [{ ...reference, State: "available" }]);
  const plRoutes = (
    await send(
      new ec2.SearchTransitGatewayRoutesCommand({
        TransitGatewayRouteTableId: rtb,
        Filters: [{ Name: "prefix-list-id", Values: [pl] }],
      }),
    )
  ).Routes;
  assert.deepEqual(plRoutes, [
    {
      DestinationCidrBlock: "100.64.0.0/16",
      PrefixListId: pl,
      TransitGatewayAttachments: via,
      Type: "static",
      State: "active",
    },
  ]);

  // Everything goes, in the order AWS requires.
  await send(
    new ec2.DeleteTransitGatewayPrefixListReferenceCommand({ TransitGatewayRouteTableId: rtb, PrefixListId: pl }),
  );
  const deleted = (
    await send(
      new ec2.DeleteTransitGatewayRouteCommand({
        TransitGatewayRouteTableId: rtb,
        DestinationCidrBlock: "172.16.0.0/12",
      }),
    )
  ).Route;
  assert.deepEqual(deleted, route);
  await rejects(
    send(new ec2.DeleteTransitGatewayCommand({ TransitGatewayId: tgw })),
    "IncorrectState",
  );
  const gone = (
    await send(new ec2.DeleteTransitGatewayVpcAttachmentCommand({ TransitGatewayAttachmentId: attId }))
  ).TransitGatewayVpcAttachment;
  assert.equal(gone.State, "deleting");
  await server.advance(1);
  await send(
    new ec2.DeleteTransitGatewayRouteTableCommand({ TransitGatewayRouteTableId: rt.TransitGatewayRouteTableId }),
  );
  const end = (await send(new ec2.DeleteTransitGatewayCommand({ TransitGatewayId: tgw }))).TransitGateway;
  assert.equal(end.State, "deleting");
  await server.advance(1);
  const [last] = (await send(new ec2.DescribeTransitGatewaysCommand({ TransitGatewayIds: [tgw] })))
    .TransitGateways;
  assert.equal(last.State, "deleted");
});

test("a VPN connection on a transit gateway is a vpn attachment", async () => {
  const g = (await send(new ec2.CreateTransitGatewayCommand({}))).TransitGateway;
  const tgw = g.TransitGatewayId;
  await server.advance(1);
  const cgw = (
    await send(
      new ec2.CreateCustomerGatewayCommand({ Type: "ipsec.1", IpAddress: "203.0.113.10", BgpAsn: 65000 }),
    )
  ).CustomerGateway.CustomerGatewayId;
  const vpn = (
    await send(
      new ec2.CreateVpnConnectionCommand({
        Type: "ipsec.1",
        CustomerGatewayId: cgw,
        TransitGatewayId: tgw,
        Options: { StaticRoutesOnly: true },
      }),
    )
  ).VpnConnection;
  assert.equal(vpn.TransitGatewayId, tgw);
  assert.equal(vpn.VpnGatewayId, undefined);
  await server.advance(1);
  const [att] = (
    await send(
      new ec2.DescribeTransitGatewayAttachmentsCommand({
        Filters: [{ Name: "resource-type", Values: ["vpn"] }],
      }),
    )
  ).TransitGatewayAttachments;
  assert.deepEqual(timed(att), {
    TransitGatewayAttachmentId: att.TransitGatewayAttachmentId,
    TransitGatewayId: tgw,
    TransitGatewayOwnerId: A,
    ResourceOwnerId: A,
    ResourceType: "vpn",
    ResourceId: vpn.VpnConnectionId,
    State: "available",
    Association: {
      TransitGatewayRouteTableId: g.Options.AssociationDefaultRouteTableId,
      State: "associated",
    },
    Tags: [],
  });
  await send(new ec2.DeleteVpnConnectionCommand({ VpnConnectionId: vpn.VpnConnectionId }));
  await server.advance(1);
  const [after] = (
    await send(
      new ec2.DescribeTransitGatewayAttachmentsCommand({
        TransitGatewayAttachmentIds: [att.TransitGatewayAttachmentId],
      }),
    )
  ).TransitGatewayAttachments;
  assert.equal(after.State, "deleted");
});
