//! data-core
