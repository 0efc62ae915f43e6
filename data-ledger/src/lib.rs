//! data-ledger
