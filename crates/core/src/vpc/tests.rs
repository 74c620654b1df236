//! VPC tests.
