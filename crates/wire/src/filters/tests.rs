//! The tables, checked against the core and against the wire's own action list; each name,
//! alias, id check and limit exercised from the tables themselves.

use std::collections::BTreeSet;

use openvpc_core::{
    dhcp, endpoint, endpoint_service, eni, flowlog, gateway, image, insights, keypair, nacl,
    peering, prefix_list, route, sg, subnet, tags, tgw, vpc, vpn, ErrorCode, Filter, Kind,
};

use super::*;

/// The names each action's core describe answers.
fn core_names(action: &str) -> &'static [&'static str] {
    match action {
        "DescribeVpcs" => vpc::FILTERS,
        "DescribeSubnets" => subnet::FILTERS,
        "DescribeRouteTables" => route::FILTERS,
        "DescribeSecurityGroups" => sg::FILTERS,
        "DescribeSecurityGroupRules" => sg::RULE_FILTERS,
        "DescribeNetworkAcls" => nacl::FILTERS,
        "DescribeNetworkInterfaces" => eni::FILTERS,
        "DescribeInstances" => eni::INSTANCE_FILTERS,
        "DescribeInternetGateways" => gateway::IGW_FILTERS,
        "DescribeEgressOnlyInternetGateways" => gateway::EIGW_FILTERS,
        "DescribeNatGateways" => gateway::NAT_FILTERS,
        "DescribeAddresses" => gateway::ADDRESS_FILTERS,
        "DescribeVpcPeeringConnections" => peering::FILTERS,
        "DescribeDhcpOptions" => dhcp::FILTERS,
        "DescribeTags" => tags::FILTERS,
        "DescribeVpcEndpoints" => endpoint::FILTERS,
        "DescribeVpcEndpointConnections" => endpoint::CONNECTION_FILTERS,
        "DescribeVpcEndpointServices" => endpoint_service::SERVICE_FILTERS,
        "DescribeVpcEndpointServiceConfigurations" => endpoint_service::CONFIGURATION_FILTERS,
        "DescribeVpcEndpointServicePermissions" => endpoint_service::PERMISSION_FILTERS,
        "DescribeVpcEndpointConnectionNotifications" => endpoint_service::NOTIFICATION_FILTERS,
        "DescribeManagedPrefixLists" => prefix_list::FILTERS,
        "DescribePrefixLists" => prefix_list::LEGACY_FILTERS,
        "DescribeNetworkInsightsPaths" => insights::PATH_FILTERS,
        "DescribeVpnGateways" => vpn::VGW_FILTERS,
        "DescribeCustomerGateways" => vpn::CGW_FILTERS,
        "DescribeVpnConnections" => vpn::VPN_FILTERS,
        "DescribeTransitGateways" => tgw::FILTERS,
        "DescribeTransitGatewayVpcAttachments" => tgw::VPC_ATTACHMENT_FILTERS,
        "DescribeTransitGatewayAttachments" => tgw::ATTACHMENT_FILTERS,
        "DescribeTransitGatewayPeeringAttachments" => tgw::PEERING_ATTACHMENT_FILTERS,
        "DescribeTransitGatewayRouteTables" => tgw::ROUTE_TABLE_FILTERS,
        "SearchTransitGatewayRoutes" => tgw::SEARCH_FILTERS,
        "GetTransitGatewayRouteTableAssociations" | "GetTransitGatewayRouteTablePropagations" => {
            tgw::ASSOCIATION_FILTERS
        }
        "DescribeImages" => image::FILTERS,
        "DescribeKeyPairs" => keypair::FILTERS,
        "DescribeFlowLogs" => flowlog::FILTERS,
        "DescribeNetworkInsightsAnalyses" => insights::ANALYSIS_FILTERS,
        other => panic!("no core list for {other}"),
    }
}

/// Served Describe actions that take no `Filter.N`, or whose filters another part owns.
const WITHOUT_TABLE: &[&str] = &[
    // Regions and zones (issue 8 item 1) keep their filters beside their data.
    "DescribeRegions",
    "DescribeAvailabilityZones",
    // No filters in the model.
    "DescribeAccountAttributes",
    "DescribeVpcAttribute",
    "DescribeAddressesAttribute",
    "DescribeInstanceAttribute",
    "DescribeNetworkInterfaceAttribute",
    "DescribeStaleSecurityGroups",
    "DescribeSecurityGroupReferences",
];

/// A value the name accepts: a well-formed id for id names, else a plain word.
fn good_value(n: &Name) -> String {
    match n.id {
        Some(kind) => format!("{}-0123456789abcdef0", kind.prefix()),
        None => "x".to_string(),
    }
}

#[test]
fn each_table_is_exactly_what_its_core_answers() {
    for t in TABLES {
        let core: BTreeSet<&str> = core_names(t.action).iter().copied().collect();
        let mapped: BTreeSet<&str> = t.names.iter().map(|n| n.core).collect();
        assert_eq!(mapped, core, "{}: table vs core", t.action);
        let wire: BTreeSet<&str> = t.names.iter().map(|n| n.wire).collect();
        assert_eq!(wire.len(), t.names.len(), "{}: a name twice", t.action);
        for n in t.names.iter().filter(|n| n.wire != n.core) {
            assert!(
                t.lookup(n.core).is_some(),
                "{}: alias {} of a name the table lacks",
                t.action,
                n.wire
            );
        }
    }
}

#[test]
fn every_served_describe_has_a_table() {
    let served: BTreeSet<&str> = crate::actions::action_names().into_iter().collect();
    for t in TABLES {
        assert!(served.contains(t.action), "{} is not served", t.action);
    }
    let missing: Vec<&&str> = served
        .iter()
        .filter(|a| a.starts_with("Describe"))
        .filter(|a| table(a).is_none() && !WITHOUT_TABLE.contains(a))
        .collect();
    assert!(
        missing.is_empty(),
        "add their filter tables in crates/wire/src/filters/: {missing:?}"
    );
}

#[test]
fn every_name_is_accepted_and_renamed_to_the_core_name() {
    for t in TABLES {
        for n in t.names {
            let f = Filter::new(n.wire, &[&good_value(n), "*"]);
            let out = check(t.action, vec![f]).unwrap_or_else(|e| panic!("{}: {e:?}", n.wire));
            assert_eq!(out[0].name, n.core, "{} {}", t.action, n.wire);
            assert_eq!(out[0].values.len(), 2);
        }
    }
}

#[test]
fn id_values_are_checked_as_ids_and_patterns_are_not() {
    for t in TABLES {
        for n in t.names {
            let Some(kind) = n.id else { continue };
            let e = check(t.action, vec![Filter::new(n.wire, &["bogus"])]).unwrap_err();
            assert_eq!(e, kind.malformed("bogus"), "{} {}", t.action, n.wire);
            let e = check(t.action, vec![Filter::new(n.wire, &[""])]).unwrap_err();
            assert_eq!(e.code, kind.malformed("").code);
            let pattern = format!("{}-*", kind.prefix());
            assert!(check(t.action, vec![Filter::new(n.wire, &[&pattern])]).is_ok());
        }
    }
    let e = check(
        "DescribeSecurityGroups",
        vec![Filter::new("group-id", &["default"])],
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidGroupIdMalformed);
    assert_eq!(Kind::SecurityGroup.prefix(), "sg");
}

#[test]
fn unknown_names_get_the_code_of_their_action() {
    for t in TABLES {
        for name in ["bogus", "", "Vpc-Id", "tag-keys"] {
            let e = check(t.action, vec![Filter::new(name, &["x"])]).unwrap_err();
            assert_eq!(e.code, t.unknown, "{} {name}", t.action);
            assert_eq!(e.message, format!("The filter '{name}' is invalid"));
        }
    }
    let e = check(
        "DescribeVpcEndpointServices",
        vec![Filter::new("vpc-id", &["vpc-1"])],
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidFilter);
    let e = check("DescribeVpcs", vec![Filter::new("cidr-blocks", &["x"])]).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameterValue);
}

#[test]
fn tag_filters_follow_the_table() {
    for t in TABLES {
        for (name, taken) in [
            ("tag:Name", t.tags != Tags::None),
            ("tag-key", t.tags == Tags::All),
            ("tag-value", t.tags == Tags::All),
        ] {
            let r = check(t.action, vec![Filter::new(name, &["v"])]);
            assert_eq!(r.is_ok(), taken, "{} {name}", t.action);
            if let Ok(out) = r {
                assert_eq!(out[0].name, name, "tag filters keep their name");
            }
        }
    }
}

#[test]
fn the_older_names_users_send() {
    let renamed = |action: &str, name: &str| {
        check(action, vec![Filter::new(name, &["v"])]).unwrap()[0]
            .name
            .clone()
    };
    assert_eq!(renamed("DescribeVpcs", "cidr-block"), "cidr");
    assert_eq!(renamed("DescribeVpcs", "cidrBlock"), "cidr");
    assert_eq!(renamed("DescribeVpcs", "isDefault"), "is-default");
    assert_eq!(
        renamed("DescribeSubnets", "availabilityZone"),
        "availability-zone"
    );
    assert_eq!(renamed("DescribeSubnets", "defaultForAz"), "default-for-az");
    assert_eq!(renamed("DescribeSubnets", "cidr"), "cidr-block");
    assert_eq!(
        renamed("DescribeInstances", "group-id"),
        "instance.group-id"
    );
}

#[test]
fn limits_count_values_across_filters_and_their_length() {
    let values: Vec<String> = (0..100).map(|i| format!("v{i}")).collect();
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let two = vec![Filter::new("state", &refs), Filter::new("owner-id", &refs)];
    assert!(check("DescribeVpcs", two.clone()).is_ok());
    let mut three = two;
    three.push(Filter::new("tag:x", &["one more"]));
    let e = check("DescribeVpcs", three).unwrap_err();
    assert_eq!(e.code, ErrorCode::FilterLimitExceeded);
    assert_eq!(
        e.message,
        "The maximum number of filter values specified on a single call is 200"
    );
    // Also on actions without a table.
    let many: Vec<&str> = (0..201).map(|_| "x").collect();
    let e = check("DescribeRegions", vec![Filter::new("region-name", &many)]).unwrap_err();
    assert_eq!(e.code, ErrorCode::FilterLimitExceeded);

    let long = "a".repeat(MAX_VALUE_LEN);
    assert!(check("DescribeVpcs", vec![Filter::new("state", &[&long])]).is_ok());
    let longer = "a".repeat(MAX_VALUE_LEN + 1);
    let e = check("DescribeVpcs", vec![Filter::new("state", &[&longer])]).unwrap_err();
    assert_eq!(e.code, ErrorCode::FilterLimitExceeded);
    assert_eq!(
        e.message,
        "The maximum length for a filter value is 255 characters"
    );
}
