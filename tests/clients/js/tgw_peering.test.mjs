// Transit-gateway peering attachments through the AWS SDK for JavaScript v3: a request from
// account A in us-east-1 to account B's gateway in eu-west-1, accepted by B, a static route
// to it, then deleted. Every peering answer is compared whole.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";

import * as ec2 from "@aws-sdk/client-ec2";

import { A, B, startServer } from "./server.mjs";

let server;
let east;
let west;

before(async () => {
  server = await startServer();
  east = new ec2.EC2Client(server.config(A));
  west = new ec2.EC2Client(server.config(B, "eu-west-1"));
});
after(() => server?.stop());
beforeEach(() => server.reset());

/** `o` without its `CreationTime`, which must be a date. */
function timed(o) {
  const { CreationTime, ...rest } = o;
  assert.ok(CreationTime instanceof Date, `CreationTime ${CreationTime}`);
  return rest;
}

test("a peering attachment between two accounts and Regions", async () => {
  const mine = (await east.send(new ec2.CreateTransitGatewayCommand({}))).TransitGateway;
  const theirs = (await west.send(new ec2.CreateTransitGatewayCommand({}))).TransitGateway;
  await server.advance(1);
  const tags = [{ Key: "Name", Value: "east-west" }];
  const created = (
    await east.send(
      new ec2.CreateTransitGatewayPeeringAttachmentCommand({
        TransitGatewayId: mine.TransitGatewayId,
        PeerTransitGatewayId: theirs.TransitGatewayId,
        PeerAccountId: B,
        PeerRegion: "eu-west-1",
        TagSpecifications: [{ ResourceType: "transit-gateway-attachment", Tags: tags }],
      }),
    )
  ).TransitGatewayPeeringAttachment;
  const id = created.TransitGatewayAttachmentId;
  assert.match(id, /^tgw-attach-[0-9a-f]{17}$/);
  const expected = (state, message, withTags) => ({
    TransitGatewayAttachmentId: id,
    RequesterTgwInfo: { TransitGatewayId: mine.TransitGatewayId, OwnerId: A, Region: "us-east-1" },
    AccepterTgwInfo: { TransitGatewayId: theirs.TransitGatewayId, OwnerId: B, Region: "eu-west-1" },
    Options: { DynamicRouting: "disable" },
    Status: { Code: state, Message: message },
    State: state,
    Tags: withTags ? tags : [],
  });
  assert.deepEqual(timed(created), expected("initiatingRequest", "Initiating Request", true));
  await server.advance(1);
  const [seen] = (await west.send(new ec2.DescribeTransitGatewayPeeringAttachmentsCommand({})))
    .TransitGatewayPeeringAttachments;
  assert.deepEqual(timed(seen), expected("pendingAcceptance", "Pending Acceptance", false));
  const accepted = (
    await west.send(new ec2.AcceptTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }))
  ).TransitGatewayPeeringAttachment;
  assert.deepEqual(timed(accepted), expected("pending", "Pending", false));
  await server.advance(1);

  const rtb = mine.Options.AssociationDefaultRouteTableId;
  const route = (
    await east.send(
      new ec2.CreateTransitGatewayRouteCommand({
        TransitGatewayRouteTableId: rtb,
        DestinationCidrBlock: "10.9.0.0/16",
        TransitGatewayAttachmentId: id,
      }),
    )
  ).Route;
  assert.deepEqual(route, {
    DestinationCidrBlock: "10.9.0.0/16",
    TransitGatewayAttachments: [
      { ResourceId: theirs.TransitGatewayId, TransitGatewayAttachmentId: id, ResourceType: "peering" },
    ],
    Type: "static",
    State: "active",
  });
  const deleted = (
    await east.send(new ec2.DeleteTransitGatewayPeeringAttachmentCommand({ TransitGatewayAttachmentId: id }))
  ).TransitGatewayPeeringAttachment;
  assert.equal(deleted.State, "deleting");
  await server.advance(1);
  const [gone] = (
    await east.send(new ec2.DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [id] }))
  ).TransitGatewayPeeringAttachments;
  assert.equal(gone.State, "deleted");
});
