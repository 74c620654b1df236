//! DHCP option sets, including each scope's default set: create (validated keys and
//! values), delete (refused while a VPC uses the set), associate with a VPC, describe.

use serde::{Deserialize, Serialize};

use std::net::IpAddr;

use crate::error::{ApiError, Result};
use crate::filter::{self, Filter};
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{vpc, Kind, Output};

/// A DHCP option set: (key, values) pairs such as `domain-name-servers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhcpOptions {
    pub id: String,
    pub scope: Scope,
    pub configurations: Vec<(String, Vec<String>)>,
    pub is_default: bool,
}

impl Resource for DhcpOptions {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// DHCP options commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        configurations: Vec<(String, Vec<String>)>,
        tags: Vec<TagSpec>,
    },
    Delete {
        dhcp_options_id: String,
    },
    /// `dhcp_options_id` may be `default`: the scope's default set.
    Associate {
        dhcp_options_id: String,
        vpc_id: String,
    },
}

/// The option names AWS accepts.
pub const KEYS: &[&str] = &[
    "domain-name",
    "domain-name-servers",
    "ntp-servers",
    "netbios-name-servers",
    "netbios-node-type",
    "ipv6-address-preferred-lease-time",
];

/// The caller's option set `id`, or `InvalidDhcpOptionID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w DhcpOptions> {
    w.dhcp_options
        .get_in(scope, id)
        .ok_or_else(|| Kind::DhcpOptions.not_found(id))
}

/// Applies a DHCP options command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    let scope = ctx.scope();
    match cmd {
        Cmd::Create {
            configurations,
            tags: specs,
        } => {
            check_configurations(&configurations)?;
            tags::check_specs(&specs, "dhcp-options")?;
            let id = w.ids.id(Kind::DhcpOptions);
            w.dhcp_options.insert(DhcpOptions {
                id: id.clone(),
                scope: scope.clone(),
                configurations,
                is_default: false,
            });
            tags::apply_specs(w, &scope, &id, &specs);
            Ok(Output::Id(id))
        }
        Cmd::Delete {
            dhcp_options_id: id,
        } => {
            get(w, &scope, &id)?;
            if w.vpcs.values().any(|v| v.dhcp_options_id == id) {
                return Err(ApiError::dependency(format!(
                    "The dhcpOptions '{id}' has dependencies and cannot be deleted."
                )));
            }
            w.dhcp_options.remove(&id);
            tags::forget(w, &id);
            Ok(Output::Done)
        }
        Cmd::Associate {
            dhcp_options_id,
            vpc_id,
        } => {
            vpc::get(w, &scope, &vpc_id)?;
            let id = if dhcp_options_id == "default" {
                default_for(w, &scope)
            } else {
                get(w, &scope, &dhcp_options_id)?;
                dhcp_options_id
            };
            w.vpcs.get_mut(&vpc_id).expect("checked").dhcp_options_id = id;
            Ok(Output::Done)
        }
    }
}

fn bad_value(key: &str, value: &str) -> ApiError {
    ApiError::invalid_value(format!("Value ({value}) for parameter {key} is invalid."))
}

/// Validates the (key, values) pairs of CreateDhcpOptions.
pub fn check_configurations(configurations: &[(String, Vec<String>)]) -> Result<()> {
    if configurations.is_empty() {
        return Err(ApiError::missing("DhcpConfiguration"));
    }
    for (i, (key, values)) in configurations.iter().enumerate() {
        if !KEYS.contains(&key.as_str()) {
            return Err(ApiError::invalid_value(format!(
                "Value ({key}) for parameter name is invalid. Unknown DHCP option"
            )));
        }
        if configurations[..i].iter().any(|(k, _)| k == key) {
            return Err(ApiError::invalid_value(format!(
                "The DHCP option '{key}' is specified more than once."
            )));
        }
        if values.is_empty() || values.iter().any(|v| v.trim().is_empty()) {
            return Err(ApiError::invalid_value(format!(
                "Value for parameter {key} cannot be empty."
            )));
        }
        let is_ip = |v: &str| v.parse::<IpAddr>().is_ok();
        let is_v4 = |v: &str| v.parse::<std::net::Ipv4Addr>().is_ok();
        let too_many = || {
            ApiError::invalid_value(format!("The DHCP option '{key}' accepts at most 4 values."))
        };
        match key.as_str() {
            "domain-name-servers" => {
                if values.len() > 4 {
                    return Err(too_many());
                }
                if let Some(v) = values
                    .iter()
                    .find(|v| v.as_str() != "AmazonProvidedDNS" && !is_ip(v))
                {
                    return Err(bad_value(key, v));
                }
            }
            "ntp-servers" | "netbios-name-servers" => {
                if values.len() > 4 {
                    return Err(too_many());
                }
                let ok = |v: &str| {
                    if key == "ntp-servers" {
                        is_ip(v)
                    } else {
                        is_v4(v)
                    }
                };
                if let Some(v) = values.iter().find(|v| !ok(v)) {
                    return Err(bad_value(key, v));
                }
            }
            "netbios-node-type"
                if values.len() != 1 || !["1", "2", "4", "8"].contains(&values[0].as_str()) =>
            {
                return Err(bad_value(key, &values.join(",")));
            }
            "ipv6-address-preferred-lease-time" => {
                let ok = values.len() == 1
                    && values[0]
                        .parse::<u64>()
                        .is_ok_and(|n| (140..=2_147_483_647).contains(&n));
                if !ok {
                    return Err(bad_value(key, &values.join(",")));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Filters DescribeDhcpOptions accepts.
pub const FILTERS: &[&str] = &["dhcp-options-id", "key", "value", "owner-id"];

/// DescribeDhcpOptions: explicit ids must all exist; then filters.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w DhcpOptions>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.dhcp_options.pick(&scope, ids, |id| get(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|d| {
            filter::matches(filters, tags::of(w, &scope, &d.id), |name| match name {
                "dhcp-options-id" => filter::s(&d.id),
                "key" => d.configurations.iter().map(|(k, _)| k.clone()).collect(),
                "value" => d
                    .configurations
                    .iter()
                    .flat_map(|(_, v)| v.iter().cloned())
                    .collect(),
                "owner-id" => filter::s(&d.scope.account),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// The scope's default option set, created on first use.
pub fn default_for(w: &mut World, scope: &Scope) -> String {
    if let Some(d) = w.dhcp_options.in_scope(scope).find(|d| d.is_default) {
        return d.id.clone();
    }
    let id = w.ids.id(Kind::DhcpOptions);
    let domain = if scope.region == "us-east-1" {
        "ec2.internal".to_string()
    } else {
        format!("{}.compute.internal", scope.region)
    };
    w.dhcp_options.insert(DhcpOptions {
        id: id.clone(),
        scope: scope.clone(),
        configurations: vec![
            ("domain-name".into(), vec![domain]),
            (
                "domain-name-servers".into(),
                vec!["AmazonProvidedDNS".into()],
            ),
        ],
        is_default: true,
    });
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::Command;

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    fn world() -> World {
        let mut w = World::new(Config::default(), 1);
        for account in [A, B] {
            w.apply(&Ctx::new(account, "us-east-1", 0), Command::InitScope)
                .unwrap();
        }
        w
    }

    fn ctx(account: &str) -> Ctx {
        Ctx::new(account, "us-east-1", 0)
    }

    fn conf(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    fn create(w: &mut World, pairs: &[(&str, &[&str])]) -> Result<String> {
        let cmd = Cmd::Create {
            configurations: conf(pairs),
            tags: vec![],
        };
        match w.apply(&ctx(A), Command::Dhcp(cmd))? {
            Output::Id(id) => Ok(id),
            o => panic!("{o:?}"),
        }
    }

    fn new_vpc(w: &mut World) -> String {
        let cmd = Command::Vpc(vpc::Cmd::Create {
            cidr_block: "10.0.0.0/16".into(),
            amazon_ipv6: false,
            instance_tenancy: None,
            tags: vec![],
        });
        match w.apply(&ctx(A), cmd).unwrap() {
            Output::Id(id) => id,
            o => panic!("{o:?}"),
        }
    }

    /// The one check of this module: `cmd` as `account` fails with `code` and a message
    /// containing `message`, leaving the world unchanged.
    fn check(w: &mut World, account: &str, cmd: Cmd, code: &str, message: &str) {
        let before = format!("{w:?}");
        let e = w
            .apply(&ctx(account), Command::Dhcp(cmd.clone()))
            .unwrap_err();
        assert_eq!(e.code, code, "{cmd:?}: {}", e.message);
        assert!(e.message.contains(message), "{cmd:?}: {}", e.message);
        assert_eq!(format!("{w:?}"), before, "{cmd:?} changed the world");
    }

    fn check_create(pairs: &[(&str, &[&str])], code: &str, message: &str) {
        let mut w = world();
        let cmd = Cmd::Create {
            configurations: conf(pairs),
            tags: vec![],
        };
        check(&mut w, A, cmd, code, message);
    }

    #[test]
    fn scope_defaults_exist() {
        let w = world();
        let d = describe(&w, &ctx(A), &[], &[]).unwrap();
        assert_eq!(d.len(), 1);
        assert!(d[0].is_default);
        assert_eq!(
            d[0].configurations,
            conf(&[
                ("domain-name", &["ec2.internal"]),
                ("domain-name-servers", &["AmazonProvidedDNS"]),
            ])
        );
    }

    #[test]
    fn create_validates_keys_and_values() {
        let mut w = world();
        let id = create(
            &mut w,
            &[
                ("domain-name", &["example.com corp.example.com"]),
                ("domain-name-servers", &["10.0.0.2", "AmazonProvidedDNS"]),
                ("ntp-servers", &["169.254.169.123", "fd00:ec2::123"]),
                ("netbios-name-servers", &["10.0.0.5"]),
                ("netbios-node-type", &["2"]),
                ("ipv6-address-preferred-lease-time", &["3600"]),
            ],
        )
        .unwrap();
        assert!(id.starts_with("dopt-"));
        check_create(&[], "MissingParameter", "DhcpConfiguration");
        check_create(
            &[("bogus", &["x"])],
            "InvalidParameterValue",
            "Unknown DHCP option",
        );
        check_create(&[("domain-name", &[])], "InvalidParameterValue", "");
        check_create(
            &[("domain-name", &["a"]), ("domain-name", &["b"])],
            "InvalidParameterValue",
            "more than once",
        );
        check_create(
            &[("domain-name-servers", &["not-an-ip"])],
            "InvalidParameterValue",
            "Value (not-an-ip) for parameter domain-name-servers is invalid.",
        );
        check_create(
            &[(
                "domain-name-servers",
                &["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.5"],
            )],
            "InvalidParameterValue",
            "at most 4",
        );
        check_create(
            &[("netbios-name-servers", &["fd00::1"])],
            "InvalidParameterValue",
            "",
        );
        check_create(
            &[("netbios-node-type", &["3"])],
            "InvalidParameterValue",
            "",
        );
        check_create(
            &[("ipv6-address-preferred-lease-time", &["100"])],
            "InvalidParameterValue",
            "",
        );
        check_create(
            &[("ntp-servers", &["time.example.com"])],
            "InvalidParameterValue",
            "",
        );
        let mut w = world();
        check(
            &mut w,
            A,
            Cmd::Create {
                configurations: conf(&[("domain-name", &["x"])]),
                tags: vec![TagSpec {
                    resource_type: "vpc".into(),
                    tags: vec![],
                }],
            },
            "InvalidParameterValue",
            "",
        );
    }

    #[test]
    fn associate_and_delete() {
        let mut w = world();
        let vpc_id = new_vpc(&mut w);
        let default_id = w.vpcs.get(&vpc_id).unwrap().dhcp_options_id.clone();
        let id = create(&mut w, &[("domain-name", &["corp.example.com"])]).unwrap();
        w.apply(
            &ctx(A),
            Command::Dhcp(Cmd::Associate {
                dhcp_options_id: id.clone(),
                vpc_id: vpc_id.clone(),
            }),
        )
        .unwrap();
        assert_eq!(w.vpcs.get(&vpc_id).unwrap().dhcp_options_id, id);
        check(
            &mut w,
            A,
            Cmd::Delete {
                dhcp_options_id: id.clone(),
            },
            "DependencyViolation",
            &format!("The dhcpOptions '{id}' has dependencies and cannot be deleted."),
        );
        check(
            &mut w,
            A,
            Cmd::Associate {
                dhcp_options_id: "dopt-0123456789abcdef0".into(),
                vpc_id: vpc_id.clone(),
            },
            "InvalidDhcpOptionID.NotFound",
            "The dhcpOption ID 'dopt-0123456789abcdef0' does not exist",
        );
        check(
            &mut w,
            A,
            Cmd::Associate {
                dhcp_options_id: id.clone(),
                vpc_id: "vpc-0123456789abcdef0".into(),
            },
            "InvalidVpcID.NotFound",
            "",
        );
        // Another account sees neither the set nor the VPC.
        check(
            &mut w,
            B,
            Cmd::Delete {
                dhcp_options_id: id.clone(),
            },
            "InvalidDhcpOptionID.NotFound",
            "",
        );
        // `default` puts the scope's default set back.
        w.apply(
            &ctx(A),
            Command::Dhcp(Cmd::Associate {
                dhcp_options_id: "default".into(),
                vpc_id: vpc_id.clone(),
            }),
        )
        .unwrap();
        assert_eq!(w.vpcs.get(&vpc_id).unwrap().dhcp_options_id, default_id);
        w.apply(
            &ctx(A),
            Command::Dhcp(Cmd::Delete {
                dhcp_options_id: id.clone(),
            }),
        )
        .unwrap();
        assert!(w.dhcp_options.get(&id).is_none());
        check(
            &mut w,
            A,
            Cmd::Delete {
                dhcp_options_id: id.clone(),
            },
            "InvalidDhcpOptionID.NotFound",
            "",
        );
        // The default set is in use by both VPCs.
        check(
            &mut w,
            A,
            Cmd::Delete {
                dhcp_options_id: default_id,
            },
            "DependencyViolation",
            "",
        );
    }

    #[test]
    fn describe_filters() {
        let mut w = world();
        let id = create(
            &mut w,
            &[
                ("domain-name", &["corp.example.com"]),
                ("ntp-servers", &["10.0.0.9"]),
            ],
        )
        .unwrap();
        w.apply(
            &ctx(A),
            Command::Tags(tags::Cmd::Create {
                resource_ids: vec![id.clone()],
                tags: vec![("Name".into(), "corp".into())],
            }),
        )
        .unwrap();
        let ids = |filters: &[Filter]| -> Vec<String> {
            describe(&w, &ctx(A), &[], filters)
                .unwrap()
                .iter()
                .map(|d| d.id.clone())
                .collect()
        };
        assert_eq!(ids(&[]).len(), 2);
        assert_eq!(
            ids(&[Filter::new("key", &["ntp-servers"])]),
            vec![id.clone()]
        );
        assert_eq!(ids(&[Filter::new("value", &["corp.*"])]), vec![id.clone()]);
        assert_eq!(ids(&[Filter::new("value", &["ec2.internal"])]).len(), 1);
        assert_eq!(
            ids(&[Filter::new("dhcp-options-id", &[&id])]),
            vec![id.clone()]
        );
        assert_eq!(ids(&[Filter::new("owner-id", &[A])]).len(), 2);
        assert_eq!(ids(&[Filter::new("tag:Name", &["corp"])]), vec![id.clone()]);
        assert!(describe(&w, &ctx(A), &[], &[Filter::new("bogus", &["x"])]).is_err());
        let e = describe(&w, &ctx(B), std::slice::from_ref(&id), &[]).unwrap_err();
        assert_eq!(e.code, "InvalidDhcpOptionID.NotFound");
        assert_eq!(describe(&w, &ctx(B), &[], &[]).unwrap().len(), 1);
    }
}
