//! The ram area's tests, on the shared kit: sharing a transit gateway with another account,
//! which attaches once it accepted the invitation.

use super::*;
use crate::testkit::tgw::attach;
use crate::testkit::{Kit, B};
use crate::tgw::{self, AttachmentState};

fn share(tgw: &str, k: &Kit, principals: &[&str]) -> Cmd {
    Cmd::CreateResourceShare {
        name: "hub".into(),
        resource_arns: vec![transit_gateway_arn(k.ctx.scope(), tgw)],
        principals: principals.iter().map(|p| p.to_string()).collect(),
        allow_external_principals: true,
        tags: vec![],
    }
}

#[test]
fn a_shared_gateway_takes_attachments_from_the_account_that_accepted() {
    let mut k = Kit::new();
    let tgw = k.tgw();
    let b = k.as_account(B);
    let v = k.vpc_as(&b, "10.5.0.0/16");
    let s = k.subnet_as(&b, &v, "10.5.0.0/24");
    let arn = k.id(share(&tgw, &k, &[B]));
    assert_eq!(get_shares(&k.w, &k.ctx, true, &[], None).len(), 1);
    // Invited, not yet accepted: the gateway is not found.
    k.refused_as(
        &b,
        attach(&tgw, &v, &[&s]),
        "InvalidTransitGatewayID.NotFound",
    );
    let [inv] = get_invitations(&k.w, &b, &[], std::slice::from_ref(&arn))[..] else {
        panic!("one invitation")
    };
    let inv = inv.id.clone();
    k.refused(
        Cmd::AcceptInvitation {
            invitation_arn: inv.clone(),
        },
        "ResourceShareInvitationArnNotFoundException",
    );
    k.run_as(
        &b,
        Cmd::AcceptInvitation {
            invitation_arn: inv.clone(),
        },
    )
    .unwrap();
    k.refused_as(
        &b,
        Cmd::AcceptInvitation {
            invitation_arn: inv,
        },
        "ResourceShareInvitationAlreadyAcceptedException",
    );
    assert_eq!(get_shares(&k.w, &b, false, &[], None).len(), 1);
    assert_eq!(
        tgw::describe_transit_gateways(&k.w, &b, &[], &[])
            .unwrap()
            .len(),
        1
    );
    // B attaches; the owner must accept (auto-accept is off).
    let a = k.id_as(&b, attach(&tgw, &v, &[&s]));
    let state = |k: &Kit| k.w.tgw_attachments.get(&a).unwrap().state;
    assert_eq!(state(&k), AttachmentState::PendingAcceptance);
    k.refused_as(
        &b,
        tgw::Cmd::AcceptVpcAttachment {
            attachment_id: a.clone(),
        },
        "OperationNotPermitted",
    );
    k.ok(tgw::Cmd::AcceptVpcAttachment {
        attachment_id: a.clone(),
    });
    k.advance(0);
    assert_eq!(state(&k), AttachmentState::Available);
    let rtb = k.tgw_default_table(&tgw);
    assert_eq!(
        k.w.tgw_attachments.get(&a).unwrap().association.as_deref(),
        Some(rtb.as_str())
    );
    // Both owners see it.
    assert_eq!(
        tgw::describe_vpc_attachments(&k.w, &k.ctx, &[], &[])
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn only_the_owners_transit_gateways_and_account_principals_are_shared() {
    let mut k = Kit::new();
    let tgw = k.tgw();
    k.refused(
        Cmd::CreateResourceShare {
            name: "x".into(),
            resource_arns: vec!["not-an-arn".into()],
            principals: vec![],
            allow_external_principals: true,
            tags: vec![],
        },
        "MalformedArnException",
    );
    k.refused(
        Cmd::CreateResourceShare {
            name: "x".into(),
            resource_arns: vec![format!("arn:aws:ec2:us-east-1:{B}:transit-gateway/{tgw}")],
            principals: vec![],
            allow_external_principals: true,
            tags: vec![],
        },
        "UnknownResourceException",
    );
    k.refused(share(&tgw, &k, &["o-example"]), "InvalidParameterException");
}
