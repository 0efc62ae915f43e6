//! data-exec
