//! AWS-style errors: a code (as AWS spells it on the wire) and a human message.

use std::fmt;

/// An error as AWS reports it: `code` is the exact wire code, `message` the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

/// Result type of the core.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

impl ApiError {
    /// An error with an arbitrary code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// `InvalidParameterValue` with the given message.
    pub fn invalid_value(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterValue", message)
    }

    /// `InvalidParameter` with the given message.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new("InvalidParameter", message)
    }

    /// `InvalidParameterCombination` with the given message.
    pub fn invalid_combination(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterCombination", message)
    }

    /// `MissingParameter` for the named wire parameter.
    pub fn missing(param: &str) -> Self {
        Self::new(
            "MissingParameter",
            format!("The request must contain the parameter {param}"),
        )
    }

    /// `OperationNotPermitted` with the given message.
    pub fn not_permitted(message: impl Into<String>) -> Self {
        Self::new("OperationNotPermitted", message)
    }

    /// `DependencyViolation` with the given message.
    pub fn dependency(message: impl Into<String>) -> Self {
        Self::new("DependencyViolation", message)
    }

    /// The quota error `code` for a limit of `limit`.
    pub fn limit(code: &str, what: &str, limit: u32) -> Self {
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
