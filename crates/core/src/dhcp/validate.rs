//! The (key, values) pairs of CreateDhcpOptions: known keys, each once, values each key
//! accepts.

use std::net::{IpAddr, Ipv4Addr};

use crate::error::{ApiError, Result};

use super::model::KEYS;

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
        check_values(key, values)?;
    }
    Ok(())
}

/// The values a known key accepts.
fn check_values(key: &str, values: &[String]) -> Result<()> {
    let is_ip = |v: &str| v.parse::<IpAddr>().is_ok();
    let is_v4 = |v: &str| v.parse::<Ipv4Addr>().is_ok();
    let valid: &dyn Fn(&str) -> bool = match key {
        "domain-name-servers" => &|v| v == "AmazonProvidedDNS" || is_ip(v),
        "ntp-servers" => &is_ip,
        "netbios-name-servers" => &is_v4,
        "netbios-node-type" => {
            return check_single(key, values, |v| ["1", "2", "4", "8"].contains(&v))
        }
        "ipv6-address-preferred-lease-time" => {
            let in_range = |v: &str| {
                v.parse::<u64>()
                    .is_ok_and(|n| (140..=2_147_483_647).contains(&n))
            };
            return check_single(key, values, in_range);
        }
        _ => return Ok(()),
    };
    if values.len() > 4 {
        return Err(ApiError::invalid_value(format!(
            "The DHCP option '{key}' accepts at most 4 values."
        )));
    }
    match values.iter().find(|v| !valid(v)) {
        Some(v) => Err(bad_value(key, v)),
        None => Ok(()),
    }
}

/// A key that takes exactly one value, which `valid` accepts.
fn check_single(key: &str, values: &[String], valid: impl Fn(&str) -> bool) -> Result<()> {
    if values.len() == 1 && valid(&values[0]) {
        Ok(())
    } else {
        Err(bad_value(key, &values.join(",")))
    }
}
