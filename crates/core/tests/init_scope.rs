//! A scope's defaults are derived from the scope alone: made in memory by a read, or later
//! by a replay, in any order with other commands, they come out the same.

use openvpc_core::{vpc, Command, Config, Ctx, World};

fn create_vpc(cidr: &str) -> Command {
    Command::Vpc(vpc::Cmd::Create {
        cidr_block: cidr.into(),
        amazon_ipv6: false,
        instance_tenancy: None,
        tags: vec![],
    })
}

fn json(w: &World) -> String {
    serde_json::to_string(w).unwrap()
}

#[test]
fn defaults_commute_with_other_commands() {
    let a = Ctx::new("111111111111", "us-east-1", 1_000);
    let b = Ctx::new("222222222222", "eu-west-1", 1_000);
    let mut first = World::new(Config::default(), 7);
    first.apply(&b, Command::InitScope).unwrap();
    first.apply(&a, Command::InitScope).unwrap();
    first.apply(&a, create_vpc("10.0.0.0/16")).unwrap();

    let mut later = World::new(Config::default(), 7);
    later.apply(&a, Command::InitScope).unwrap();
    later.apply(&a, create_vpc("10.0.0.0/16")).unwrap();
    later.apply(&b, Command::InitScope).unwrap();
    // Made twice: the second time changes nothing.
    later.apply(&b, Command::InitScope).unwrap();
    assert_eq!(json(&first), json(&later));

    let defaults = |w: &World| {
        w.vpcs
            .values()
            .filter(|v| v.is_default)
            .map(|v| v.id.clone())
            .collect::<Vec<_>>()
    };
    let other_seed = {
        let mut w = World::new(Config::default(), 99);
        w.apply(&b, Command::InitScope).unwrap();
        w
    };
    assert!(defaults(&other_seed)
        .iter()
        .all(|id| defaults(&first).contains(id)));
}
