//! insights tests
