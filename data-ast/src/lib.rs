//! data-ast
