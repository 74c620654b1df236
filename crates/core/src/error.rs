//! AWS-style errors: a code (as AWS spells it on the wire) and a human message.

use std::fmt;

pub use crate::codes::ErrorCode;

/// An error as AWS reports it: `code` is the exact wire code, `message` the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

/// Result type of the core.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

impl ApiError {
    /// An error with an arbitrary code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// `InvalidParameterValue` with the given message.
    pub fn invalid_value(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameterValue, message)
    }

    /// `InvalidParameter` with the given message.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }

    /// `InvalidParameterCombination` with the given message.
    pub fn invalid_combination(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameterCombination, message)
    }

    /// `MissingParameter` for the named wire parameter.
    pub fn missing(param: &str) -> Self {
        Self::new(
            ErrorCode::MissingParameter,
            format!("The request must contain the parameter {param}"),
        )
    }

    /// `OperationNotPermitted` with the given message.
    pub fn not_permitted(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::OperationNotPermitted, message)
    }

    /// `DependencyViolation` with the given message.
    pub fn dependency(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::DependencyViolation, message)
    }

    /// The quota error `code` for a limit of `limit`.
    pub fn limit(code: ErrorCode, what: &str, limit: u32) -> Self {
        Self::new(
            code,
            format!("The maximum number of {what} has been reached ({limit})."),
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}
