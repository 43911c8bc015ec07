//! Matching placeholder
