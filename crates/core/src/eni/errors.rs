//! The area's error messages that more than one of its files sends.

use crate::error::{ApiError, ErrorCode};
use crate::ids::Kind;

use super::{MAX_IPV6_ADDRESSES, MAX_PRIVATE_IPS};

/// `InvalidInstanceID.NotFound` naming one or several unknown instances.
pub(super) fn instances_not_found(ids: &[&str]) -> ApiError {
    match ids {
        [one] => Kind::Instance.not_found(one),
        many => ApiError::new(
            ErrorCode::InvalidInstanceIDNotFound,
            format!("The instance IDs '{}' do not exist", many.join(", ")),
        ),
    }
}

pub(super) fn attachment_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidAttachmentIDNotFound,
        format!("The attachment ID '{id}' does not exist"),
    )
}

pub(super) fn incorrect_state(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::IncorrectInstanceState,
        format!("The instance '{id}' is not in a valid state for this operation."),
    )
}

/// A requester-managed interface is the service's, not the caller's.
pub(super) fn managed(id: &str) -> ApiError {
    ApiError::not_permitted(format!(
        "The network interface '{id}' is requester-managed and cannot be modified, detached or deleted."
    ))
}

/// An interface that already has an attachment.
pub(super) fn interface_in_use(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidNetworkInterfaceInUse,
        format!("Interface: [{id}] in use."),
    )
}

pub(super) fn not_enough_addresses(subnet_id: &str, what: &str) -> ApiError {
    ApiError::new(ErrorCode::InsufficientFreeAddressesInSubnet,
        format!("There are not enough free addresses in subnet '{subnet_id}' to satisfy the requested number of {what}."),
    )
}

pub(super) fn duplicate(addr: impl std::fmt::Display) -> ApiError {
    ApiError::invalid_value(format!("The address {addr} is specified more than once."))
}

pub(super) fn private_ip_limit() -> ApiError {
    ApiError::new(
        ErrorCode::PrivateIpAddressLimitExceeded,
        format!("An interface may hold at most {MAX_PRIVATE_IPS} private IPv4 addresses."),
    )
}

/// A device index outside 0..=[`super::MAX_DEVICE_INDEX`].
pub(super) fn bad_device_index(index: i64) -> ApiError {
    ApiError::invalid_value(format!(
        "Value ({index}) for parameter deviceIndex is invalid. Expected a value between 0 and {}.",
        super::MAX_DEVICE_INDEX
    ))
}

/// More IPv6 addresses and prefixes than one interface may hold.
pub(super) fn ipv6_limit() -> ApiError {
    ApiError::invalid_value(format!(
        "An interface may hold at most {MAX_IPV6_ADDRESSES} IPv6 addresses."
    ))
}
