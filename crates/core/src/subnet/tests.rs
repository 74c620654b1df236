//! Subnet tests.
