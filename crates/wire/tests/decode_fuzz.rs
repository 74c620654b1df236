//! Property: no request, however malformed, panics the wire, and a refused request
//! leaves the world exactly as it was.

use openvpc_core::{Command, Config, Ctx, World};
use openvpc_wire::actions;
use openvpc_wire::params::Params;
use proptest::prelude::*;

type TestBackend = openvpc_wire::InMemory;

fn backend() -> TestBackend {
    let ctx = Ctx::new("111111111111", "us-east-1", 1_700_000_000_000);
    let mut world = World::new(Config::default(), 3);
    world.apply(&ctx, Command::InitScope).unwrap();
    TestBackend { world, ctx }
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("VpcId".to_string()),
        Just("CidrBlock".to_string()),
        Just("DryRun".to_string()),
        Just("MaxResults".to_string()),
        Just("NextToken".to_string()),
        Just("Filter.1.Name".to_string()),
        Just("Filter.1.Value.1".to_string()),
        Just("TagSpecification.1.ResourceType".to_string()),
        Just("TagSpecification.1.Tag.1.Key".to_string()),
        Just("VpcPeeringConnectionId".to_string()),
        Just("PeerVpcId".to_string()),
        Just("PeerOwnerId".to_string()),
        Just("PeerRegion".to_string()),
        Just("SubnetId".to_string()),
        Just("AssociationId".to_string()),
        Just("ResourceId.1".to_string()),
        Just("Tag.1.Key".to_string()),
        "[A-Za-z]{1,12}(\\.[0-9]{1,3}(\\.[A-Za-z]{1,8})?)?",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("10.0.0.0/16".to_string()),
        Just("true".to_string()),
        Just("vpc-0123456789abcdef0".to_string()),
        Just("5".to_string()),
        Just("-1".to_string()),
        Just("".to_string()),
        ".{0,24}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn requests_never_panic_and_refusals_change_nothing(
        action in prop::sample::select(actions::action_names()),
        pairs in prop::collection::vec((key(), value()), 0..8),
    ) {
        let mut b = backend();
        let before = serde_json::to_string(&b.world).unwrap();
        let params = Params::from_pairs(pairs);
        let resp = actions::handle(action, &params, &mut b, "req");
        if resp.status != 200 {
            prop_assert_eq!(serde_json::to_string(&b.world).unwrap(), before);
            prop_assert!(resp.body.contains("<Response><Errors><Error><Code>"));
        }
    }

    #[test]
    fn raw_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut b = backend();
        let params = Params::parse(&body);
        let action = params.peek("Action").unwrap_or("DescribeVpcs").to_string();
        let _ = actions::handle(&action, &params, &mut b, "req");
    }
}
