//! data-rules
